package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.server.RemoteSocket;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.NodeSocketIoClient.AckReply;
import dev.socketeer.test.TestJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A mixed cluster on one redis-server (or a Redis Cluster): two Java nodes and a Node socket.io 4.8 server on
 * {@code @socket.io/redis-adapter} 8.3, an npm client on each side. Every operation crosses the
 * language boundary in both directions.
 */
abstract class RedisNodeInteropTestBase {

    static final Duration WAIT = Duration.ofSeconds(10);

    static RedisServer redis;
    static RedisClusterSet redisCluster;
    static ClusterNode n1;
    static ClusterNode n2;
    static NodeRedisServer node;
    static NodeSocketIoClient clients;
    static String jcSid;
    static String ncSid;

    static void startCluster(String mode) throws Exception {
        redis = RedisServer.start();
        n1 = ClusterNode.start("n1", redis.port(), "socketio.adapter.redis.mode=" + mode);
        n2 = ClusterNode.start("n2", redis.port(), "socketio.adapter.redis.mode=" + mode);
        node = new NodeRedisServer(redis.port(), mode);
        connectClients();
    }

    /** The same on a Redis Cluster of three masters and three replicas; the Node server on an ioredis Cluster. */
    static void startOnRedisCluster(String mode) throws Exception {
        redisCluster = RedisClusterSet.start();
        String nodes = redisCluster.springProperties().get(0);
        n1 = ClusterNode.start("n1", redisCluster.anyPort(), nodes, "socketio.adapter.redis.mode=" + mode);
        n2 = ClusterNode.start("n2", redisCluster.anyPort(), nodes, "socketio.adapter.redis.mode=" + mode);
        node = new NodeRedisServer(redisCluster.nodeSpec(), mode);
        connectClients();
    }

    private static void connectClients() {
        await().atMost(WAIT).until(() -> n1.io().sockets().adapter().serverCount().get() == 3);
        clients = NodeSocketIoClient.start();
        clients.connect("jc", n1.url() + "/", ClusterNode.websocket(), Map.of("question", AckReply.of("jc-ack")));
        clients.connect("nc", node.url() + "/", ClusterNode.websocket(), Map.of("question", AckReply.of("nc-ack")));
        jcSid = clients.awaitConnect("jc").get("sid").asString();
        ncSid = clients.awaitConnect("nc").get("sid").asString();
    }

    @AfterAll
    static void stopCluster() {
        ClusterNode.closeAll(clients, node, n1, n2, redis, redisCluster);
    }

    /**
     * Waits until the Java node that holds the room can receive broadcasts to it. Nothing to wait for by default
     * (one subscription covers every room); the sharded adapter subscribes to a room's own channel when the room
     * is created, without holding up the join, as Node's does.
     */
    void awaitRoomSubscribed(String room) {
    }

