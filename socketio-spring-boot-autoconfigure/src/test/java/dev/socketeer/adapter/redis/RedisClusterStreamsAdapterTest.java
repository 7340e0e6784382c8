package dev.socketeer.adapter.redis;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three Java nodes on the streams adapter on a Redis Cluster (three masters, three replicas), configured with
 * {@code spring.data.redis.cluster.nodes}: the stream and the session keys live on the masters of their slots, each
 * node reads the stream with {@code XREAD} on its slot's master, requests travel over PUBLISH/SUBSCRIBE. Last, the
 * stream's master is killed: the nodes read on from the promoted replica by themselves.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterStreamsAdapterTest extends RedisAdapterClusterTestBase {

    @BeforeAll
    static void start() throws Exception {
        startOnRedisCluster("streams");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void afterTheStreamsMasterIsKilledTheNodesReadOnFromThePromotedReplica() {
        int master = redisCluster.masterOf("socket.io");
        redisCluster.kill(master);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> redisCluster.isOk()
                && redisCluster.masterOf("socket.io") != master);
        // broadcasts appended to the stream on the new master reach the other nodes' clients again: a read left
        // waiting on the dead master would hold each node for the command timeout (60 s) instead
        AtomicInteger sent = new AtomicInteger();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            n3.io().emit("after-stream-failover", sent.incrementAndGet());
            return received("a") && received("b");
        });
    }

    private static boolean received(String client) {
        return clients.reports().stream().anyMatch(r -> "event".equals(r.path("type").asString(""))
                && client.equals(r.path("client").asString(""))
                && "after-stream-failover".equals(r.path("event").asString("")));
    }
}
