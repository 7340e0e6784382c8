package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.test.NodeSocketIoClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import tools.jackson.databind.JsonNode;

/**
 * The Admin UI's protocol on three Java nodes sharing one redis-server, spoken by npm {@code socket.io-client} as the
 * UI 0.5.1 speaks it, the UI on n1 and application clients on n2 and n3: the session given by n1 logs in on n2
 * (sessions in Redis) while bad credentials and unknown session ids are refused on the other nodes, n1's UI gets
 * every node's {@code server_stats}, the sockets of every node in {@code all_sockets} and their live events, and its
 * commands act on sockets of the other nodes.
 */
class AdminRedisClusterTest {

    static final Duration WAIT = Duration.ofSeconds(15);
    static final String PASSWORD = "cluster-pw";

    static RedisServer redis;
    static ClusterNode n1;
    static ClusterNode n2;
    static ClusterNode n3;
    static NodeSocketIoClient clients;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        String hash = new BCryptPasswordEncoder(4).encode(PASSWORD);
        n1 = node("n1", hash);
        n2 = node("n2", hash);
        n3 = node("n3", hash);
        clients = NodeSocketIoClient.start();
    }

    static ClusterNode node(String name, String hash) {
        return ClusterNode.start(name, redis.port(), "socketio.admin.enabled=true", "socketio.admin.server-id=" + name,
                "socketio.admin.auth.password-hash=" + hash, "socketio.admin.sessions.store=redis");
    }

    @AfterAll
    static void stop() {
        ClusterNode.closeAll(clients, n1, n2, n3, redis);
    }

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
    void oneUiSeesAndDrivesEveryNode() {
        clients.connect("on2", n2.url() + "/", ClusterNode.websocket());
        String sid2 = clients.awaitConnect("on2").path("sid").asString();
        clients.connect("on3", n3.url() + "/", ClusterNode.websocket());
        String sid3 = clients.awaitConnect("on3").path("sid").asString();

        clients.connect("ui", n1.url() + "/admin", ui(Map.of("username", "admin", "password", PASSWORD)));
        clients.awaitConnect("ui");
        String session = clients.awaitEvent("ui", "session").path("args").get(0).asString();

        // all_sockets: the sockets of the other nodes, with what their node knew of them
        JsonNode all = clients.awaitEvent("ui", "all_sockets").path("args").get(0);
        for (String sid : List.of(sid2, sid3)) {
            JsonNode socket = find(all, sid);
            assertThat(socket.path("transport").asString()).isEqualTo("websocket");
            assertThat(socket.path("clientId").asString()).hasSize(12);
            assertThat(socket.path("nsp").asString()).isEqualTo("/");
            assertThat(socket.path("handshake").path("address").asString()).isEqualTo("127.0.0.1");
        }
        assertThat(find(all, sid3).path("data").path("origin").asString()).isEqualTo("n3");

        // server_stats from every node reach the UI on n1
        Set<String> servers = new HashSet<>();
        clients.awaitReport(r -> {
            if ("event".equals(r.path("type").asString("")) && "server_stats".equals(r.path("event").asString(""))) {
                servers.add(r.path("args").get(0).path("serverId").asString());
            }
            return servers.containsAll(Set.of("n1", "n2", "n3"));
        }, WAIT, "server_stats of n1, n2 and n3");

        // the session given by n1 logs in on n2 (kept in Redis); a wrong password on n3, and a session id no node
        // gave, are refused there as on a single node
        clients.connect("ui2", n2.url() + "/admin", ui(Map.of("sessionId", session)));
        clients.awaitConnect("ui2");
        clients.awaitEvent("ui2", "config");
        clients.connect("bad3", n3.url() + "/admin", ui(Map.of("username", "admin", "password", "wrong")));
        assertThat(clients.awaitConnectError("bad3", WAIT).path("message").asString()).isEqualTo("invalid credentials");
        clients.connect("forged2", n2.url() + "/admin", ui(Map.of("sessionId", session.substring(1) + "x")));
        assertThat(clients.awaitConnectError("forged2", WAIT).path("message").asString())
                .isEqualTo("invalid credentials");

        // live events of another node
        clients.connect("late", n3.url() + "/", ClusterNode.websocket());
        String late = clients.awaitConnect("late").path("sid").asString();
        awaitEvent("ui", "socket_connected", args -> late.equals(args.get(0).path("id").asString()));
        clients.emit("late", "join", "from-client");
        awaitEvent("ui", "event_received", args -> late.equals(args.get(1).asString()));
        awaitEvent("ui", "room_joined", args -> "from-client".equals(args.get(1).asString()));

        // commands reach sockets of other nodes: join on n3, emit to that room, leave, disconnect on n2
        clients.emit("ui", "join", "/", "admins-pick", sid3);
        awaitEvent("ui", "room_joined", args -> "admins-pick".equals(args.get(1).asString()) && sid3.equals(args.get(2)
                .asString()));
        clients.emit("ui", "emit", "/", "admins-pick", "note", "for n3");
        assertThat(clients.awaitEvent("on3", "note").path("args").get(0).asString()).isEqualTo("for n3");
        clients.assertNoEvent("on2", "note", Duration.ofMillis(300));
        clients.emit("ui", "leave", "/", "admins-pick", sid3);
        awaitEvent("ui", "room_left", args -> "admins-pick".equals(args.get(1).asString()));
        clients.emit("ui", "_disconnect", "/", false, sid2);
        assertThat(clients.awaitDisconnect("on2", WAIT).path("reason").asString()).isEqualTo("io server disconnect");
        awaitEvent("ui", "socket_disconnected", args -> sid2.equals(args.get(1).asString()));
        assertThat(clients.state("on3").path("connected").asBoolean()).isTrue();
    }

    static JsonNode find(JsonNode sockets, String id) {
        for (JsonNode socket : sockets) {
            if (id.equals(socket.path("id").asString())) {
                return socket;
            }
        }
        throw new AssertionError("no socket " + id + " in " + sockets);
    }
}