    static ObjectNode command(String op) {
        return NodeRedisServer.command(op);
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asString()));
        return values;
    }

    @Test
    void javaBroadcastReachesClientsOfTheNodeServer() {
        n2.io().emit("from-java", "x", new byte[] { 7, 8 });

        JsonNode args = clients.awaitEvent("nc", "from-java").get("args");
        assertThat(args.get(0).asString()).isEqualTo("x");
        assertThat(TestJson.bytes(args.get(1))).containsExactly(7, 8);
    }

    @Test
    void nodeBroadcastReachesClientsOfJavaNodes() {
        ObjectNode emit = command("emit");
        emit.put("event", "from-node");
        emit.set("args", TestJson.toNode(List.of("y", new byte[] { 9 })));
        node.send(emit);

        JsonNode args = clients.awaitEvent("jc", "from-node").get("args");
        assertThat(args.get(0).asString()).isEqualTo("y");
        assertThat(TestJson.bytes(args.get(1))).containsExactly(9);
    }

    @Test
    void nodeRoomBroadcastReachesJavaMembersOnly() {
        assertThat(clients.emitWithAck("jc", "join", WAIT, "mixed-room").get(0).toString()).contains("mixed-room");
        awaitRoomSubscribed("mixed-room");
        ObjectNode emit = command("emit");
        emit.put("event", "room-event");
        emit.set("rooms", TestJson.toNode(List.of("mixed-room")));
        emit.set("args", TestJson.toNode(List.of(1)));
        node.send(emit);

        clients.awaitEvent("jc", "room-event");
        clients.assertNoEvent("nc", "room-event", Duration.ofMillis(300));
    }

    @Test
    void broadcastWithAcksCollectsAnswersAcrossLanguages() throws Exception {
        List<JsonNode> fromJava = n2.io().timeout(Duration.ofSeconds(5)).emitWithAck("question")
                .get(10, TimeUnit.SECONDS);
        assertThat(fromJava).extracting(JsonNode::asString).containsExactlyInAnyOrder("jc-ack", "nc-ack");

        ObjectNode emit = command("emitWithAck");
        emit.put("event", "question");
        emit.put("timeout", 5000);
        JsonNode fromNode = node.call(emit);
        assertThat(strings(fromNode.get("value"))).containsExactlyInAnyOrder("jc-ack", "nc-ack");
    }

    @Test
    void fetchSocketsSeesSocketsOfTheOtherLanguage() throws Exception {
        List<RemoteSocket> fromJava = n2.io().fetchSockets().get(10, TimeUnit.SECONDS);
        RemoteSocket nc = fromJava.stream().filter(socket -> socket.id().equals(ncSid)).findFirst().orElseThrow();
        assertThat(nc.data()).containsEntry("origin", "node");
        assertThat(nc.rooms()).contains(ncSid);

        JsonNode fromNode = node.call(command("fetchSockets")).get("value");
        JsonNode jc = null;
        for (JsonNode socket : fromNode) {
            if (socket.get("id").asString().equals(jcSid)) {
                jc = socket;
            }
        }
        assertThat(jc).as("jc in %s", fromNode).isNotNull();
        assertThat(jc.get("data").get("origin").asString()).isEqualTo("n1");
        assertThat(jc.get("handshake").get("headers").isObject()).isTrue();
    }

    @Test
    void serverSideEmitCrossesLanguagesBothWays() throws Exception {
        n1.io().sockets().serverSideEmit("announce", "from-java");
        assertThat(node.awaitServerSideEvent("announce").get("args").get(0).asString()).isEqualTo("from-java");

        ObjectNode emit = command("serverSideEmit");
        emit.put("event", "hello-servers");
        emit.set("args", TestJson.toNode(List.of("from-node")));
        node.send(emit);
        await().atMost(WAIT).until(() -> n1.serverSideEvents().contains("hello-servers:from-node")
                && n2.serverSideEvents().contains("hello-servers:from-node"));

        List<JsonNode> answers = n1.io().sockets().serverSideEmitWithAck(Duration.ofSeconds(5), "ask")
                .get(10, TimeUnit.SECONDS);
        assertThat(answers).extracting(JsonNode::asString).containsExactlyInAnyOrder("n2-answer", "node-answer");

        ObjectNode ask = command("serverSideEmitWithAck");
        ask.put("event", "ask");
        assertThat(strings(node.call(ask).get("value"))).containsExactlyInAnyOrder("n1-answer", "n2-answer");
    }

    @Test
    void socketsJoinCrossesLanguagesBothWays() throws Exception {
        n2.io().in(ncSid).socketsJoin("joined-by-java").get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).untilAsserted(() -> {
            ObjectNode fetch = command("fetchSockets");
            fetch.set("rooms", TestJson.toNode(List.of("joined-by-java")));
            JsonNode sockets = node.call(fetch).get("value");
            assertThat(sockets.toString()).contains(ncSid);
        });

        ObjectNode join = command("socketsJoin");
        join.set("rooms", TestJson.toNode(List.of(jcSid)));
        join.set("join", TestJson.toNode(List.of("joined-by-node")));
        node.call(join);
        await().atMost(WAIT).until(() -> n1.io().sockets().adapter().socketRooms(jcSid).contains("joined-by-node"));
    }
}
