package dev.socketeer.adapter.redis;

import dev.socketeer.adapter.cluster.RollingRestartRecoveryTestBase;
import dev.socketeer.test.ForkedNode;
import dev.socketeer.test.NodeEnvironment;
import java.time.Duration;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import tools.jackson.databind.node.ObjectNode;

/**
 * Not a test: the reference run of {@link RollingRestartRecoveryTestBase}'s scenario, with Node.js in place of the
 * Java nodes, run by hand ({@code -Dsocketeer.measure=true}, or {@code benchmarks/rolling-restart.sh} beside the Java
 * adapters). Three Node socket.io 4.8 servers on {@code @socket.io/redis-streams-adapter} 0.3.1 with connection state
 * recovery ({@code streams-recovery-node.mjs}: a SIGTERM closes {@code io}, which persists each socket's session,
 * then quits Redis), and a fourth Node server on the same adapter as the publisher ({@code redis-cluster-node.mjs}).
 * The same clients, balancer, rate, restart sequence and accounting; Node does not promise exactly once across a
 * restart, so the figures are reported, not asserted.
 */
@EnabledIfSystemProperty(named = "socketeer.measure", matches = "true")
class NodeStreamsRollingRestartReference extends RollingRestartRecoveryTestBase {

    private static final Duration MAX_DISCONNECTION = Duration.ofSeconds(60);

    private RedisServer redis;
    private NodeRedisServer publisher;

    @Override
    protected void startBackendAndPublisher() {
        redis = RedisServer.start();
        publisher = new NodeRedisServer(redis.port(), "streams", MAX_DISCONNECTION);
    }

    @Override
    protected ForkedNode startNode(String name, int port) {
        ProcessBuilder node = new ProcessBuilder(NodeEnvironment.nodeExecutable(), "streams-recovery-node.mjs", name,
                Integer.toString(redis.port()), Integer.toString(port), Long.toString(MAX_DISCONNECTION.toMillis()))
                .directory(NodeEnvironment.scriptsDir().toFile());
        return ForkedNode.start("Node " + name, node);
    }

    @Override
    protected void publish(String room, int n) {
        ObjectNode emit = NodeRedisServer.command("emit");
        emit.putArray("rooms").add(room);
        emit.put("event", "tick");
        emit.putArray("args").add(room).add(n);
        publisher.send(emit);
    }

    @Override
    protected void stopBackendAndPublisher() {
        ClusterNode.closeAll(publisher, redis);
    }

    @Override
    protected String serverName() {
        return "Node.js socket.io 4.8";
    }

    @Override
    protected String adapterName() {
        return "@socket.io/redis-streams-adapter 0.3.1";
    }

    @Override
    protected boolean promisesExactlyOnce() {
        return false;
    }
}
