package dev.socketeer.adapter.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.socketeer.adapter.cluster.BackendState;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.PostgresTestServer;
import dev.socketeer.test.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Recovery across the nodes of a Postgres cluster while PostgreSQL restarts: a restore that arrives while the
 * adapter holds Postgres down waits for it, up to the requests timeout (5 s, the default), then restores with every
 * missed event once; past that the client gets a fresh session, logged once per outage.
 */
class PostgresRecoveryOutageTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    static PostgresTestServer postgres;
    static PostgresNode a;
    static PostgresNode b;
    static NodeSocketIoClient clients;
    static final List<TcpProxy> proxies = new ArrayList<>();
    ListAppender<ILoggingEvent> logged;

    @BeforeAll
    static void startCluster() {
        postgres = PostgresTestServer.start("recovery-outage");
        a = node("A");
        b = node("B");
        a.awaitPeers("/", 1);
        b.awaitPeers("/", 1);
        clients = NodeSocketIoClient.start();
    }

    private static PostgresNode node(String name) {
        return PostgresNode.start(name, "socketio.connection-state-recovery.enabled=true",
                "socketio.connection-state-recovery.max-disconnection-duration=60s", "test.own-loops=true",
                "socketio.adapter.postgres.url=" + postgres.r2dbcUrl());
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

    @BeforeEach
    void postgresUpAndLogsCaptured() {
        postgres.start(); // nothing when it runs
        await().atMost(WAIT).until(() -> connected(a) && connected(b));
        logged = new ListAppender<>();
        logged.start();
        ((Logger) LoggerFactory.getLogger(BackendState.class)).addAppender(logged);
    }

    @AfterEach
    void detachLogs() {
        ((Logger) LoggerFactory.getLogger(BackendState.class)).detachAppender(logged);
    }

    private static boolean connected(PostgresNode node) {
        return node.adapter("/").backendStatus().connected();
    }

    private List<String> lines(String containing) {
        return logged.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.INFO))
                .map(ILoggingEvent::getFormattedMessage).filter(line -> line.contains(containing)).toList();
    }

    private static TcpProxy proxyTo(int port) {
        TcpProxy proxy = TcpProxy.start(port);
        proxies.add(proxy);
        return proxy;
    }

    private static String connect(String client, TcpProxy proxy, String room) {
        clients.connect(client, proxy.url() + "/", Map.of("transports", List.of("websocket"),
                "reconnectionDelay", 100, "reconnectionDelayMax", 200));
        JsonNode connected = clients.awaitConnect(client, WAIT);
        assertThat(connected.get("recovered").asBoolean()).isFalse();
        assertThat(clients.emitWithAck(client, "join", WAIT, room).get(0).asString()).isEqualTo("joined");
        return connected.get("sid").asString();
    }

    private static Set<String> savedSids() {
        String out = postgres.psql("SELECT sid FROM socket_io_sessions WHERE expires_at IS NOT NULL");
        return out.isEmpty() ? Set.of() : new HashSet<>(List.of(out.split("\n")));
    }

    /** Drops the client's connection and keeps it from reconnecting, then waits until its session is saved. */
    private static void drop(String client, TcpProxy proxy, String sid) {
        proxy.refuse();
        proxy.cutAll();
        assertThat(clients.awaitDisconnect(client, WAIT).get("reason").asString()).isEqualTo("transport close");
        await().atMost(WAIT).until(() -> savedSids().contains(sid));
    }

    private static long lastEventId() {
        return Long.parseLong(postgres.psql("SELECT coalesce(max(id), 0) FROM socket_io_events"));
    }

    /** Broadcasts {@code hit n} to a room from a node, and waits until it is stored. */
    private static void hit(PostgresNode from, String room, int n) {
        long last = lastEventId();
        from.server.to(room).emit("hit", n);
        await().atMost(WAIT).until(() -> lastEventId() > last);
    }

    private static void expectHits(String client, int... expected) {
        for (int n : expected) {
            assertThat(clients.awaitEvent(client, "hit", WAIT).get("args").get(0).asInt()).isEqualTo(n);
        }
        clients.assertNoEvent(client, "hit", Duration.ofMillis(500));
    }

    /** Stops PostgreSQL (keeping its data) and waits until both nodes hold it down. */
    private static void stopPostgres() {
        postgres.stop();
        await().atMost(WAIT).until(() -> !connected(a) && !connected(b));
    }

    @Test
    void aClientBackWhilePostgresRestartsWaitsForItAndRecoversWithEveryMissedEventOnce() throws Exception {
        TcpProxy proxy = proxyTo(a.port);
        String sid = connect("p1", proxy, "room-p");
        hit(a, "room-p", 0);
        expectHits("p1", 0);
        drop("p1", proxy, sid);
        hit(b, "room-p", 1);
        hit(a, "room-p", 2);

        stopPostgres();
        long stopped = System.nanoTime();
        proxy.target(b.port); // the client comes back, to the other node, while Postgres is away
        Thread.sleep(1_000);
        postgres.start();

        JsonNode connected = clients.awaitConnect("p1", WAIT);
        System.out.println("[postgres outage] the client recovered " + Duration.ofNanos(System.nanoTime() - stopped)
                .toMillis() + " ms after the stop");
        assertThat(connected.get("recovered").asBoolean()).as("recovered").isTrue();
        assertThat(connected.get("sid").asString()).isEqualTo(sid);
        expectHits("p1", 1, 2);
        assertThat(clients.emitWithAck("p1", "rooms", WAIT).get(0).toString()).contains("room-p");
        await().atMost(WAIT).until(() -> connected(a) && connected(b));
        hit(a, "room-p", 3);
        expectHits("p1", 3);
        assertThat(lines("fresh session")).isEmpty();
        clients.disconnect("p1");
    }

    @Test
    void pastTheBoundAClientGetsAFreshSessionLoggedOnce() throws Exception {
        TcpProxy proxy = proxyTo(a.port);
        String sid = connect("q1", proxy, "room-q");
        drop("q1", proxy, sid);

        stopPostgres();
        long start = System.nanoTime();
        proxy.target(b.port);
        JsonNode connected = clients.awaitConnect("q1", WAIT);
        long waitedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertThat(connected.get("recovered").asBoolean()).as("recovered").isFalse();
        assertThat(connected.get("sid").asString()).isNotEqualTo(sid);
        assertThat(waitedMillis).isBetween(4_500L, 12_000L); // it waited for Postgres, the requests timeout
        assertThat(lines("fresh session")).hasSize(1);

        postgres.start();
        await().atMost(WAIT).until(() -> lines("delivery resumes").stream()
                .anyMatch(line -> line.contains("recovering clients started afresh: 1")));
        clients.disconnect("q1");
    }

    @Test
    void aNodeThatShutsDownReleasesTheRestoresWaitingForPostgres() throws Exception {
        PostgresNode c = node("C");
        try {
            PostgresAdapter adapter = (PostgresAdapter) c.adapter("/");
            stopPostgres();
            await().atMost(WAIT).until(() -> !connected(c));
            TcpProxy proxy = proxyTo(c.port);
            clients.connect("w1", proxy.url() + "/", Map.of("transports", List.of("websocket"), "reconnection", false,
                    "auth", Map.of("pid", "a-session-nobody-has", "offset", "1")));
            await().atMost(WAIT).until(() -> adapter.backendState().waiting() == 1); // the restore waits

            long start = System.nanoTime();
            c.close();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
            assertThat(adapter.backendState().waiting()).isZero();
        } finally {
            c.close();
            clients.disconnect("w1");
        }
    }
}
