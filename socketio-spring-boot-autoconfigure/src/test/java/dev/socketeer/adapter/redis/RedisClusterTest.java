package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.socketeer.adapter.cluster.BackendState;
import dev.socketeer.test.HealthProbe;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.TestJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * The sharded Redis adapter and the emitter on a real Redis Cluster (three masters, three replicas started by
 * the test), configured as Spring Boot configures it ({@code spring.data.redis.cluster.nodes}): two Java nodes and a
 * Node socket.io server on {@code createShardedAdapter} with a node-redis cluster client share one Socket.IO
 * cluster, both ways; the rooms' shard channels spread over the masters. (The emitters speak the classic format;
 * {@link RedisClusterClassicAdapterTest} has them on the cluster.) Then the master serving the room's shard
 * channel is killed under traffic: its replica takes over, every node follows by itself, the health is DOWN
 * meanwhile and UP after, the outage is logged once, local delivery never stops and nothing arrives twice. A replica
 * that dies later is left out of the server count.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ROOM_CHANNEL = "socket.io#/#room#";

    static RedisClusterSet redis;
    static ClusterNode n1;
    static ClusterNode n2;
    static NodeRedisServer node;
    static NodeSocketIoClient clients;

    @BeforeAll
    static void startCluster() throws Exception {
        redis = RedisClusterSet.start();
        List<String> properties = new ArrayList<>(redis.springProperties());
        properties.add("socketio.adapter.redis.mode=sharded");
        n1 = ClusterNode.start("n1", redis.anyPort(), properties.toArray(String[]::new));
        n2 = ClusterNode.start("n2", redis.anyPort(), properties.toArray(String[]::new));
        node = new NodeRedisServer(redis.nodeSpec(), "sharded");
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
        ClusterNode.closeAll(clients, node, n1, n2, redis);
    }

    @Test
    @Order(1)
    void javaAndNodeNodesShareOneShardedClusterBothWays() {
        assertThat(n1.adapterFactory().description().backend()).startsWith("cluster ").contains(redis.nodeAddresses());
        // Node counts the servers as Java does: SHARDNUMSUB summed over the nodes
        assertThat(node.call(NodeRedisServer.command("serverCount")).get("value").asInt()).isEqualTo(3);

        n1.io().to("room").emit("hit", "from-java");
        for (String client : List.of("j1", "j2", "nc")) {
            assertThat(clients.awaitEvent(client, "hit").get("args").get(0).asString()).isEqualTo("from-java");
        }
        n2.io().emit("all", "from-java");
        for (String client : List.of("j1", "j2", "nc")) {
            clients.awaitEvent(client, "all");
        }
        node.send(NodeRedisServer.command("emit").put("event", "from-node").set("rooms", TestJson.arrayOf("room")));
        clients.awaitEvent("j1", "from-node");
        clients.awaitEvent("j2", "from-node");
        node.send(NodeRedisServer.command("emit").put("event", "all-from-node"));
        clients.awaitEvent("j1", "all-from-node");
        clients.awaitEvent("j2", "all-from-node");

        // requests cross both kinds of node: fetchSockets from Java and from Node see all three sockets
        assertThat(n1.io().fetchSockets()).succeedsWithin(WAIT).satisfies(sockets -> assertThat(sockets).hasSize(3));
        assertThat(node.call(NodeRedisServer.command("fetchSockets").set("rooms", TestJson.arrayOf("room")))
                .get("value").size()).isEqualTo(3);
    }

    @Test
    @Order(2)
    void roomsSpreadOverTheShards() {
        for (int i = 0; i < 12; i++) {
            clients.emitWithAck("j1", "join", WAIT, "spread-" + i);
        }
        // each master holds the subscriptions of the rooms whose channel hashes to its slots
        Map<Integer, Integer> channelsPerMaster = new HashMap<>();
        for (int master : redis.masters()) {
            String channels = RedisClusterSet.cli(master, "PUBSUB", "SHARDCHANNELS", "socket.io#/#spread-*");
            channelsPerMaster.put(master, (int) channels.lines().filter(line -> !line.isBlank()).count());
        }
        System.out.printf("[redis cluster] shard channels of 12 rooms per master: %s%n", channelsPerMaster);
        assertThat(channelsPerMaster.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(12);
        assertThat(channelsPerMaster.values()).filteredOn(count -> count > 0).hasSizeGreaterThan(1);
        // and a broadcast to each room is delivered from another node through its master: the messages spread too
        for (int master : redis.masters()) {
            RedisClusterSet.cli(master, "CONFIG", "RESETSTAT");
        }
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 12; i++) {
                n2.io().to("spread-" + i).emit("spread", i);
            }
        }
        for (int i = 0; i < 60; i++) {
            clients.awaitEvent("j1", "spread");
        }
        Map<Integer, Long> messagesPerMaster = new HashMap<>();
        for (int master : redis.masters()) {
            messagesPerMaster.put(master, RedisClusterSet.cli(master, "INFO", "commandstats").lines()
                    .filter(line -> line.startsWith("cmdstat_spublish:")).findFirst()
                    .map(line -> Long.parseLong(line.substring(line.indexOf("calls=") + 6, line.indexOf(','))))
                    .orElse(0L));
        }
        System.out.printf("[redis cluster] SPUBLISH calls per master for 60 room broadcasts: %s%n", messagesPerMaster);
        // each master carries the broadcasts of its rooms (plus whatever heartbeat lands on the namespace's master)
        channelsPerMaster.forEach((master, channels) -> assertThat(messagesPerMaster.get(master))
                .isGreaterThanOrEqualTo(5L * channels));
    }

    @Test
    @Order(3)
    void afterTheRoomsMasterIsKilledEveryNodeFollowsTheReplicaItsHealthTellingTheTruthMeanwhile() throws Exception {
        Logger backendLog = (Logger) LoggerFactory.getLogger(BackendState.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        backendLog.addAppender(logged);
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
        }, "redis-cluster-test-sender");
        sender.start();
        try {
            await().atMost(WAIT).until(() -> received("j2").size() > 20 && received("nc").size() > 20);
            // n2's emitter connected too (it connects on first use): it must follow the failover as well
            assertThat(n2.emitter().emit("warm-up", 1)).succeedsWithin(WAIT);
            int master = redis.masterOf(ROOM_CHANNEL);
            long killedAt = System.nanoTime();
            redis.kill(master);

            // the health says DOWN while the cluster does not serve the room's slot
            await().atMost(WAIT).until(() -> "DOWN".equals(HealthProbe.get(n2.url(), "/actuator/health/socketio")
                    .status()));
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> redis.isOk() && redis.masterOf(ROOM_CHANNEL) != master);
            // and UP again by itself, without a restart
            await().atMost(WAIT).until(() -> "UP".equals(HealthProbe.get(n2.url(), "/actuator/health/socketio")
                    .status()) && "UP".equals(HealthProbe.get(n1.url(), "/actuator/health/socketio").status()));
            int afterRecovery = next.get();
            // both kinds of node deliver cross-node messages again, through the promoted replica
            await("the Java node receives again").atMost(WAIT)
                    .until(() -> received("j2").stream().anyMatch(s -> s > afterRecovery));
            await("the Node node receives again").atMost(WAIT)
                    .until(() -> received("nc").stream().anyMatch(s -> s > afterRecovery));
            int resumed = next.get();
            int last = resumed + 25;
            await().atMost(WAIT).until(() -> next.get() > last);
            sending.set(false);
            sender.join();
            int sent = next.get();
            await().atMost(WAIT).until(() -> received("j2").contains(sent - 1) && received("nc").contains(sent - 1));

            // local delivery never stopped: the sender's own client got everything, once
            assertThat(received("j1")).hasSize(sent).doesNotHaveDuplicates();
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
                System.out.printf("[redis cluster failover] %s: %d of %d cross-node messages lost, over %s"
                        + " (killed at +0, first lost at +%d ms)%n", remote, lost.size(), sent, window,
                        lost.isEmpty() ? 0 : Duration.ofNanos(sentAt.get(lost.first()) - killedAt).toMillis());
                // what was lost was lost during the failover: once delivery resumed, everything arrived
                assertThat(lost).allMatch(seq -> seq < resumed);
            }
        } finally {
            sending.set(false);
            sender.join();
        }
        // the two Java nodes' adapters logged the outage once each, and the recovery once each
        List<String> lines = logged.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.INFO))
                .map(ILoggingEvent::getFormattedMessage).filter(line -> line.startsWith("Socket.IO Redis adapter"))
                .toList();
        assertThat(lines).filteredOn(line -> line.contains("lost its connection")).hasSize(2);
        assertThat(lines).filteredOn(line -> line.contains("delivery resumes")).hasSize(2);
        // and n2's emitter too, by itself
        await().atMost(WAIT).until(() -> n2.emitter().isConnected());
        List<String> emitterLines = logged.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(line -> line.startsWith("Socket.IO Redis emitter")).toList();
        assertThat(emitterLines).filteredOn(line -> line.contains("lost its connection")).hasSize(1);
        assertThat(emitterLines).filteredOn(line -> line.contains("delivery resumes")).hasSize(1);
        assertThat(n2.emitter().emit("after-failover", 1)).succeedsWithin(WAIT);
        backendLog.detachAppender(logged);

        // the cluster is whole again: server count, requests and the emitter work through the new master
        await().atMost(WAIT).ignoreExceptions().until(() -> n2.io().sockets().adapter().serverCount().get() == 3);
        assertThat(n2.io().fetchSockets().get()).hasSize(3);
    }

    @Test
    @Order(4)
    void aReplicaThatDiesIsLeftOutOfTheServerCountWhileTheClusterKeepsServing() {
        redis.kill(redis.replicas().get(0));
        // the cluster marks it failed; the nodes reread the topology by themselves and stop asking it
        await().atMost(WAIT).ignoreExceptions().until(() -> n1.io().sockets().adapter().serverCount().get() == 3
                && n2.io().sockets().adapter().serverCount().get() == 3);
        assertThat(n1.adapterFactory().isConnected()).isTrue();
        n2.io().to("room").emit("after-replica", 1);
        clients.awaitEvent("j1", "after-replica");
        clients.awaitEvent("nc", "after-replica");
    }

    private static List<Integer> received(String client) {
        List<Integer> seqs = new ArrayList<>();
        clients.reports().stream().filter(r -> "event".equals(r.path("type").asString(""))
                && client.equals(r.path("client").asString("")) && "seq".equals(r.path("event").asString("")))
                .forEach(r -> seqs.add(r.get("args").get(0).asInt()));
        return seqs;
    }
}
