package dev.socketeer.adapter.redis;

import static org.awaitility.Awaitility.await;

import dev.socketeer.adapter.redis.FailoverTraffic.Flow;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three Java nodes on the streams adapter on a Redis Cluster (three masters, three replicas), configured with
 * {@code spring.data.redis.cluster.nodes}: the stream and the session keys live on the masters of their slots, each
 * node reads the stream with {@code XREAD} on its slot's master, requests travel over PUBLISH/SUBSCRIBE. Last, the
 * stream's master is killed under traffic from a node and from the streams emitter: the nodes read on from the
 * promoted replica and the emitter appends there, by themselves; the messages lost meanwhile are counted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterStreamsAdapterTest extends RedisAdapterClusterTestBase {

    @BeforeAll
    static void start() throws Exception {
        startOnRedisCluster("streams");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void afterTheStreamsMasterIsKilledTheNodesAndTheEmitterReadAndWriteOnThroughThePromotedReplica() throws Exception {
        RedisStreamsEmitter emitter = n3.bean(RedisStreamsEmitter.class);
        List<Flow> flows = List.of(
                new Flow("streams-java", seq -> n1.io().emit("streams-java", seq), List.of("a"), List.of("b")),
                new Flow("streams-emitter", seq -> emitter.emit("streams-emitter", seq), List.of(), List.of("a", "b")));
        try (FailoverTraffic traffic = FailoverTraffic.start("redis cluster streams failover", clients, flows)) {
            int master = redisCluster.masterOf("socket.io");
            traffic.killed();
            redisCluster.kill(master);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> redisCluster.isOk()
                    && redisCluster.masterOf("socket.io") != master);
            long promoted = traffic.sinceKill();
            // broadcasts appended to the stream on the new master reach the other nodes' clients again: a read left
            // waiting on the dead master would hold each node for the command timeout (60 s) instead; and the
            // emitter appends there too
            traffic.awaitResumed(Duration.ofSeconds(20));
            System.out.printf("[redis cluster streams failover] the replica took over by +%d ms; every flow"
                    + " delivered again by +%d ms%n", promoted, traffic.sinceKill());
            traffic.finish();
        }
    }
}
