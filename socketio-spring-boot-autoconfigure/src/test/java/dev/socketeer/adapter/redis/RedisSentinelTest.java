package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.test.NodeSocketIoClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The Redis adapter and emitter through Redis Sentinel, configured as Spring Boot configures it
 * ({@code spring.data.redis.sentinel.*}): one master, one replica, three sentinels started by the
 * test; two Java nodes and a Node socket.io server on {@code @socket.io/redis-adapter} with ioredis
 * through the same sentinels share one cluster. Then the master is killed under traffic: the
 * sentinels promote the replica, every node follows by itself, local delivery never stops, and the
 * cross-node messages lost meanwhile are counted (none is delivered twice).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisSentinelTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    static RedisSentinelSet sentinels;
    static ClusterNode n1;
    static ClusterNode n2;
    static NodeRedisServer node;
    static NodeSocketIoClient clients;

    @BeforeAll
    static void startCluster() throws Exception {
        sentinels = RedisSentinelSet.start();
        String[] properties = sentinels.springProperties().toArray(String[]::new);
        n1 = ClusterNode.start("n1", sentinels.masterPort(), properties);
        n2 = ClusterNode.start("n2", sentinels.masterPort(), properties);
        node = new NodeRedisServer(sentinels.nodeSpec(), "classic");
        await().atMost(WAIT).until(() -> n1.io().sockets().adapter().serverCount().get() == 3);
        clients = NodeSocketIoClient.start();
        clients.connect("j1", n1.url() + "/", ClusterNode.websocket());
        clients.connect("j2", n2.url() + "/", ClusterNode.websocket());
        clients.connect("nc", node.url() + "/", ClusterNode.websocket());
        for (String client : List.of("j1", "j2", "nc")) {
            clients.awaitConnect(client);
            clients.emitWithAck(client, "join", WAIT, "room");
        }
    }

    @AfterAll
    static void stopCluster() {
        ClusterNode.closeAll(clients, node, n1, n2, sentinels);
    }

    @Test
    @Order(1)
    void javaAndNodeNodesShareOneClusterThroughTheSentinels() {
        assertThat(n1.adapterFactory().description().backend())
                .contains("sentinel", RedisSentinelSet.MASTER_NAME, sentinels.sentinelNodes());

        n1.io().to("room").emit("hit", "from-java");
        for (String client : List.of("j1", "j2", "nc")) {
            assertThat(clients.awaitEvent(client, "hit").get("args").get(0).asString()).isEqualTo("from-java");
        }
        node.send(NodeRedisServer.command("emit").put("event", "from-node")
                .set("rooms", dev.socketeer.test.TestJson.arrayOf("room")));
        clients.awaitEvent("j1", "from-node");
        clients.awaitEvent("j2", "from-node");

        // the Java emitter goes through the sentinels too, and reaches the Node server's client
        assertThat(n2.emitter().to("room").emit("from-emitter", 1)).succeedsWithin(WAIT);
        clients.awaitEvent("nc", "from-emitter");
        clients.awaitEvent("j1", "from-emitter");
    }

    @Test
    @Order(2)
    void afterTheMasterIsKilledEveryNodeFollowsThePromotionAndNothingIsDeliveredTwice() throws Exception {
        Map<Integer, Long> sentAt = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread sender = new Thread(() -> {
            while (sending.get()) {
                int seq = next.getAndIncrement();
                sentAt.put(seq, System.nanoTime());
                n1.io().to("room").emit("seq", seq);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "sentinel-test-sender");
        sender.start();
        try {
            await().atMost(WAIT).until(() -> received("j2").size() > 20 && received("nc").size() > 20);
            long killedAt = System.nanoTime();
            sentinels.killMaster();

            await().atMost(Duration.ofSeconds(60)).until(() -> sentinels.currentMasterPort() == sentinels.replicaPort());
            int afterPromotion = next.get();
            // both kinds of node deliver cross-node messages again, by themselves
            await().atMost(Duration.ofSeconds(60)).until(() -> received("j2").stream().anyMatch(s -> s > afterPromotion)
                    && received("nc").stream().anyMatch(s -> s > afterPromotion));
            int resumed = next.get();
            int last = resumed + 25;
            await().atMost(WAIT).until(() -> next.get() > last);
            sending.set(false);
            sender.join();
            int sent = next.get();
            await().atMost(WAIT).until(() -> received("j2").contains(sent - 1) && received("nc").contains(sent - 1));

            // local delivery never stopped: the sender's own client got everything, once
            assertExactlyOnce("j1", sent);
            for (String remote : List.of("j2", "nc")) {
                List<Integer> got = received(remote);
                assertThat(got).doesNotHaveDuplicates();
                TreeSet<Integer> lost = new TreeSet<>();
                for (int seq = 0; seq < sent; seq++) {
                    if (!got.contains(seq)) {
                        lost.add(seq);
                    }
                }
                String window = lost.isEmpty() ? "0 ms" : Duration.ofNanos(sentAt.get(lost.last())
                        - sentAt.get(lost.first())).toMillis() + " ms";
                System.out.printf("[sentinel failover] %s: %d of %d cross-node messages lost, over %s"
                        + " (killed at +0, first lost at +%d ms)%n", remote, lost.size(), sent, window,
                        lost.isEmpty() ? 0 : Duration.ofNanos(sentAt.get(lost.first()) - killedAt).toMillis());
                // what was lost was lost while Redis had no master: once delivery resumed, everything arrived
                assertThat(lost).allMatch(seq -> seq < resumed);
            }
        } finally {
            sending.set(false);
            sender.join();
        }

        // the cluster is whole again: server count, requests and the emitter work on the new master
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> n2.io().sockets().adapter().serverCount().get() == 3);
        assertThat(n2.io().fetchSockets().get()).hasSize(3);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> n1.emitter().to("room").emit("after-failover", 1).get() == null);
        clients.awaitEvent("nc", "after-failover");
    }

    private static void assertExactlyOnce(String client, int sent) {
        List<Integer> got = received(client);
        assertThat(got).hasSize(sent).doesNotHaveDuplicates();
    }

    private static List<Integer> received(String client) {
        List<Integer> seqs = new ArrayList<>();
        Stream<JsonNode> events = clients.reports().stream().filter(r -> "event".equals(r.path("type").asString(""))
                && client.equals(r.path("client").asString("")) && "seq".equals(r.path("event").asString("")));
        events.forEach(r -> seqs.add(r.get("args").get(0).asInt()));
        return seqs;
    }
}
