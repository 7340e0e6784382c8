package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.TcpProxy;
import dev.socketeer.test.TestJson;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Connection state recovery across the nodes of a Redis Streams cluster: two Java nodes and a Node socket.io server
 * on {@code @socket.io/redis-streams-adapter} 0.3.1, recovery on everywhere, npm clients behind a TCP proxy the test
 * points at one node or another, so that a reconnection lands where the test wants. Each scenario counts the
 * numbered {@code hit} events a client gets: every missed one once, in order, and nothing else.
 */
class RedisStreamsRecoveryTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration WINDOW = Duration.ofSeconds(60);
    private static final String[] STREAMS_WITH_RECOVERY = { "socketio.adapter.redis.mode=streams",
        "socketio.connection-state-recovery.enabled=true",
        "socketio.connection-state-recovery.max-disconnection-duration=" + WINDOW.toSeconds() + "s" };

    static RedisServer redis;
    static RedisClient redisClient;
    static RedisCommands<String, String> commands;
    static ClusterNode n1;
    static ClusterNode n2;
    static NodeRedisServer node;
    static NodeSocketIoClient clients;
    static final List<TcpProxy> proxies = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        redis = RedisServer.start();
        redisClient = RedisClient.create("redis://127.0.0.1:" + redis.port());
        StatefulRedisConnection<String, String> connection = redisClient.connect();
        commands = connection.sync();
        n1 = ClusterNode.start("n1", redis.port(), STREAMS_WITH_RECOVERY);
        n2 = ClusterNode.start("n2", redis.port(), STREAMS_WITH_RECOVERY);
        node = new NodeRedisServer(redis.port(), "streams", WINDOW);
        clients = NodeSocketIoClient.start();
    }

    @AfterAll
    static void stopCluster() {
        proxies.forEach(TcpProxy::close);
        if (redisClient != null) {
            redisClient.shutdown();
        }
        ClusterNode.closeAll(clients, node, n1, n2, redis);
    }

    private static TcpProxy proxyTo(int port) {
        TcpProxy proxy = TcpProxy.start(port);
        proxies.add(proxy);
        return proxy;
    }

    private static String connect(String client, TcpProxy proxy) {
        clients.connect(client, proxy.url() + "/", Map.of("transports", List.of("websocket"),
                "reconnectionDelay", 100, "reconnectionDelayMax", 200));
        JsonNode connected = clients.awaitConnect(client, WAIT);
        assertThat(connected.get("recovered").asBoolean()).isFalse();
        return connected.get("sid").asString();
    }

    private static void join(String client, String room) {
        assertThat(clients.emitWithAck(client, "join", WAIT, room).get(0).toString()).contains(room);
    }

    /** The keys of the sessions saved at a disconnection (not the checkpoints of connected sockets). */
    private static Set<String> sessionKeys() {
        Set<String> keys = new HashSet<>();
        for (String key : commands.keys("sio:session:*")) {
            JsonNode session = session(key);
            if (session != null && !session.path("live").asBoolean(false)) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** The session a key holds, decoded; {@code null} when there is none. */
    private static JsonNode session(String key) {
        String value = commands.get(key);
        return value == null ? null : dev.socketeer.adapter.cluster.MsgPack.decode(
                java.util.Base64.getDecoder().decode(value));
    }

    /** Waits until a checkpoint holds the connected socket's session with this room and data value. */
    private static void awaitCheckpoint(String sid, String room, String value) {
        await().atMost(WAIT).until(() -> commands.keys("sio:session:*").stream().map(RedisStreamsRecoveryTest::session)
                .anyMatch(session -> session != null && session.path("live").asBoolean(false)
                        && sid.equals(session.path("sid").asString()) && session.path("rooms").toString().contains(room)
                        && value.equals(session.path("data").path("k").asString())));
    }

    /** Drops the client's connection and keeps it from reconnecting; returns the session key its server saved. */
    private static String drop(String client, TcpProxy proxy) {
        Set<String> before = sessionKeys();
        proxy.refuse();
        proxy.cutAll();
        assertThat(clients.awaitDisconnect(client, WAIT).get("reason").asString()).isEqualTo("transport close");
        return awaitNewSessionKey(before);
    }

    private static String awaitNewSessionKey(Set<String> before) {
        List<String> added = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            added.clear();
            added.addAll(sessionKeys());
            added.removeAll(before);
            return added.size() == 1;
        });
        return added.get(0);
    }

    /** Broadcasts {@code hit n} to a room from a Java node, and waits until it is in the stream. */
    private static void hit(ClusterNode from, String room, int n) {
        long length = commands.xlen("socket.io");
        from.io().to(room).emit("hit", n);
        await().atMost(WAIT).until(() -> commands.xlen("socket.io") > length);
    }

    /** Awaits exactly these {@code hit}s, in order, and then no other for a moment. */
    private static void expectHits(String client, int... expected) {
        for (int n : expected) {
            assertThat(clients.awaitEvent(client, "hit", WAIT).get("args").get(0).asInt()).isEqualTo(n);
        }
        clients.assertNoEvent(client, "hit", Duration.ofMillis(500));
    }

    private static JsonNode awaitRecovered(String client, String sid) {
        JsonNode connected = clients.awaitConnect(client, WAIT);
        assertThat(connected.get("recovered").asBoolean()).as("recovered").isTrue();
        assertThat(connected.get("sid").asString()).isEqualTo(sid);
        return connected;
    }

    @Test
    void aClientDroppedFromOneNodeRecoversOnAnotherWithItsRoomsDataAndEveryMissedPacketOnceInOrder() {
        TcpProxy proxy = proxyTo(n1.port());
        String sid = connect("c1", proxy);
        join("c1", "room-1");
        clients.emitWithAck("c1", "set", WAIT, "k", "v");
        hit(n1, "room-1", 0);
        expectHits("c1", 0);

        String key = drop("c1", proxy);
        assertThat(commands.pttl(key)).isBetween(1L, WINDOW.toMillis());
        hit(n1, "room-1", 1);
        hit(n2, "room-1", 2);
        hit(n2, "other-room", 99);
        long length = commands.xlen("socket.io");
        n1.io().except("room-1").emit("hit", 98);
        n2.io().emit("hit", 3);
        await().atMost(WAIT).until(() -> commands.xlen("socket.io") >= length + 2);
        proxy.target(n2.port());

        awaitRecovered("c1", sid);
        expectHits("c1", 1, 2, 3);
        assertThat(clients.emitWithAck("c1", "get", WAIT, "k").get(0).asString()).isEqualTo("v");
        assertThat(clients.emitWithAck("c1", "get", WAIT, "origin").get(0).asString()).isEqualTo("n1");
        assertThat(TestJsonRooms.of(clients.emitWithAck("c1", "join", WAIT, "room-1b").get(0)))
                .contains(sid, "room-1", "room-1b");
        assertThat(sessionKeys()).as("a session is used once").doesNotContain(key);

        hit(n1, "room-1", 4);
        expectHits("c1", 4);

        // and again, back to the first node
        drop("c1", proxy);
        hit(n2, "room-1b", 5);
        proxy.target(n1.port());
        awaitRecovered("c1", sid);
        expectHits("c1", 5);
        hit(n2, "room-1", 6);
        expectHits("c1", 6);
        clients.disconnect("c1");
    }

    @Test
    void recoveringWhileBroadcastsKeepComingLosesAndRepeatsNothing() throws Exception {
        int total = 300;
        for (ClusterNode target : List.of(n1, n2)) { // the publishing node, then another one
            String client = "s-" + target.name;
            TcpProxy proxy = proxyTo(n2.port());
            String sid = connect(client, proxy);
            join(client, "room-s-" + target.name);
            Thread publisher = new Thread(() -> {
                for (int i = 0; i < total; i++) {
                    n1.io().to("room-s-" + target.name).emit("hit", i);
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "publisher");
            publisher.start();
            try {
                int next = 0;
                for (; next < 20; next++) {
                    assertThat(clients.awaitEvent(client, "hit", WAIT).get("args").get(0).asInt()).isEqualTo(next);
                }
                drop(client, proxy);
                proxy.target(target.port()); // recovers while the publisher goes on
                awaitRecovered(client, sid);
                for (; next < total; next++) {
                    assertThat(clients.awaitEvent(client, "hit", WAIT).get("args").get(0).asInt()).isEqualTo(next);
                }
                clients.assertNoEvent(client, "hit", Duration.ofMillis(500));
            } finally {
                publisher.interrupt();
                publisher.join();
                clients.disconnect(client);
            }
        }
    }

    @Test
    void aClientThatHadReceivedNoEventRecoversAndGetsWhatItMissed() {
        TcpProxy proxy = proxyTo(n1.port());
        String sid = connect("z1", proxy);
        join("z1", "room-z");

        drop("z1", proxy);
        hit(n2, "room-z", 1);
        hit(n1, "room-z", 2);
        proxy.target(n2.port());

        awaitRecovered("z1", sid);
        expectHits("z1", 1, 2);
        assertThat(clients.emitWithAck("z1", "get", WAIT, "origin").get(0).asString()).isEqualTo("n1");
        clients.disconnect("z1");
    }

    @Test
    void aPidPresentedToAnotherNamespaceRestoresNothingAndLeavesTheSessionToItsOwner() {
        n1.io().of("/other");
        n2.io().of("/other");
        TcpProxy proxy = proxyTo(n1.port());
        String sid = connect("f1", proxy);
        join("f1", "room-f");
        hit(n1, "room-f", 0);
        expectHits("f1", 0);
        String offset = commands.xrevrange("socket.io", io.lettuce.core.Range.unbounded(),
                io.lettuce.core.Limit.from(1)).get(0).getId();

        String key = drop("f1", proxy);
        String pid = key.substring("sio:session:".length());
        clients.connect("thief", n2.url() + "/other", Map.of("transports", List.of("websocket"),
                "auth", Map.of("pid", pid, "offset", offset)));
        JsonNode thief = clients.awaitConnect("thief", WAIT);
        assertThat(thief.get("recovered").asBoolean()).isFalse();
        assertThat(thief.get("sid").asString()).isNotEqualTo(sid);
        assertThat(sessionKeys()).contains(key);

        proxy.target(n2.port());
        awaitRecovered("f1", sid);
        assertThat(sessionKeys()).doesNotContain(key);
        clients.disconnect("thief");
        clients.disconnect("f1");
    }

    @Test
    void aMadeUpPidWithARealOffsetGetsAFreshSessionAndNothingReplayed() {
        TcpProxy proxy = proxyTo(n1.port());
        String sid = connect("p1", proxy);
        join("p1", "room-p");
        hit(n1, "room-p", 0);
        expectHits("p1", 0);
        String key = drop("p1", proxy);
        hit(n1, "room-p", 1);
        String offset = commands.xrevrange("socket.io", io.lettuce.core.Range.unbounded(),
                io.lettuce.core.Limit.from(1)).get(0).getId();

        clients.connect("forger", n2.url() + "/", Map.of("transports", List.of("websocket"),
                "auth", Map.of("pid", madeUpPid(), "offset", offset)));
        JsonNode forged = clients.awaitConnect("forger", WAIT);
        assertThat(forged.get("recovered").asBoolean()).isFalse();
        assertThat(forged.get("sid").asString()).isNotEqualTo(sid);
        clients.assertNoEvent("forger", "hit", Duration.ofMillis(500));
        assertThat(sessionKeys()).contains(key);

        proxy.target(n2.port());
        awaitRecovered("p1", sid);
        expectHits("p1", 1);
        clients.disconnect("forger");
        clients.disconnect("p1");
    }

    /** A pid as Socket.IO makes them (15 random bytes, URL-safe base64), that no server handed out. */
    static String madeUpPid() {
        byte[] random = new byte[15];
        new java.security.SecureRandom().nextBytes(random);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    @Test
    void aClientBackAfterItsSessionExpiredGetsAFreshSession() {
        TcpProxy proxy = proxyTo(n1.port());
        String sid = connect("e1", proxy);
        join("e1", "room-e");
        hit(n1, "room-e", 0);
        expectHits("e1", 0);

        String key = drop("e1", proxy);
        commands.pexpire(key, 1); // as if maxDisconnectionDuration had passed: Redis drops the session
        await().atMost(WAIT).until(() -> commands.exists(key) == 0);
        hit(n1, "room-e", 1);
        proxy.target(n2.port());

        JsonNode connected = clients.awaitConnect("e1", WAIT);
        assertThat(connected.get("recovered").asBoolean()).isFalse();
        assertThat(connected.get("sid").asString()).isNotEqualTo(sid);
        clients.assertNoEvent("e1", "hit", Duration.ofMillis(500));
        clients.disconnect("e1");
    }

    @Test
    void theSessionsOfANodeThatShutsDownGracefullyRecoverOnTheOthers() {
        ClusterNode n3 = ClusterNode.start("n3", redis.port(), STREAMS_WITH_RECOVERY);
        try {
            TcpProxy proxy = proxyTo(n3.port());
            String sid = connect("g1", proxy);
            join("g1", "room-g");
            Set<String> before = sessionKeys();
            proxy.refuse();

            n3.close();
            awaitNewSessionKey(before);
            hit(n1, "room-g", 1);
            proxy.target(n1.port());

            awaitRecovered("g1", sid);
            expectHits("g1", 1);
            assertThat(clients.emitWithAck("g1", "get", WAIT, "origin").get(0).asString()).isEqualTo("n3");
            clients.disconnect("g1");
        } finally {
            n3.close();
        }
    }

    @Test
    void clientsRecoverFromNodeServersOnJavaNodesAndBack() {
        TcpProxy proxy = proxyTo(node.port());
        clients.connect("m1", proxy.url() + "/", Map.of("transports", List.of("websocket"),
                "reconnectionDelay", 100, "reconnectionDelayMax", 200));
        String sid = clients.awaitConnect("m1", WAIT).get("sid").asString();
        node.awaitConnection();
        join("m1", "room-m");
        hit(n1, "room-m", 0);
        expectHits("m1", 0); // Node needs an offset to restore

        drop("m1", proxy); // saved by the Node server
        hit(n2, "room-m", 1);
        proxy.target(n1.port());
        awaitRecovered("m1", sid);
        expectHits("m1", 1);
        assertThat(clients.emitWithAck("m1", "get", WAIT, "origin").get(0).asString()).isEqualTo("node");

        drop("m1", proxy); // saved by a Java node
        ObjectNode emit = NodeRedisServer.command("emit");
        emit.put("event", "hit");
        emit.set("rooms", TestJson.toNode(List.of("room-m")));
        emit.set("args", TestJson.toNode(List.of(2)));
        long length = commands.xlen("socket.io");
        node.send(emit);
        await().atMost(WAIT).until(() -> commands.xlen("socket.io") > length);
        proxy.target(node.port());
        awaitRecovered("m1", sid);
        JsonNode restored = node.awaitConnection();
        assertThat(restored.get("recovered").asBoolean()).isTrue();
        assertThat(restored.get("rooms").toString()).contains("room-m");
        expectHits("m1", 2);
        clients.disconnect("m1");
    }

    @Test
    void theClientsOfANodeKilledWithSigkillRecoverOnAnotherNode() {
        dev.socketeer.test.ForkedNode crashing = ClusterNodeProcess.start("x", redis.port(), STREAMS_WITH_RECOVERY);
        try {
            TcpProxy proxy = proxyTo(crashing.port);
            String sid = connect("k1", proxy);
            join("k1", "room-k");
            clients.emitWithAck("k1", "set", WAIT, "k", "value-k");
            awaitCheckpoint(sid, "room-k", "value-k");
            hit(n1, "room-k", 0);
            expectHits("k1", 0);

            proxy.refuse();
            crashing.kill(); // no shutdown, no session saved on the way out
            assertThat(clients.awaitDisconnect("k1", WAIT).get("reason").asString()).isEqualTo("transport close");
            hit(n1, "room-k", 1);
            hit(n2, "room-k", 2);
            proxy.target(n2.port());

            awaitRecovered("k1", sid);
            expectHits("k1", 1, 2);
            assertThat(clients.emitWithAck("k1", "get", WAIT, "k").get(0).asString()).isEqualTo("value-k");
            assertThat(clients.emitWithAck("k1", "get", WAIT, "origin").get(0).asString()).isEqualTo("x");
            hit(n1, "room-k", 3);
            expectHits("k1", 3);
            clients.disconnect("k1");
        } finally {
            crashing.kill();
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = { "websocket", "polling" })
    void aClientBackBeforeItsNodeNoticedTheOldConnectionDeadRecoversAndTheOldSocketLeaves(String transport) {
        String client = "h-" + transport;
        String room = "room-h-" + transport;
        TcpProxy proxy = proxyTo(n1.port());
        clients.connect(client, proxy.url() + "/", Map.of("transports", List.of(transport),
                "reconnectionDelay", 100, "reconnectionDelayMax", 200));
        JsonNode connected = clients.awaitConnect(client, WAIT);
        assertThat(connected.get("recovered").asBoolean()).isFalse();
        String sid = connected.get("sid").asString();
        join(client, room);
        clients.emitWithAck(client, "set", WAIT, "k", "value-h");
        awaitCheckpoint(sid, room, "value-h");
        hit(n1, room, 0);
        expectHits(client, 0);

        proxy.freezeAll(); // silent: node n1 keeps the socket until its ping timeout (45 s)
        proxy.target(n2.port());
        hit(n1, room, 1);
        clients.closeTransport(client);
        assertThat(n1.io().sockets().sockets()).containsKey(sid);

        awaitRecovered(client, sid);
        expectHits(client, 1);
        await().atMost(WAIT).until(() -> !n1.io().sockets().sockets().containsKey(sid));
        assertThat(clients.emitWithAck(client, "get", WAIT, "k").get(0).asString()).isEqualTo("value-h");
        hit(n2, room, 2);
        expectHits(client, 2);
        clients.disconnect(client);
    }

    /** The rooms a "join" acknowledgement lists. */
    private static final class TestJsonRooms {
        static List<String> of(JsonNode array) {
            List<String> rooms = new ArrayList<>();
            array.forEach(room -> rooms.add(room.asString()));
            return rooms;
        }
    }
}
