package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.test.NodeProcess;
import dev.socketeer.test.NodeSocketIoClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Socketeer's admin protocol next to the reference: a Node server instrumented by the real
 * {@code @socket.io/admin-ui} 0.5.1 ({@code admin-node-server.mjs}) and a Java node on one redis-server, a UI
 * (npm {@code socket.io-client} speaking as the UI does) on each. Both accept the same bcryptjs hash, send the same
 * {@code config}, serialize every socket of the cluster alike, see each other's statistics and live events, and
 * carry out each other's commands.
 */
class AdminNodeInteropTest {

    static final Duration WAIT = Duration.ofSeconds(15);
    static final String PASSWORD = "interop-pw";

    static RedisServer redis;
    static NodeProcess nodeServer;
    static String nodeUrl;
    static ClusterNode java;
    static NodeSocketIoClient clients;
    static String onNode;
    static String onJava;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        nodeServer = NodeProcess.start("admin-node-server.mjs", Integer.toString(redis.port()), PASSWORD);
        JsonNode listening = nodeServer.await(r -> "listening".equals(r.path("type").asString()), WAIT,
                "the Node server listening");
        nodeUrl = "http://127.0.0.1:" + listening.path("port").asInt();
        String bcryptjsHash = listening.path("hash").asString();
        java = ClusterNode.start("java", redis.port(), "socketio.admin.enabled=true", "socketio.admin.server-id=java",
                "socketio.admin.auth.password-hash=" + bcryptjsHash);
        clients = NodeSocketIoClient.start();
        clients.connect("onNode", nodeUrl + "/", ClusterNode.websocket());
        onNode = clients.awaitConnect("onNode").path("sid").asString();
        clients.connect("onJava", java.url() + "/", ClusterNode.websocket());
        onJava = clients.awaitConnect("onJava").path("sid").asString();
        clients.connect("uiJava", java.url() + "/admin", ui());
        clients.awaitConnect("uiJava");
        clients.connect("uiNode", nodeUrl + "/admin", ui());
        clients.awaitConnect("uiNode");
    }

    @AfterAll
    static void stop() {
        ClusterNode.closeAll(clients, java, nodeServer, redis);
    }

    static Map<String, Object> ui() {
        return Map.of("auth", Map.of("username", "admin", "password", PASSWORD), "withCredentials", true,
                "transports", List.of("polling", "websocket"), "reconnection", false);
    }

    static JsonNode awaitEvent(String client, String event, Predicate<JsonNode> args) {
        return clients.awaitReport(r -> "event".equals(r.path("type").asString("")) && client.equals(
                r.path("client").asString("")) && event.equals(r.path("event").asString("")) && args.test(r.path(
                        "args")), WAIT, "'" + event + "' at " + client);
    }

    @Test
    void bothServersGiveASessionAndTheSameConfig() {
        JsonNode javaSession = clients.awaitEvent("uiJava", "session").path("args");
        JsonNode nodeSession = clients.awaitEvent("uiNode", "session").path("args");
        assertThat(javaSession.get(0).asString()).matches("[0-9a-f]{16}");
        assertThat(nodeSession.get(0).asString()).matches("[0-9a-f]{16}");
        assertThat(clients.awaitEvent("uiJava", "config").path("args"))
                .isEqualTo(clients.awaitEvent("uiNode", "config").path("args"));
    }

    @Test
    void bothServersSerializeEverySocketOfTheClusterAlike() {
        JsonNode fromJava = clients.awaitEvent("uiJava", "all_sockets").path("args").get(0);
        JsonNode fromNode = clients.awaitEvent("uiNode", "all_sockets").path("args").get(0);
        for (String sid : List.of(onNode, onJava)) {
            JsonNode ours = find(fromJava, sid);
            JsonNode reference = find(fromNode, sid);
            assertThat(fieldNames(ours)).as("fields of %s", sid).isEqualTo(fieldNames(reference));
            for (String field : List.of("id", "clientId", "transport", "nsp", "data")) {
                assertThat(ours.get(field)).as("%s of %s", field, sid).isEqualTo(reference.get(field));
            }
            assertThat(new TreeSet<>(texts(ours.get("rooms")))).isEqualTo(new TreeSet<>(texts(reference.get("rooms"))));
            JsonNode ourHandshake = ours.get("handshake");
            JsonNode referenceHandshake = reference.get("handshake");
            assertThat(fieldNames(ourHandshake)).isEqualTo(fieldNames(referenceHandshake));
            for (String field : List.of("address", "query", "url", "issued", "secure", "xdomain", "time")) {
                assertThat(ourHandshake.get(field)).as("handshake.%s of %s", field, sid)
                        .isEqualTo(referenceHandshake.get(field));
            }
        }
        assertThat(find(fromJava, onNode).path("data").path("origin").asString()).isEqualTo("node");
        assertThat(find(fromJava, onNode).path("transport").asString()).isEqualTo("websocket");
    }

    @Test
    void eachUiGetsTheStatisticsOfBothServersInTheSameShape() {
        Map<String, JsonNode> stats = new java.util.concurrent.ConcurrentHashMap<>();
        clients.awaitReport(r -> {
            if ("uiJava".equals(r.path("client").asString("")) && "server_stats".equals(r.path("event").asString(""))) {
                stats.put(r.path("args").get(0).path("serverId").asString(), r.path("args").get(0));
            }
            return stats.keySet().containsAll(Set.of("java", "node"));
        }, WAIT, "server_stats of java and node at uiJava");
        assertThat(fieldNames(stats.get("java"))).isEqualTo(fieldNames(stats.get("node")));
        awaitEvent("uiNode", "server_stats", args -> "java".equals(args.get(0).path("serverId").asString()));
    }

    @Test
    void liveEventsAndCommandsCrossBetweenJavaAndNode() {
        // a socket connecting to Java is announced to the UI on Node, in the reference's shape
        clients.connect("late", java.url() + "/", ClusterNode.websocket());
        String late = clients.awaitConnect("late").path("sid").asString();
        JsonNode ours = awaitEvent("uiNode", "socket_connected", args -> late.equals(args.get(0).path("id")
                .asString())).path("args");
        clients.connect("lateNode", nodeUrl + "/", ClusterNode.websocket());
        String lateNode = clients.awaitConnect("lateNode").path("sid").asString();
        JsonNode reference = awaitEvent("uiNode", "socket_connected", args -> lateNode.equals(args.get(0).path("id")
                .asString())).path("args");
        assertThat(fieldNames(ours.get(0))).isEqualTo(fieldNames(reference.get(0)));
        assertThat(fieldNames(ours.get(0).get("handshake"))).isEqualTo(fieldNames(reference.get(0).get("handshake")));
        clients.emit("late", "join", "by-client");
        JsonNode received = awaitEvent("uiNode", "event_received", args -> late.equals(args.get(1).asString()))
                .path("args");
        assertThat(texts(received.get(2))).containsExactly("join", "by-client");
        awaitEvent("uiNode", "room_joined", args -> "by-client".equals(args.get(1).asString()) && late.equals(args
                .get(2).asString()));

        // the UI on Node acts on a Java socket, the UI on Java on a Node socket
        clients.emit("uiNode", "join", "/", "picked", onJava);
        awaitEvent("uiJava", "room_joined", args -> "picked".equals(args.get(1).asString()));
        clients.emit("uiNode", "emit", "/", "picked", "note", "from the Node UI");
        assertThat(clients.awaitEvent("onJava", "note").path("args").get(0).asString()).isEqualTo("from the Node UI");
        clients.emit("uiJava", "emit", "/", onNode, "note", "from the Java UI");
        assertThat(clients.awaitEvent("onNode", "note").path("args").get(0).asString()).isEqualTo("from the Java UI");
        clients.emit("uiJava", "_disconnect", "/", false, lateNode);
        assertThat(clients.awaitDisconnect("lateNode", WAIT).path("reason").asString())
                .isEqualTo("io server disconnect");
        awaitEvent("uiJava", "socket_disconnected", args -> lateNode.equals(args.get(1).asString()));
    }

    static JsonNode find(JsonNode sockets, String id) {
        for (JsonNode socket : sockets) {
            if (id.equals(socket.path("id").asString())) {
                return socket;
            }
        }
        throw new AssertionError("no socket " + id + " in " + sockets);
    }

    static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.propertyNames().forEach(names::add);
        return new TreeSet<>(names);
    }

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asString()));
        return texts;
    }
}
