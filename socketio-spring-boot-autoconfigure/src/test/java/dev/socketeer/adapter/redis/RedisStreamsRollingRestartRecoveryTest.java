package dev.socketeer.adapter.redis;

import dev.socketeer.adapter.cluster.RollingRestartRecoveryTestBase;
import dev.socketeer.test.ForkedNode;
import java.util.ArrayList;
import java.util.List;

/** {@link RollingRestartRecoveryTestBase} on the Redis Streams adapter, over a real redis-server. */
class RedisStreamsRollingRestartRecoveryTest extends RollingRestartRecoveryTestBase {

    private static final List<String> PROPERTIES = List.of("socketio.adapter.redis.mode=streams",
            "socketio.connection-state-recovery.enabled=true",
            "socketio.connection-state-recovery.max-disconnection-duration=60s");

    private RedisServer redis;
    private ClusterNode publisher;

    @Override
    protected void startBackendAndPublisher() {
        redis = RedisServer.start();
        publisher = ClusterNode.start("publisher", redis.port(), PROPERTIES.toArray(String[]::new));
    }

    @Override
    protected ForkedNode startNode(String name, int port) {
        List<String> properties = new ArrayList<>(PROPERTIES);
        properties.add("server.port=" + port);
        return ClusterNodeProcess.start(name, redis.port(), properties.toArray(String[]::new));
    }

    @Override
    protected void publish(String room, int n) {
        publisher.io().to(room).emit("tick", room, n);
    }

    @Override
    protected void stopBackendAndPublisher() {
        ClusterNode.closeAll(publisher, redis);
    }

    @Override
    protected String adapterName() {
        return "Redis Streams";
    }
}
