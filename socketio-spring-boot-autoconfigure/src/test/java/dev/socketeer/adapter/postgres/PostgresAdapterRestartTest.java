package dev.socketeer.adapter.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.test.HealthProbe;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.PostgresTestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL restarted under traffic: local delivery never stops, the adapters (and the socketio health, and the
 * readiness group that includes it) report DOWN meanwhile, then their
 * connections come back by themselves (LISTEN again) and cross-node delivery resumes, with no node restarted and no
 * connection left behind.
 */
class PostgresAdapterRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void deliveryResumesAfterPostgresRestartsWithoutRestartingNodes() throws Exception {
        try (PostgresTestServer postgres = PostgresTestServer.start("restart");
                PostgresNode a = PostgresNode.start("A", "socketio.adapter.postgres.url=" + postgres.r2dbcUrl());
                PostgresNode b = PostgresNode.start("B", "socketio.adapter.postgres.url=" + postgres.r2dbcUrl());
                NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            a.awaitPeers("/", 1);
            b.awaitPeers("/", 1);
            clients.connect("onA", a.url("/"), Map.of("transports", List.of("websocket")));
            clients.connect("onB", b.url("/"), Map.of("transports", List.of("websocket")));
            clients.awaitConnect("onA");
            clients.awaitConnect("onB");
            String connectionsBefore = socketeerConnections(postgres);
            // per node: LISTEN and publishing; the emitter opens its connection on first use
            assertThat(connectionsBefore).isEqualTo("4");

            // traffic all along: node A broadcasts every 50 ms
            AtomicBoolean sending = new AtomicBoolean(true);
            AtomicInteger sent = new AtomicInteger();
            Thread traffic = new Thread(() -> {
                while (sending.get()) {
                    a.server.emit("tick", sent.incrementAndGet());
                    try {
                        TimeUnit.MILLISECONDS.sleep(50); // pacing the load generator, not waiting for a condition
                    }
                    catch (InterruptedException e) {
                        return;
                    }
                }
            }, "traffic");
            traffic.start();
            try {
                clients.awaitEvent("onB", "tick");

                postgres.stop();
                await().atMost(WAIT).until(() -> !a.adapterFactory().isConnected() && !b.adapterFactory().isConnected());
                HealthProbe down = HealthProbe.get("http://127.0.0.1:" + a.port, "/actuator/health/socketio");
                assertThat(down.status()).isEqualTo("DOWN");
                assertThat(down.cluster().get("backend").asString()).isEqualTo("postgres");
                assertThat(down.cluster().get("connected").asBoolean()).isFalse();
                assertThat(HealthProbe.get("http://127.0.0.1:" + a.port, "/actuator/health/readiness").httpStatus())
                        .isEqualTo(503);

                // local delivery never stops
                a.server.emit("local-during-outage", 1);
                assertThat(clients.awaitEvent("onA", "local-during-outage").get("args").get(0).asInt()).isEqualTo(1);

                postgres.start();
                await().atMost(Duration.ofSeconds(20)).until(
                        () -> a.adapterFactory().isConnected() && b.adapterFactory().isConnected());
                HealthProbe up = HealthProbe.get("http://127.0.0.1:" + a.port, "/actuator/health/socketio");
                assertThat(up.status()).isEqualTo("UP");
                assertThat(up.cluster().get("connected").asBoolean()).isTrue();

                // a tick sent after both reconnected reaches node B's client
                int after = sent.get() + 1;
                await().atMost(WAIT).until(() -> clients.awaitEvent("onB", "tick").get("args").get(0).asInt() > after);
            }
            finally {
                sending.set(false);
                traffic.join();
            }

            // and the other way, plus requests: the nodes still know each other
            b.server.emit("after-restart", "from B");
            assertThat(clients.awaitEvent("onA", "after-restart").get("args").get(0).asString()).isEqualTo("from B");
            assertThat(a.server.fetchSockets().join()).hasSize(2);
            // nothing piles up: the same number of connections as before
            await().atMost(WAIT).until(() -> socketeerConnections(postgres).equals(connectionsBefore));
        }
    }

    private static String socketeerConnections(PostgresTestServer postgres) {
        return postgres.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'socketeer'");
    }
}
