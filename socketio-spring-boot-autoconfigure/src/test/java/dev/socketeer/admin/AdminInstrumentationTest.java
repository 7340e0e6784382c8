package dev.socketeer.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.autoconfigure.SocketIoServerCustomizer;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.TestApplication;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import tools.jackson.databind.JsonNode;

/**
 * The admin protocol on one server, spoken by npm {@code socket.io-client} as the Admin UI 0.5.1 speaks it: login
 * (bad and good credentials, then the session id alone), {@code config}, {@code all_sockets}, {@code server_stats},
 * the live events of development mode, and the UI's commands acting on an application socket.
 */
class AdminInstrumentationTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final String PASSWORD = "s3cret";

    static TestApplication app;
    static NodeSocketIoClient clients;

    @Configuration(proxyBeanMethods = false)
    static class Handlers {

        @Bean
        SocketIoServerCustomizer appHandlers() {
            return server -> server.onConnection(socket -> {
                socket.data().put("user", "alice");
                socket.on("hello", (args, ack) -> socket.emit("hello-back", args.get(0)));
                socket.on("rename", (args, ack) -> {
                    socket.data().put("user", args.get(0).asString());
                });
            });
        }
    }

    @BeforeAll
    static void start() {
        app = TestApplication.start(List.of(Handlers.class), "socketio.admin.enabled=true",
                "socketio.admin.server-id=node-a",
                "socketio.admin.auth.password-hash=" + new BCryptPasswordEncoder(4).encode(PASSWORD));
        clients = NodeSocketIoClient.start();
    }

    @AfterAll
    static void stop() {
        if (clients != null) {
            clients.close();
        }
        if (app != null) {
            app.close();
        }
    }

    /** The options the UI gives socket.io-client. */
    static Map<String, Object> ui(Map<String, ?> auth) {
        return Map.of("auth", auth, "withCredentials", true, "transports", List.of("polling", "websocket"),
                "reconnection", false);
    }

    static JsonNode awaitEvent(String client, String event, Predicate<JsonNode> args) {
        return clients.awaitReport(r -> "event".equals(r.path("type").asString("")) && client.equals(
                r.path("client").asString("")) && event.equals(r.path("event").asString("")) && args.test(r.path(
                        "args")), WAIT, "'" + event + "' at " + client);
    }

    @Test
    void badCredentialsAreRefusedAsTheReferenceRefusesThem() {
        clients.connect("bad", app.url("/admin"), ui(Map.of("username", "admin", "password", "wrong")));
        JsonNode error = clients.awaitConnectError("bad", WAIT);
        assertThat(error.path("message").asString()).isEqualTo("invalid credentials");
        clients.connect("nobody", app.url("/admin"), ui(Map.of("username", "root", "password", PASSWORD)));
        assertThat(clients.awaitConnectError("nobody", WAIT).path("message").asString())
                .isEqualTo("invalid credentials");
        clients.connect("forged", app.url("/admin"), ui(Map.of("sessionId", "0123456789abcdef")));
        assertThat(clients.awaitConnectError("forged", WAIT).path("message").asString())
                .isEqualTo("invalid credentials");
    }

    @Test
    void aLoggedInUiGetsASessionTheConfigTheSocketsAndTheStatistics() {
        clients.connect("app1", app.url("/"), Map.of("transports", List.of("websocket")));
        String appSid = clients.awaitConnect("app1").path("sid").asString();

        clients.connect("ui", app.url("/admin"), ui(Map.of("username", "admin", "password", PASSWORD)));
        clients.awaitConnect("ui");
        String session = clients.awaitEvent("ui", "session").path("args").get(0).asString();
        assertThat(session).matches("[0-9a-f]{16}");

        JsonNode config = clients.awaitEvent("ui", "config").path("args").get(0);
        assertThat(texts(config.path("supportedFeatures"))).containsExactly("EMIT", "JOIN", "LEAVE", "DISCONNECT",
                "MJOIN", "MLEAVE", "MDISCONNECT", "AGGREGATED_EVENTS", "ALL_EVENTS");

        JsonNode all = clients.awaitEvent("ui", "all_sockets").path("args").get(0);
        JsonNode appSocket = find(all, appSid);
        assertThat(appSocket.path("nsp").asString()).isEqualTo("/");
        assertThat(appSocket.path("transport").asString()).isEqualTo("websocket");
        assertThat(appSocket.path("clientId").asString()).hasSize(12);
        assertThat(appSocket.path("data").path("user").asString()).isEqualTo("alice");
        assertThat(appSocket.path("data").has("_admin")).isFalse();
        assertThat(texts(appSocket.path("rooms"))).containsExactly(appSid);
        JsonNode handshake = appSocket.path("handshake");
        assertThat(handshake.path("address").asString()).isEqualTo("127.0.0.1");
        assertThat(handshake.path("query").path("EIO").asString()).isEqualTo("4");
        assertThat(handshake.has("auth")).isFalse();
        assertThat(handshake.path("issued").isNumber()).isTrue();

        JsonNode stats = awaitEvent("ui", "server_stats", args -> args.get(0).path("clientsCount").asInt() >= 2)
                .path("args").get(0);
        assertThat(stats.path("serverId").asString()).isEqualTo("node-a");
        assertThat(stats.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(stats.path("uptime").isNumber()).isTrue();
        assertThat(stats.has("pollingClientsCount")).isTrue();
        assertThat(names(stats.path("namespaces"))).contains("/", "/admin");

        // the session id alone logs in again, without credentials and without a new session
        clients.connect("ui-again", app.url("/admin"), ui(Map.of("sessionId", session)));
        clients.awaitConnect("ui-again");
        clients.awaitEvent("ui-again", "config");
        clients.assertNoEvent("ui-again", "session", Duration.ofMillis(300));

        clients.disconnect("ui");
        clients.disconnect("ui-again");
        clients.disconnect("app1");
    }

    @Test
    void developmentModeReportsEveryStepOfAnApplicationSocketAndTheCommandsActOnIt() {
        clients.connect("watch", app.url("/admin"), ui(Map.of("username", "admin", "password", PASSWORD)));
        clients.awaitConnect("watch");
        clients.awaitEvent("watch", "all_sockets");

        // The client starts its upgrade as soon as the Engine.IO session opens, in parallel with its CONNECT; on a
        // loaded machine the upgrade can complete before the namespace connection does, and the socket is then
        // reported on the WebSocket from the start (as the reference reports it after an asynchronous middleware).
        // The step under test is the change of transport, so a fresh client is tried until one connects on polling.
        String pollingSid = null;
        String pollingClient = null;
        JsonNode connected = null;
        for (int attempt = 1; attempt <= 5 && connected == null; attempt++) {
            String client = "app2-" + attempt;
            clients.connect(client, app.url("/"));
            String id = clients.awaitConnect(client).path("sid").asString();
            JsonNode args = awaitEvent("watch", "socket_connected", a -> id.equals(a.get(0).path("id").asString()))
                    .path("args");
            String transport = args.get(0).path("transport").asString();
            assertThat(transport).isIn("polling", "websocket");
            if ("polling".equals(transport)) {
                pollingSid = id;
                pollingClient = client;
                connected = args;
            } else {
                clients.disconnect(client);
            }
        }
        assertThat(connected).as("a client connected on polling before its upgrade, in five tries").isNotNull();
        String sid = pollingSid;
        String app2 = pollingClient;
        assertThat(connected.get(1).asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        clients.awaitUpgrade(app2, WAIT);
        JsonNode updated = awaitEvent("watch", "socket_updated", args -> sid.equals(args.get(0).path("id").asString())
                && args.get(0).has("transport")).path("args").get(0);
        assertThat(updated.path("transport").asString()).isEqualTo("websocket");
        assertThat(updated.path("nsp").asString()).isEqualTo("/");

        clients.emit(app2, "hello", "world");
        JsonNode received = awaitEvent("watch", "event_received", args -> sid.equals(args.get(1).asString()))
                .path("args");
        assertThat(received.get(0).asString()).isEqualTo("/");
        assertThat(texts(received.get(2))).containsExactly("hello", "world");
        JsonNode sent = awaitEvent("watch", "event_sent", args -> sid.equals(args.get(1).asString())).path("args");
        assertThat(texts(sent.get(2))).containsExactly("hello-back", "world");

        // a change of socket.data is pushed with the data as it now is (the reference proxies socket.data)
        clients.emit(app2, "rename", "bob");
        JsonNode renamed = awaitEvent("watch", "socket_updated", args -> sid.equals(args.get(0).path("id").asString())
                && "bob".equals(args.get(0).path("data").path("user").asString())).path("args").get(0);
        assertThat(renamed.path("nsp").asString()).isEqualTo("/");
        assertThat(renamed.path("data").has("_admin")).isFalse();
        assertThat(renamed.has("transport")).isFalse();

        clients.emit("watch", "join", "/", "blue", sid);
        JsonNode joined = awaitEvent("watch", "room_joined", args -> "blue".equals(args.get(1).asString())).path("args");
        assertThat(joined.get(0).asString()).isEqualTo("/");
        assertThat(joined.get(2).asString()).isEqualTo(sid);

        clients.emit("watch", "emit", "/", "blue", "news", 1, "two");
        JsonNode news = clients.awaitEvent(app2, "news").path("args");
        assertThat(news.get(0).asInt()).isEqualTo(1);
        assertThat(news.get(1).asString()).isEqualTo("two");

        clients.emit("watch", "leave", "/", "blue", sid);
        awaitEvent("watch", "room_left", args -> "blue".equals(args.get(1).asString()) && sid.equals(args.get(2)
                .asString()));

        clients.emit("watch", "_disconnect", "/", false, sid);
        assertThat(clients.awaitDisconnect(app2, WAIT).path("reason").asString()).isEqualTo("io server disconnect");
        JsonNode gone = awaitEvent("watch", "socket_disconnected", args -> sid.equals(args.get(1).asString()))
                .path("args");
        assertThat(gone.get(2).asString()).isEqualTo("server namespace disconnect");

        JsonNode stats = awaitEvent("watch", "server_stats", args -> hasType(args.get(0), "rawConnection")
                && hasType(args.get(0), "packetsIn") && hasType(args.get(0), "bytesOut")).path("args").get(0);
        for (JsonNode event : stats.path("aggregatedEvents")) {
            assertThat(event.path("timestamp").asLong() % 1000).isZero();
            assertThat(event.path("count").asLong()).isPositive();
        }
        clients.disconnect("watch");
    }

    static boolean hasType(JsonNode stats, String type) {
        for (JsonNode event : stats.path("aggregatedEvents")) {
            if (type.equals(event.path("type").asString())) {
                return true;
            }
        }
        return false;
    }

    static JsonNode find(JsonNode sockets, String id) {
        for (JsonNode socket : sockets) {
            if (id.equals(socket.path("id").asString())) {
                return socket;
            }
        }
        throw new AssertionError("no socket " + id + " in " + sockets);
    }

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asString()));
        return texts;
    }

    static List<String> names(JsonNode namespaces) {
        List<String> names = new ArrayList<>();
        namespaces.forEach(node -> names.add(node.path("name").asString()));
        return names;
    }
}
