package dev.socketeer.adapter.postgres;

import dev.socketeer.adapter.cluster.RollingRestartRecoveryTestBase;
import dev.socketeer.test.ForkedNode;
import dev.socketeer.test.PostgresTestServer;
import java.util.ArrayList;
import java.util.List;

/** {@link RollingRestartRecoveryTestBase} on the Postgres adapter, over a throw-away PostgreSQL. */
class PostgresRollingRestartRecoveryTest extends RollingRestartRecoveryTestBase {

    private PostgresTestServer postgres;
    private PostgresNode publisher;

    private List<String> properties() {
        return new ArrayList<>(List.of("socketio.connection-state-recovery.enabled=true",
                "socketio.connection-state-recovery.max-disconnection-duration=60s",
                "socketio.adapter.postgres.url=" + postgres.r2dbcUrl()));
    }

    @Override
    protected void startBackendAndPublisher() {
        postgres = PostgresTestServer.start("rolling-restart");
        publisher = PostgresNode.start("publisher", properties().toArray(String[]::new));
    }

    @Override
    protected ForkedNode startNode(String name, int port) {
        List<String> properties = properties();
        properties.add("server.port=" + port);
        return PostgresNodeProcess.start(name, properties.toArray(String[]::new));
    }

    @Override
    protected void publish(String room, int n) {
        publisher.server.to(room).emit("tick", room, n);
    }

    @Override
    protected void stopBackendAndPublisher() {
        for (AutoCloseable closeable : new AutoCloseable[] { publisher, postgres }) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Override
    protected String adapterName() {
        return "Postgres";
    }
}
