package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
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
 * Three Java nodes on the classic adapter on a Redis Cluster (three masters, three replicas), configured with
 * {@code spring.data.redis.cluster.nodes}: PUBLISH/PSUBSCRIBE reach every node of the cluster, the server count is
 * the sum of {@code PUBSUB NUMSUB} over the cluster's nodes. A Node server on {@code createAdapter} with an ioredis
 * {@code Cluster} joins them, and both emitters reach both kinds of server through the cluster. Last, the master
 * that the broadcasts are published to (Lettuce sends {@code PUBLISH} to the master of the channel's slot) is killed
 * under traffic from a node and from the emitter: both publish through the promoted replica by themselves; the
 * messages lost meanwhile are counted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterClassicAdapterTest extends RedisAdapterClusterTestBase {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @BeforeAll
    static void start() throws Exception {
        startOnRedisCluster("classic");
    }

    @Test
    void aNodeServerAndBothEmittersShareTheClassicClusterWithTheJavaNodes() {
        try (NodeRedisServer node = new NodeRedisServer(redisCluster.nodeSpec(), "classic")) {
            // Java and Node count the same servers: NUMSUB summed over the cluster's nodes
            await().atMost(WAIT).until(() -> n1.io().sockets().adapter().serverCount().get() == 4);
            assertThat(node.call(NodeRedisServer.command("serverCount")).get("value").asInt()).isEqualTo(4);
            clients.connect("nc", node.url() + "/", ClusterNode.websocket());
            clients.awaitConnect("nc");

            n1.io().emit("classic-from-java", 1);
            clients.awaitEvent("nc", "classic-from-java");
            clients.awaitEvent("b", "classic-from-java");
            node.send(NodeRedisServer.command("emit").put("event", "classic-from-node"));
            clients.awaitEvent("a", "classic-from-node");
            clients.awaitEvent("b", "classic-from-node");

            // the Java emitter (on Boot's cluster client) reaches the Node server's client and the Java nodes' ...
            assertThat(n3.emitter().emit("from-java-emitter", 1)).succeedsWithin(WAIT);
            clients.awaitEvent("nc", "from-java-emitter");
            clients.awaitEvent("a", "from-java-emitter");
            // ... and Node's @socket.io/redis-emitter on the ioredis cluster reaches the Java nodes' clients
            node.send(NodeRedisServer.command("emitterEmit").put("event", "from-node-emitter"));
            clients.awaitEvent("a", "from-node-emitter");
            clients.awaitEvent("b", "from-node-emitter");
            clients.disconnect("nc");
        }
        await().atMost(WAIT).until(() -> n1.io().sockets().adapter().serverCount().get() == 3);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void afterTheBroadcastChannelsMasterIsKilledTheNodesAndTheEmitterPublishThroughThePromotedReplica()
            throws Exception {
        List<Flow> flows = List.of(
                new Flow("classic-java", seq -> n1.io().emit("classic-java", seq), List.of("a"), List.of("b")),
                new Flow("classic-emitter", seq -> n3.emitter().emit("classic-emitter", seq), List.of(),
                        List.of("a", "b")));
        try (FailoverTraffic traffic = FailoverTraffic.start("redis cluster classic failover", clients, flows)) {
            int master = redisCluster.masterOf("socket.io#/#");
            traffic.killed();
            redisCluster.kill(master);
            // the nodes report it before the cluster has even marked the master failed
            await().atMost(WAIT).until(() -> !n1.adapterFactory().isConnected() && !n2.adapterFactory().isConnected());
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> redisCluster.isOk() && redisCluster.masterOf("socket.io#/#") != master);
            long promoted = traffic.sinceKill();
            traffic.awaitResumed(WAIT);
            System.out.printf("[redis cluster classic failover] the replica took over by +%d ms; every flow"
                    + " delivered again by +%d ms%n", promoted, traffic.sinceKill());
            traffic.finish();
        }
        await().atMost(WAIT).ignoreExceptions().until(() -> n1.io().sockets().adapter().serverCount().get() == 3);
        await().atMost(WAIT).until(() -> n1.adapterFactory().isConnected() && n2.adapterFactory().isConnected()
                && n3.adapterFactory().isConnected() && n3.emitter().isConnected());
    }
}
