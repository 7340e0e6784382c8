package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.adapter.AckTimeoutException;
import dev.socketeer.server.RemoteSocket;
import dev.socketeer.test.JavaSocketIoClient;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.NodeSocketIoClient.AckReply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Three Java nodes (separate Spring Boot applications) on one redis-server, with npm clients on the first two and a
 * Java client on the third: every cluster operation crosses nodes. Run in every adapter mode by its subclasses, on
 * one redis-server or on a Redis Cluster ({@link #startOnRedisCluster}).
 */
abstract class RedisAdapterClusterTestBase {

    private static final Duration WAIT = Duration.ofSeconds(10);

    static String mode;
    static String[] nodeProperties;
    static RedisServer redis;
    static RedisClusterSet redisCluster;
    /** The redis-server's port, or one node's of the Redis Cluster. */
    static int redisPort;
    static ClusterNode n1;
    static ClusterNode n2;
    static ClusterNode n3;
    static NodeSocketIoClient clients;
    static JavaSocketIoClient j;
    static String aSid;
    static String bSid;
    static String jSid;

    static void startCluster(String adapterMode, String... extraProperties) throws Exception {
        redis = RedisServer.start();
        startNodes(adapterMode, redis.port(), extraProperties);
    }

    /** The same nodes on a Redis Cluster of three masters and three replicas ({@code spring.data.redis.cluster.nodes}). */
    static void startOnRedisCluster(String adapterMode, String... extraProperties) throws Exception {
        redisCluster = RedisClusterSet.start();
        List<String> properties = new java.util.ArrayList<>(redisCluster.springProperties());
        properties.addAll(List.of(extraProperties));
        startNodes(adapterMode, redisCluster.anyPort(), properties.toArray(String[]::new));
    }

    private static void startNodes(String adapterMode, int port, String... extraProperties) throws Exception {
        mode = adapterMode;
        redisPort = port;
        List<String> properties = new java.util.ArrayList<>(List.of(extraProperties));
        properties.add("socketio.adapter.redis.mode=" + mode);
        String[] all = properties.toArray(String[]::new);
        nodeProperties = all;
        n1 = ClusterNode.start("n1", redisPort, all);
        n2 = ClusterNode.start("n2", redisPort, all);
        n3 = ClusterNode.start("n3", redisPort, all);
        await().atMost(WAIT).until(() -> n1.io().sockets().adapter().serverCount().get() == 3);
        clients = NodeSocketIoClient.start();
        clients.connect("a", n1.url() + "/", ClusterNode.websocket(), Map.of("question", AckReply.of("a-ack")));
        clients.connect("b", n2.url() + "/", ClusterNode.websocket(), Map.of("question", AckReply.of("b-ack")));
        aSid = clients.awaitConnect("a").get("sid").asString();
        bSid = clients.awaitConnect("b").get("sid").asString();
        j = JavaSocketIoClient.connect(n3.url() + "/", io.socket.client.IO.Options.builder().setForceNew(true)
                .setReconnection(false).setTransports(new String[] { "websocket" }).build());
        jSid = j.awaitConnect(WAIT);
    }

    @AfterAll
    static void stopCluster() {
        ClusterNode.closeAll(j, clients, n1, n2, n3, redis, redisCluster);
    }

    private static void join(String client, String room) {
        assertThat(clients.emitWithAck(client, "join", WAIT, room).get(0).toString()).contains(room);
    }

    @Test
    void broadcastFromOneNodeReachesClientsOnEveryNode() {
        n1.io().emit("news", "hi", Map.of("n", 1), new byte[] { 1, 2, 3 });

        for (String client : List.of("a", "b")) {
            JsonNode args = clients.awaitEvent(client, "news").get("args");
            assertThat(args.get(0).asString()).isEqualTo("hi");
            assertThat(args.get(1).get("n").asInt()).isEqualTo(1);
            assertThat(args.get(2).get("$bin") != null || args.get(2).isBinary()).isTrue();
        }
        JavaSocketIoClient.Received received = j.awaitEvent("news", WAIT);
        assertThat(received.args().get(0)).isEqualTo("hi");
        assertThat(received.args().get(2)).isEqualTo(new byte[] { 1, 2, 3 });
    }

    @Test
    void roomsAndExceptAreHonouredAcrossNodes() {
        join("a", "r1");
        join("b", "r1");
        j.emitWithAck("join", WAIT, "r1");
        join("a", "r1-excluded");

        n3.io().to("r1").except("r1-excluded").emit("room-news", 42);

        assertThat(clients.awaitEvent("b", "room-news").get("args").get(0).asInt()).isEqualTo(42);
        assertThat(j.awaitEvent("room-news", WAIT).args()).containsExactly(42);
        clients.assertNoEvent("a", "room-news", Duration.ofMillis(500));
    }

    @Test
    void localFlagKeepsTheBroadcastOnItsNode() {
        n1.io().local().emit("local-news");

        clients.awaitEvent("a", "local-news");
        clients.assertNoEvent("b", "local-news", Duration.ofMillis(500));
    }

    @Test
    void emitWithAckCollectsAnswersFromClientsOnEveryNode() throws Exception {
        CompletableFuture<List<JsonNode>> answers = n3.io().timeout(Duration.ofSeconds(5)).emitWithAck("question", 1);
        j.awaitEvent("question", WAIT).reply("j-ack");

        assertThat(answers.exceptionally(error -> error.getCause() instanceof AckTimeoutException timeout
                ? List.of(tools.jackson.databind.node.JsonNodeFactory.instance.stringNode("timed out with " + timeout.responses()))
                : List.of()).get(10, TimeUnit.SECONDS)).extracting(JsonNode::asString)
                .containsExactlyInAnyOrder("a-ack", "b-ack", "j-ack");
    }

    @Test
    void fetchSocketsReturnsRemoteSocketsThatCanBeDrivenFromHere() throws Exception {
        List<RemoteSocket> sockets = n1.io().fetchSockets().get(10, TimeUnit.SECONDS);

        assertThat(sockets).extracting(RemoteSocket::id).contains(aSid, bSid, jSid);
        RemoteSocket b = sockets.stream().filter(socket -> socket.id().equals(bSid)).findFirst().orElseThrow();
        assertThat(b.local()).isFalse();
        assertThat(b.data()).containsEntry("origin", "n2");
        assertThat(b.rooms()).contains(bSid);
        assertThat(((Map<?, ?>) b.handshake()).keySet()).extracting(Object::toString).contains("headers", "time", "address", "query", "auth");
        assertThat(sockets.stream().filter(socket -> socket.id().equals(aSid)).findFirst().orElseThrow().local())
                .isTrue();

        b.join("fetched-room").get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> n2.io().sockets().adapter().socketRooms(bSid).contains("fetched-room"));
        b.emit("direct", "to-b");
        assertThat(clients.awaitEvent("b", "direct").get("args").get(0).asString()).isEqualTo("to-b");
        b.leave("fetched-room").get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> !n2.io().sockets().adapter().socketRooms(bSid).contains("fetched-room"));
    }

    @Test
    void socketsJoinLeaveAndDisconnectReachOtherNodes() throws Exception {
        n1.io().in(jSid).socketsJoin("joined-remotely").get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> n3.io().sockets().adapter().socketRooms(jSid).contains("joined-remotely"));
        n2.io().to("joined-remotely").emit("via-joined-room");
        j.awaitEvent("via-joined-room", WAIT);

        n1.io().in(jSid).socketsLeave("joined-remotely").get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> !n3.io().sockets().adapter().socketRooms(jSid).contains("joined-remotely"));

        clients.connect("d", n3.url() + "/", ClusterNode.websocket());
        String dSid = clients.awaitConnect("d").get("sid").asString();
        n1.io().in(dSid).disconnectSockets(false).get(10, TimeUnit.SECONDS);
        assertThat(clients.awaitDisconnect("d", WAIT).get("reason").asString()).isEqualTo("io server disconnect");
    }

    @Test
    void serverSideEmitReachesTheOtherNodesAndCollectsTheirAnswers() throws Exception {
        n1.io().sockets().serverSideEmit("announce", "x");
        await().atMost(WAIT).until(() -> n2.serverSideEvents().contains("announce:x")
                && n3.serverSideEvents().contains("announce:x"));
        assertThat(n1.serverSideEvents()).doesNotContain("announce:x");

        List<JsonNode> answers = n1.io().sockets().serverSideEmitWithAck(Duration.ofSeconds(5), "ask")
                .get(10, TimeUnit.SECONDS);
        assertThat(answers).extracting(JsonNode::asString).containsExactlyInAnyOrder("n2-answer", "n3-answer");
    }

    @Test
    void allRoomsAndAllSocketsSpanTheCluster() throws Exception {
        join("b", "only-on-n2");

        Set<String> rooms = n1.io().sockets().adapter().allRooms().get(10, TimeUnit.SECONDS);
        Set<String> sockets = n1.io().sockets().allSockets().get(10, TimeUnit.SECONDS);

        assertThat(rooms).contains("only-on-n2", aSid, bSid, jSid);
        assertThat(sockets).contains(aSid, bSid, jSid);
    }

    @Test
    void aNodeThatStopsIsDroppedFromTheServerCount() throws Exception {
        try (ClusterNode n4 = ClusterNode.start("n4", redisPort, nodeProperties)) {
            await().atMost(WAIT).until(() -> n1.io().sockets().adapter().serverCount().get() == 4);
        }
        await().atMost(WAIT).until(() -> n1.io().sockets().adapter().serverCount().get() == 3);
        assertThat(n2.io().sockets().adapter().serverCount().get()).isEqualTo(3);
    }
}
