package dev.socketeer.adapter.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.server.RemoteSocket;
import dev.socketeer.test.JavaSocketIoClient;
import dev.socketeer.test.NodeProcess;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.NodeSocketIoClient.AckReply;
import dev.socketeer.test.PostgresTestServer;
import dev.socketeer.test.TestJson;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A mixed cluster on one PostgreSQL: two Java nodes and a Node socket.io 4.8.4 server on
 * {@code @socket.io/postgres-adapter} 0.5.0 ({@code postgres-node-server.mjs}), npm clients on the Node server and on
 * Java node A, a Java client on Java node B. Also both emitters: the Node {@code @socket.io/postgres-emitter} 0.1.1
 * and {@link PostgresEmitter}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresMixedClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final AtomicInteger ids = new AtomicInteger();
    private PostgresTestServer postgres;
    private PostgresNode a;
    private PostgresNode b;
    private NodeProcess nodeServer;
    private int nodePort;
    private NodeSocketIoClient npm;
    private JavaSocketIoClient java;

    @BeforeAll
    void startCluster() {
        postgres = PostgresTestServer.start("mixed");
        a = PostgresNode.start("A", "socketio.adapter.postgres.url=" + postgres.r2dbcUrl());
        b = PostgresNode.start("B", "socketio.adapter.postgres.url=" + postgres.r2dbcUrl());
        // the Node adapter does not create its table; the Java nodes did
        nodeServer = NodeProcess.start("postgres-node-server.mjs", postgres.nodeUrl());
        nodePort = nodeServer.await(r -> type(r, "listening"), Duration.ofSeconds(30), "the Node server").get("port")
                .asInt();
        a.awaitPeers("/", 2);
        b.awaitPeers("/", 2);
        await().atMost(WAIT).until(() -> command("serverCount").get("count").asInt() == 3);

        npm = NodeSocketIoClient.start();
        npm.connect("onNode", "http://127.0.0.1:" + nodePort + "/", Map.of(),
                Map.of("question", AckReply.of("answer-from-onNode")));
        npm.connect("onA", a.url("/"), Map.of(), Map.of("question", AckReply.of("answer-from-onA")));
        npm.awaitConnect("onNode");
        npm.awaitConnect("onA");
        java = JavaSocketIoClient.connect(b.url("/"));
        java.awaitConnect(WAIT);
        java.socket().on("question", args -> ((io.socket.client.Ack) args[args.length - 1]).call("answer-from-onB"));
        assertThat(npm.emitWithAck("onNode", "join", WAIT, "mixed").get(0).asString()).isEqualTo("joined");
        assertThat(java.emitWithAck("join", WAIT, "mixed")).containsExactly("joined");
    }

    @AfterAll
    void stopCluster() {
        for (AutoCloseable closeable : new AutoCloseable[] { java, npm, nodeServer, a, b, postgres }) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            }
            catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void javaBroadcastReachesClientsOfTheNodeServerIncludingBinary() {
        a.server.emit("java-news", "text", new byte[] { 1, 2, 3 });

        JsonNode event = npm.awaitEvent("onNode", "java-news");
        assertThat(event.get("args").get(0).asString()).isEqualTo("text");
        assertThat(TestJson.bytes(event.get("args").get(1))).containsExactly(1, 2, 3);
        a.server.to("mixed").emit("java-room", "x".repeat(20_000));
        assertThat(npm.awaitEvent("onNode", "java-room").get("args").get(0).asString()).hasSize(20_000);
    }

    @Test
    void nodeBroadcastReachesClientsOfJavaNodesIncludingBinaryAndRooms() {
        ObjectNode broadcast = TestJson.MAPPER.createObjectNode();
        broadcast.put("event", "node-news");
        broadcast.set("args", TestJson.arrayOf("from node", new byte[] { 9, 8 }));
        command("broadcast", broadcast);

        assertThat(TestJson.bytes(npm.awaitEvent("onA", "node-news").get("args").get(1))).containsExactly(9, 8);
        assertThat(java.awaitEvent("node-news", WAIT).args().get(0)).isEqualTo("from node");

        ObjectNode toRoom = TestJson.MAPPER.createObjectNode();
        toRoom.put("event", "node-room");
        toRoom.set("args", TestJson.arrayOf("mixed only"));
        toRoom.set("rooms", TestJson.arrayOf("mixed"));
        command("broadcast", toRoom);
        assertThat(java.awaitEvent("node-room", WAIT).args()).containsExactly("mixed only");
    }

    @Test
    void broadcastWithAcksCrossesInBothDirections() {
        List<JsonNode> fromJava = a.server.timeout(Duration.ofSeconds(5)).emitWithAck("question").join();
        assertThat(fromJava).map(JsonNode::asString)
                .containsExactlyInAnyOrder("answer-from-onNode", "answer-from-onA", "answer-from-onB");

        ObjectNode request = TestJson.MAPPER.createObjectNode();
        request.put("event", "question");
        request.put("timeout", 5000);
        JsonNode fromNode = command("broadcastWithAck", request);
        assertThat(fromNode.get("err").isNull()).as("error: %s", fromNode.get("err")).isTrue();
        assertThat(fromNode.get("responses").valueStream().map(JsonNode::asString))
                .containsExactlyInAnyOrder("answer-from-onNode", "answer-from-onA", "answer-from-onB");
    }

    @Test
    void fetchSocketsCrossesInBothDirections() {
        List<RemoteSocket> fromJava = b.server.fetchSockets().join();
        assertThat(fromJava).extracting(socket -> socket.data().get("node"))
                .containsExactlyInAnyOrder("node", "A", "B");
        assertThat(fromJava).filteredOn(socket -> "node".equals(socket.data().get("node"))).singleElement()
                .satisfies(socket -> assertThat(socket.rooms()).contains("mixed"));

        JsonNode fromNode = command("fetchSockets", TestJson.MAPPER.createObjectNode());
        assertThat(fromNode.get("sockets").valueStream().map(socket -> socket.get("data").get("node").asString()))
                .containsExactlyInAnyOrder("node", "A", "B");
        assertThat(fromNode.get("sockets").valueStream()
                .filter(socket -> socket.get("data").get("node").asString().equals("B"))
                .flatMap(socket -> socket.get("rooms").valueStream()).map(JsonNode::asString)).contains("mixed");
    }

    @Test
    void serverSideEmitCrossesInBothDirections() {
        List<JsonNode> fromJava = a.server.serverSideEmitWithAck(Duration.ofSeconds(5), "ping", "from A").join();
        assertThat(fromJava).map(JsonNode::asString).containsExactlyInAnyOrder("pong-node", "pong-B");
        assertThat(nodeServer.await(r -> type(r, "server-side-emit") && r.get("args").get(0).asString()
                .equals("from A"), WAIT, "the Node server to get the server-side event").get("args")).hasSize(1);

        ObjectNode request = TestJson.MAPPER.createObjectNode();
        request.put("event", "ping");
        request.set("args", TestJson.arrayOf("from node"));
        JsonNode fromNode = command("serverSideEmitWithAck", request);
        assertThat(fromNode.get("err").isNull()).as("error: %s", fromNode.get("err")).isTrue();
        assertThat(fromNode.get("responses").valueStream().map(JsonNode::asString))
                .containsExactlyInAnyOrder("pong-A", "pong-B");
        assertThat(a.serverSideEvents).anyMatch(args -> args.get(0).asString().equals("from node"));
    }

    @Test
    void nodeEmitterWithoutNspReachesClientsOfJavaNodes() {
        ObjectNode emit = TestJson.MAPPER.createObjectNode();
        emit.put("event", "node-emitter");
        emit.set("args", TestJson.arrayOf("hello"));
        command("emitterEmit", emit);
        ObjectNode emitBinary = TestJson.MAPPER.createObjectNode();
        emitBinary.put("event", "node-emitter-binary");
        emitBinary.set("args", TestJson.arrayOf(new byte[] { 4, 2 }));
        emitBinary.set("rooms", TestJson.arrayOf("mixed"));
        command("emitterEmit", emitBinary);

        assertThat(npm.awaitEvent("onA", "node-emitter").get("args").get(0).asString()).isEqualTo("hello");
        assertThat(java.awaitEvent("node-emitter", WAIT).args()).containsExactly("hello");
        assertThat(java.awaitEvent("node-emitter-binary", WAIT).args().get(0)).isEqualTo(new byte[] { 4, 2 });
    }

    @Test
    void javaEmitterReachesClientsOfTheNodeServerAndOfJavaNodes() {
        a.emitter().emit("java-emitter", "hello", new byte[] { 5 }).join();
        a.emitter().to("mixed").emit("java-emitter-room", "mixed only").join();

        JsonNode onNode = npm.awaitEvent("onNode", "java-emitter");
        assertThat(TestJson.bytes(onNode.get("args").get(1))).containsExactly(5);
        assertThat(npm.awaitEvent("onA", "java-emitter").get("args").get(0).asString()).isEqualTo("hello");
        assertThat(java.awaitEvent("java-emitter", WAIT).args().get(0)).isEqualTo("hello");
        assertThat(npm.awaitEvent("onNode", "java-emitter-room").get("args").get(0).asString())
                .isEqualTo("mixed only");
        assertThat(java.awaitEvent("java-emitter-room", WAIT).args()).containsExactly("mixed only");
    }

    private JsonNode command(String op) {
        return command(op, TestJson.MAPPER.createObjectNode());
    }

    private JsonNode command(String op, ObjectNode command) {
        int id = ids.incrementAndGet();
        command.put("op", op);
        command.put("id", id);
        nodeServer.send(command);
        return nodeServer.await(r -> r.path("id").asInt(-1) == id, WAIT, op + " #" + id + " on the Node server");
    }

    private static boolean type(JsonNode report, String type) {
        return type.equals(report.path("type").asString(""));
    }
}
