package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.socketeer.adapter.cluster.BackendState;
import dev.socketeer.adapter.redis.FailoverTraffic.Flow;
import dev.socketeer.test.HealthProbe;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.TestJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * Every Redis mode and both emitters through Redis Sentinel, configured as Spring Boot configures it
 * ({@code spring.data.redis.sentinel.*}): one master, one replica, three sentinels started by the test, shared by
 * three Socket.IO clusters of Java and Node servers, one per mode (the streams cluster under its own channel prefix):
 * classic (two Java nodes and a Node server on {@code createAdapter}), sharded (a Java node and a Node server on
 * {@code createShardedAdapter}) and streams (a Java node and a Node server on
 * {@code @socket.io/redis-streams-adapter}), the Node servers on ioredis through the same sentinels. Then the master
 * is killed once under traffic in every cluster, each way, and from both emitters: every node and emitter reports it
 * (health DOWN), the sentinels promote the replica, every node and emitter follows by itself (health UP), local
 * delivery never stops, nothing is delivered twice, and the cross-node messages lost meanwhile are counted and
 * printed ({@code [sentinel failover]} lines).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisSentinelTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String STREAMS_KEY = "sentinel-streams";

    static RedisSentinelSet sentinels;
    static ClusterNode n1;
    static ClusterNode n2;
    static ClusterNode s1;
    static ClusterNode t1;
    static NodeRedisServer node;
    static NodeRedisServer shardedNode;
    static NodeRedisServer streamsNode;
    static NodeSocketIoClient clients;

    @BeforeAll
    static void startCluster() throws Exception {
        sentinels = RedisSentinelSet.start();
        List<String> properties = sentinels.springProperties();
        n1 = ClusterNode.start("n1", sentinels.masterPort(), properties.toArray(String[]::new));
        n2 = ClusterNode.start("n2", sentinels.masterPort(), properties.toArray(String[]::new));
        s1 = ClusterNode.start("s1", sentinels.masterPort(), with(properties, "socketio.adapter.redis.mode=sharded"));
        t1 = ClusterNode.start("t1", sentinels.masterPort(), with(properties, "socketio.adapter.redis.mode=streams",
                "socketio.adapter.redis.key=" + STREAMS_KEY));
        node = new NodeRedisServer(sentinels.nodeSpec(), "classic");
        shardedNode = new NodeRedisServer(sentinels.nodeSpec(), "sharded");
        streamsNode = new NodeRedisServer(sentinels.nodeSpec(), "streams", STREAMS_KEY);
        await().atMost(WAIT).until(() -> n1.io().sockets().adapter().serverCount().get() == 3
                && s1.io().sockets().adapter().serverCount().get() == 2
                && t1.io().sockets().adapter().serverCount().get() == 2);
        clients = NodeSocketIoClient.start();
        Map<String, String> urls = Map.of("j1", n1.url(), "j2", n2.url(), "nc", node.url(), "sj", s1.url(),
                "sn", shardedNode.url(), "tj", t1.url(), "tn", streamsNode.url());
        urls.forEach((client, url) -> clients.connect(client, url + "/", ClusterNode.websocket()));
        for (String client : urls.keySet()) {
            clients.awaitConnect(client);
            clients.emitWithAck(client, "join", WAIT, "room");
        }
    }

    private static String[] with(List<String> properties, String... more) {
        List<String> all = new ArrayList<>(properties);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @AfterAll
    static void stopCluster() {
        ClusterNode.closeAll(clients, node, shardedNode, streamsNode, n1, n2, s1, t1, sentinels);
    }

    @Test
    @Order(1)
    void javaAndNodeNodesShareOneClassicClusterThroughTheSentinels() {
        assertThat(n1.adapterFactory().description().backend())
                .contains("sentinel", RedisSentinelSet.MASTER_NAME, sentinels.sentinelNodes());

        n1.io().to("room").emit("hit", "from-java");
        for (String client : List.of("j1", "j2", "nc")) {
            assertThat(clients.awaitEvent(client, "hit").get("args").get(0).asString()).isEqualTo("from-java");
        }
        node.send(NodeRedisServer.command("emit").put("event", "from-node").set("rooms", TestJson.arrayOf("room")));
        clients.awaitEvent("j1", "from-node");
        clients.awaitEvent("j2", "from-node");

        // the Java emitter goes through the sentinels too, and reaches the Node server's client
        assertThat(n2.emitter().to("room").emit("from-emitter", 1)).succeedsWithin(WAIT);
        clients.awaitEvent("nc", "from-emitter");
        clients.awaitEvent("j1", "from-emitter");
    }

    /** The Java node and the Node server of one mode's cluster, and the client connected to each. */
    private record ModeCluster(String mode, ClusterNode java, NodeRedisServer node, String javaClient,
            String nodeClient) {
    }

    @Test
    @Order(2)
    void javaAndNodeNodesShareAShardedAndAStreamsClusterThroughTheSentinels() throws Exception {
        for (ModeCluster cluster : List.of(new ModeCluster("sharded", s1, shardedNode, "sj", "sn"),
                new ModeCluster("streams", t1, streamsNode, "tj", "tn"))) {
            String mode = cluster.mode();
            ClusterNode java = cluster.java();
            NodeRedisServer nodeServer = cluster.node();
            String javaClient = cluster.javaClient();
            String nodeClient = cluster.nodeClient();
            assertThat(java.adapterFactory().description().backend()).contains("sentinel");
            assertThat(java.adapterFactory().description().mode()).isEqualTo(mode);
            // both count the same two servers: neither sees the other modes' servers on the same Redis
            assertThat(nodeServer.call(NodeRedisServer.command("serverCount")).get("value").asInt()).isEqualTo(2);

            java.io().to("room").emit(mode + "-from-java", 1);
            clients.awaitEvent(nodeClient, mode + "-from-java");
            clients.awaitEvent(javaClient, mode + "-from-java");
            nodeServer.send(NodeRedisServer.command("emit").put("event", mode + "-from-node")
                    .set("rooms", TestJson.arrayOf("room")));
            clients.awaitEvent(javaClient, mode + "-from-node");
            assertThat(java.io().fetchSockets()).succeedsWithin(WAIT)
                    .satisfies(sockets -> assertThat(sockets).hasSize(2));
            assertThat(nodeServer.call(NodeRedisServer.command("fetchSockets").set("rooms", TestJson.arrayOf("room")))
                    .get("value").size()).isEqualTo(2);
        }
        // the streams emitter appends to the same stream through the sentinels
        assertThat(t1.bean(RedisStreamsEmitter.class).to("room").emit("from-streams-emitter", 1)).succeedsWithin(WAIT);
        clients.awaitEvent("tn", "from-streams-emitter");
        clients.awaitEvent("tj", "from-streams-emitter");
        // and no cluster saw another's messages
        clients.assertNoEvent("j1", "sharded-from-java", Duration.ZERO);
        clients.assertNoEvent("sj", "streams-from-java", Duration.ZERO);
        clients.assertNoEvent("tj", "from-emitter", Duration.ZERO);
    }

    @Test
    @Order(3)
    void afterTheMasterIsKilledEveryNodeAndEmitterFollowsThePromotionAndNothingIsDeliveredTwice() throws Exception {
        RedisStreamsEmitter streamsEmitter = t1.bean(RedisStreamsEmitter.class);
        List<Flow> flows = List.of(
                new Flow("classic-java", seq -> n1.io().to("room").emit("classic-java", seq), List.of("j1"),
                        List.of("j2", "nc")),
                new Flow("classic-node", seq -> nodeEmit(node, "classic-node", seq), List.of(), List.of("j1", "j2")),
                new Flow("classic-emitter", seq -> n2.emitter().to("room").emit("classic-emitter", seq), List.of(),
                        List.of("j1", "j2", "nc")),
                new Flow("sharded-java", seq -> s1.io().to("room").emit("sharded-java", seq), List.of("sj"),
                        List.of("sn")),
                new Flow("sharded-node", seq -> nodeEmit(shardedNode, "sharded-node", seq), List.of(), List.of("sj")),
                new Flow("streams-java", seq -> t1.io().to("room").emit("streams-java", seq), List.of("tj"),
                        List.of("tn")),
                new Flow("streams-node", seq -> nodeEmit(streamsNode, "streams-node", seq), List.of(), List.of("tj")),
                new Flow("streams-emitter", seq -> streamsEmitter.to("room").emit("streams-emitter", seq), List.of(),
                        List.of("tj", "tn")));
        Logger backendLog = (Logger) LoggerFactory.getLogger(BackendState.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        backendLog.addAppender(logged);
        try (FailoverTraffic traffic = FailoverTraffic.start("sentinel failover", clients, flows);
                AutoCloseable detach = () -> backendLog.detachAppender(logged)) {
            traffic.killed();
            sentinels.killMaster();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> sentinels.currentMasterPort() == sentinels.replicaPort());
            long promoted = traffic.sinceKill();
            // every kind of node, and both emitters, deliver across nodes again, by themselves
            traffic.awaitResumed(Duration.ofSeconds(60));
            System.out.printf("[sentinel failover] the sentinels promoted the replica at +%d ms; every flow"
                    + " delivered again by +%d ms%n", promoted, traffic.sinceKill());
            traffic.finish();
        }

        // each of the four nodes' adapters and both emitters saw the master go (health DOWN), and came back (a stall
        // of the loaded machine may add a pair of lines, never an outage without its recovery)
        List<String> lines = logged.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.INFO))
                .map(ILoggingEvent::getFormattedMessage).toList();
        lines.stream().filter(line -> line.contains("delivery resumes")).forEach(line -> System.out.println(
                "[sentinel failover] " + line.replaceAll(" at sentinel .* after ", " after ")));
        for (var component : Map.of("Socket.IO Redis adapter ", 4, "Socket.IO Redis emitter ", 1,
                "Socket.IO Redis streams emitter ", 1).entrySet()) {
            assertThat(lines).filteredOn(line -> line.startsWith(component.getKey())
                    && line.contains("lost its connection")).hasSizeGreaterThanOrEqualTo(component.getValue());
            assertThat(lines).filteredOn(line -> line.startsWith(component.getKey())
                    && line.contains("delivery resumes")).hasSizeGreaterThanOrEqualTo(component.getValue());
        }

        // every cluster is whole again: the health UP, server counts, requests and the emitters work on the new master
        await().atMost(WAIT).until(() -> Stream.of(n1, n2, s1, t1).allMatch(n -> n.adapterFactory().isConnected()
                && "UP".equals(HealthProbe.get(n.url(), "/actuator/health/socketio").status())));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> n2.io().sockets().adapter().serverCount().get() == 3
                        && s1.io().sockets().adapter().serverCount().get() == 2
                        && t1.io().sockets().adapter().serverCount().get() == 2);
        assertThat(n2.io().fetchSockets().get()).hasSize(3);
        assertThat(s1.io().fetchSockets().get()).hasSize(2);
        assertThat(t1.io().fetchSockets().get()).hasSize(2);
        assertThat(n1.emitter().to("room").emit("after-failover", 1)).succeedsWithin(WAIT);
        clients.awaitEvent("nc", "after-failover");
    }

    private static void nodeEmit(NodeRedisServer server, String event, int seq) {
        server.send(NodeRedisServer.command("emit").put("event", event).set("rooms", TestJson.arrayOf("room"))
                .set("args", TestJson.arrayOf(seq)));
    }
}
