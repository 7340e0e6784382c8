package dev.socketeer.adapter.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.PostgresTestServer;
import dev.socketeer.test.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Connection state recovery across the nodes of a Postgres cluster (the Node adapter has none): two Java nodes on
 * one throw-away PostgreSQL, recovery on, npm clients behind a TCP proxy the test points at one node or the other,
 * so that a reconnection lands where the test wants. Each scenario counts the numbered {@code hit} events a client
 * gets: every missed one once, in order, and nothing else.
 */
class PostgresRecoveryTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration WINDOW = Duration.ofSeconds(60);
    private static final String[] RECOVERY = { "socketio.connection-state-recovery.enabled=true",
        "socketio.connection-state-recovery.max-disconnection-duration=" + WINDOW.toSeconds() + "s",
        "test.own-loops=true" };

    static PostgresTestServer postgres;
    static PostgresNode a;
    static PostgresNode b;
    static NodeSocketIoClient clients;
    static final List<TcpProxy> proxies = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        postgres = PostgresTestServer.start("recovery");
        a = node("A");
        b = node("B");
        a.awaitPeers("/", 1);
        b.awaitPeers("/", 1);
        clients = NodeSocketIoClient.start();
    }

    private static PostgresNode node(String name) {
        List<String> properties = new ArrayList<>(Arrays.asList(RECOVERY));
        properties.add("socketio.adapter.postgres.url=" + postgres.r2dbcUrl());
        return PostgresNode.start(name, properties.toArray(String[]::new));
    }

    @AfterAll
    static void stopCluster() {
        proxies.forEach(TcpProxy::close);
        for (AutoCloseable closeable : new AutoCloseable[] { clients, a, b, postgres }) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
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
        assertThat(clients.emitWithAck(client, "join", WAIT, room).get(0).asString()).isEqualTo("joined");
    }

    /** The pids of the sessions saved at a disconnection (those of connected sockets have no expiry yet). */
    private static Set<String> sessionPids() {
        String out = postgres.psql("SELECT pid FROM socket_io_sessions WHERE expires_at IS NOT NULL");
        return out.isEmpty() ? Set.of() : new HashSet<>(List.of(out.split("\n")));
    }

    private static long lastEventId() {
        return Long.parseLong(postgres.psql("SELECT coalesce(max(id), 0) FROM socket_io_events"));
    }

    /** Drops the client's connection and keeps it from reconnecting; returns the pid of the session saved. */
    private static String drop(String client, TcpProxy proxy) {
        Set<String> before = sessionPids();
        proxy.refuse();
        proxy.cutAll();
        assertThat(clients.awaitDisconnect(client, WAIT).get("reason").asString()).isEqualTo("transport close");
        return awaitNewSession(before);
    }

    private static String awaitNewSession(Set<String> before) {
        List<String> added = new ArrayList<>();
        await().atMost(WAIT).conditionEvaluationListener(condition -> {
            if (condition.getRemainingTimeInMS() <= condition.getPollInterval().toMillis()) {
                System.err.println("[diag] before " + before + " sessions now:\n" + postgres.psql(
                        "SELECT pid, sid, expires_at, owner FROM socket_io_sessions") + "\nnodes A " + a.adapter("/").uid()
                        + " B " + b.adapter("/").uid());
            }
        }).until(() -> {
            added.clear();
            added.addAll(sessionPids());
            added.removeAll(before);
            return added.size() == 1;
        });
        return added.get(0);
    }

    /** Broadcasts {@code hit n} to a room from a node, and waits until it is stored. */
    private static void hit(PostgresNode from, String room, int n) {
        long last = lastEventId();
        from.server.to(room).emit("hit", n);
        await().atMost(WAIT).until(() -> lastEventId() > last);
    }

    /** Awaits exactly these {@code hit}s, in order, and then no other for a moment. */
    private static void expectHits(String client, int... expected) {
        for (int n : expected) {
            assertThat(clients.awaitEvent(client, "hit", WAIT).get("args").get(0).asInt()).isEqualTo(n);
        }
        clients.assertNoEvent(client, "hit", Duration.ofMillis(500));
    }

    private static void awaitRecovered(String client, String sid) {
        JsonNode connected = clients.awaitConnect(client, WAIT);
        if (!connected.get("recovered").asBoolean()) {
            System.err.println("[diag] not recovered " + connected + " sessions now:\n" + postgres.psql(
                    "SELECT pid, sid, expires_at, owner FROM socket_io_sessions") + "\nnodes A " + a.adapter("/").uid()
                    + " B " + b.adapter("/").uid());
        }
        assertThat(connected.get("recovered").asBoolean()).as("recovered").isTrue();
        assertThat(connected.get("sid").asString()).isEqualTo(sid);
    }

    @Test
    void aClientDroppedFromOneNodeRecoversOnAnotherWithItsRoomsDataAndEveryMissedEventOnceInOrder() {
        TcpProxy proxy = proxyTo(a.port);
        String sid = connect("c1", proxy);
        join("c1", "room-1");
        clients.emitWithAck("c1", "set", WAIT, "k", "v");
        hit(a, "room-1", 0);
        JsonNode first = clients.awaitEvent("c1", "hit", WAIT);
        assertThat(first.get("args").get(0).asInt()).isZero();

        String pid = drop("c1", proxy);
        assertThat(postgres.psql("SELECT expires_at > now() + interval '50 seconds' AND expires_at <= now() + interval"
                + " '60 seconds' FROM socket_io_sessions WHERE pid = '" + pid + "'")).isEqualTo("t");
        hit(a, "room-1", 1);
        hit(b, "room-1", 2);
        hit(b, "other-room", 99);
        long last = lastEventId();
        a.server.except("room-1").emit("hit", 98);
        await().atMost(WAIT).until(() -> lastEventId() > last);
        hit(b, "room-1", 3);
        b.server.emit("hit", 4);
        proxy.target(b.port);

        awaitRecovered("c1", sid);
        expectHits("c1", 1, 2, 3, 4);
        assertThat(clients.emitWithAck("c1", "get", WAIT, "k").get(0).asString()).isEqualTo("v");
        assertThat(clients.emitWithAck("c1", "get", WAIT, "origin").get(0).asString()).isEqualTo("A");
        assertThat(sessionPids()).as("a session is used once").doesNotContain(pid);

        hit(a, "room-1", 5);
        expectHits("c1", 5);

        // and again, back to the first node
        drop("c1", proxy);
        hit(b, "room-1", 6);
        proxy.target(a.port);
        awaitRecovered("c1", sid);
        expectHits("c1", 6);
        clients.disconnect("c1");
    }

    @Test
    void recoveringWhileBroadcastsKeepComingLosesAndRepeatsNothing() throws Exception {
        int total = 300;
        for (PostgresNode target : List.of(a, b)) { // the publishing node, then another one
            String client = "s-" + target.name;
            String room = "room-s-" + target.name;
            TcpProxy proxy = proxyTo(b.port);
            String sid = connect(client, proxy);
            join(client, room);
            Thread publisher = new Thread(() -> {
                for (int i = 0; i < total; i++) {
                    a.server.to(room).emit("hit", i);
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
                proxy.target(target.port); // recovers while the publisher goes on
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
        TcpProxy proxy = proxyTo(a.port);
        String sid = connect("z1", proxy);
        join("z1", "room-z");

        drop("z1", proxy);
        hit(b, "room-z", 1);
        hit(a, "room-z", 2);
        proxy.target(b.port);

        awaitRecovered("z1", sid);
        expectHits("z1", 1, 2);
        assertThat(clients.emitWithAck("z1", "get", WAIT, "origin").get(0).asString()).isEqualTo("A");
        clients.disconnect("z1");
    }

    @Test
    void aPidPresentedToAnotherNamespaceRestoresNothingAndLeavesTheSessionToItsOwner() {
        a.server.of("/other");
        b.server.of("/other");
        TcpProxy proxy = proxyTo(a.port);
        String sid = connect("f1", proxy);
        join("f1", "room-f");
        hit(a, "room-f", 0);
        expectHits("f1", 0);

        String pid = drop("f1", proxy);
        clients.connect("thief", b.url("/other"), Map.of("transports", List.of("websocket"),
                "auth", Map.of("pid", pid, "offset", Long.toString(lastEventId()))));
        JsonNode thief = clients.awaitConnect("thief", WAIT);
        assertThat(thief.get("recovered").asBoolean()).isFalse();
        assertThat(thief.get("sid").asString()).isNotEqualTo(sid);
        assertThat(sessionPids()).contains(pid);

        proxy.target(b.port);
        awaitRecovered("f1", sid);
        assertThat(sessionPids()).doesNotContain(pid);
        clients.disconnect("thief");
        clients.disconnect("f1");
    }

    @Test
    void aMadeUpPidWithARealOffsetGetsAFreshSessionAndNothingReplayed() {
        TcpProxy proxy = proxyTo(a.port);
        String sid = connect("p1", proxy);
        join("p1", "room-p");
        hit(a, "room-p", 0);
        expectHits("p1", 0);
        String pid = drop("p1", proxy);
        long offset = lastEventId();
        hit(a, "room-p", 1);

        byte[] random = new byte[15];
        new java.security.SecureRandom().nextBytes(random);
        String madeUp = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        clients.connect("forger", b.url("/"), Map.of("transports", List.of("websocket"),
                "auth", Map.of("pid", madeUp, "offset", Long.toString(offset))));
        JsonNode forged = clients.awaitConnect("forger", WAIT);
        assertThat(forged.get("recovered").asBoolean()).isFalse();
        assertThat(forged.get("sid").asString()).isNotEqualTo(sid);
        clients.assertNoEvent("forger", "hit", Duration.ofMillis(500));
        assertThat(sessionPids()).contains(pid);

        proxy.target(b.port);
        awaitRecovered("p1", sid);
        expectHits("p1", 1);
        clients.disconnect("forger");
        clients.disconnect("p1");
    }

    @Test
    void aClientBackAfterItsSessionExpiredGetsAFreshSessionAndTheCleanupDeletesWhatExpired() {
        TcpProxy proxy = proxyTo(a.port);
        String sid = connect("e1", proxy);
        join("e1", "room-e");
        hit(a, "room-e", 0);
        expectHits("e1", 0);

        String pid = drop("e1", proxy);
        // as if max-disconnection-duration had passed
        postgres.psql("UPDATE socket_io_sessions SET expires_at = now() - interval '1 second' WHERE pid = '" + pid + "'");
        hit(a, "room-e", 1);
        proxy.target(b.port);

        JsonNode connected = clients.awaitConnect("e1", WAIT);
        assertThat(connected.get("recovered").asBoolean()).isFalse();
        assertThat(connected.get("sid").asString()).isNotEqualTo(sid);
        clients.assertNoEvent("e1", "hit", Duration.ofMillis(500));

        assertThat(sessionPids()).contains(pid); // expired, not yet cleaned up
        postgres.psql("UPDATE socket_io_events SET created_at = now() - interval '1 hour'"
                + " WHERE id = (SELECT min(id) FROM socket_io_events)");
        long events = Long.parseLong(postgres.psql("SELECT count(*) FROM socket_io_events"));
        a.adapterFactory().cleanUpRecovery().join();
        assertThat(sessionPids()).doesNotContain(pid);
        assertThat(Long.parseLong(postgres.psql("SELECT count(*) FROM socket_io_events"))).isEqualTo(events - 1);
        clients.disconnect("e1");
    }

    @Test
    void nodeServersOnThePostgresAdapterStillUnderstandWhatANodeWithRecoverySends() throws Exception {
        try (dev.socketeer.test.NodeProcess nodeServer = dev.socketeer.test.NodeProcess.start(
                "postgres-node-server.mjs", postgres.nodeUrl())) {
            int port = nodeServer.await(r -> "listening".equals(r.path("type").asString("")), WAIT, "the Node server")
                    .get("port").asInt();
            a.awaitPeers("/", 2);
            clients.connect("n1", "http://127.0.0.1:" + port + "/", Map.of("transports", List.of("websocket")));
            clients.awaitConnect("n1", WAIT);

            // a plain notification, and the attachment path (binary, and too big for a notification), each with its
            // offset field, which the Node adapter ignores
            a.server.emit("text", "hello");
            a.server.emit("binary", "bytes", new byte[] { 1, 2, 3 });
            a.server.emit("big", "x".repeat(20_000));
            JsonNode text = clients.awaitEvent("n1", "text", WAIT);
            assertThat(text.get("args").size()).isEqualTo(1);
            assertThat(text.get("args").get(0).asString()).isEqualTo("hello");
            JsonNode binary = clients.awaitEvent("n1", "binary", WAIT);
            assertThat(binary.get("args").size()).isEqualTo(2);
            assertThat(dev.socketeer.test.TestJson.bytes(binary.get("args").get(1))).containsExactly(1, 2, 3);
            assertThat(clients.awaitEvent("n1", "big", WAIT).get("args").get(0).asString()).hasSize(20_000);
            clients.disconnect("n1");
        }
    }

    @Test
    void theSessionsOfANodeThatShutsDownGracefullyRecoverOnTheOthers() {
        PostgresNode c = node("C");
        try {
            await().atMost(WAIT).until(() -> c.adapter("/").nodes().size() >= 2);
            TcpProxy proxy = proxyTo(c.port);
            String sid = connect("g1", proxy);
            join("g1", "room-g");
            Set<String> before = sessionPids();
            proxy.refuse();

            c.close();
            awaitNewSession(before);
            hit(a, "room-g", 1);
            proxy.target(b.port);

            awaitRecovered("g1", sid);
            expectHits("g1", 1);
            assertThat(clients.emitWithAck("g1", "get", WAIT, "origin").get(0).asString()).isEqualTo("C");
            clients.disconnect("g1");
        } finally {
            c.close();
        }
    }
}
