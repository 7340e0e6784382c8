package dev.socketeer.adapter.redis;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

/**
 * What the load-balancer tests put behind a balancer: a real redis-server and three {@link ClusterNode}s on it
 * ({@code n1}, {@code n2}, {@code n3}), started with the same properties, each seeing the other two.
 */
final class BalancedCluster implements AutoCloseable {

    private final RedisServer redis;
    private final List<ClusterNode> nodes;

    private BalancedCluster(RedisServer redis, List<ClusterNode> nodes) {
        this.redis = redis;
        this.nodes = nodes;
    }

    static BalancedCluster start(String... properties) {
        RedisServer redis = RedisServer.start();
        ClusterNode n1 = ClusterNode.start("n1", redis.port(), properties);
        ClusterNode n2 = ClusterNode.start("n2", redis.port(), properties);
        ClusterNode n3 = ClusterNode.start("n3", redis.port(), properties);
        await().atMost(Duration.ofSeconds(20)).until(() -> n1.io().sockets().adapter().serverCount().get() == 3);
        return new BalancedCluster(redis, List.of(n1, n2, n3));
    }

    /** The nodes' HTTP ports, in the order n1, n2, n3. */
    List<Integer> ports() {
        return nodes.stream().map(ClusterNode::port).toList();
    }

    @Override
    public void close() {
        ClusterNode.closeAll(nodes.get(0), nodes.get(1), nodes.get(2), redis);
    }
}
