package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.socketeer.adapter.cluster.BackendState;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.TcpProxy;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Recovery across the nodes of a Redis Streams cluster while Redis is away, and the adapter's liveness rule. A
 * restore that arrives while the adapter holds Redis down waits for it, up to the requests timeout (5 s, the
 * default), then restores; past that the client gets a fresh session, logged once per outage. Redis not answering
 * its PING for less than the liveness threshold (6 s of silence over 6 checks) is not an outage; longer, it is,
 * logged once down and once up.
 */
class RedisStreamsRecoveryOutageTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String[] STREAMS_WITH_RECOVERY = { "socketio.adapter.redis.mode=streams",
        "socketio.connection-state-recovery.enabled=true",
        "socketio.connection-state-recovery.max-disconnection-duration=60s" };

    static RedisServer redis;
    static RedisClient redisClient;
    static RedisCommands<String, String> commands;
    static ClusterNode n1;
    static ClusterNode n2;
    static NodeSocketIoClient clients;
    static final List<TcpProxy> proxies = new ArrayList<>();
    ListAppender<ILoggingEvent> logged;

    @BeforeAll
    static void startCluster() {
        redis = RedisServer.startWithSnapshot();
        redisClient = RedisClient.create("redis://127.0.0.1:" + redis.port());
        commands = redisClient.connect().sync();
        n1 = ClusterNode.start("n1", redis.port(), STREAMS_WITH_RECOVERY);
        n2 = ClusterNode.start("n2", redis.port(), STREAMS_WITH_RECOVERY);
        clients = NodeSocketIoClient.start();
    }

    @AfterAll
    static void stopCluster() {
        proxies.forEach(TcpProxy::close);
        if (redisClient != null) {
            redisClient.shutdown();
        }
        ClusterNode.closeAll(clients, n1, n2, redis);
    }

    @BeforeEach
    void redisUpAndLogsCaptured() {
        if (!redis.ping()) {
            redis.restart();
        }
        await().atMost(WAIT).until(() -> n1.adapterFactory().isConnected() && n2.adapterFactory().isConnected());
        logged = new ListAppender<>();
        logged.start();
        ((Logger) LoggerFactory.getLogger(BackendState.class)).addAppender(logged);
    }

    @AfterEach
    void detachLogs() {
        ((Logger) LoggerFactory.getLogger(BackendState.class)).detachAppender(logged);
        redis.resume();
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
        assertThat(clients.emitWithAck(client, "join", WAIT, room).get(0).toString()).contains(room);
        return connected.get("sid").asString();
    }

    /** Drops the client's connection and keeps it from reconnecting, then waits until its session is saved. */
    private static void drop(String client, TcpProxy proxy, String sid) {
        proxy.refuse();
        proxy.cutAll();
        assertThat(clients.awaitDisconnect(client, WAIT).get("reason").asString()).isEqualTo("transport close");
        await().atMost(WAIT).until(() -> commands.keys("sio:session:*").stream().map(commands::get)
                .map(value -> value == null ? null : dev.socketeer.adapter.cluster.MsgPack.decode(
                        java.util.Base64.getDecoder().decode(value)))
                .anyMatch(session -> session != null && sid.equals(session.path("sid").asString())
                        && !session.path("live").asBoolean(false)));
    }

    /** Broadcasts {@code hit n} to a room from a node, and waits until it is in the stream. */
    private static void hit(ClusterNode from, String room, int n) {
        long length = commands.xlen("socket.io");
        from.io().to(room).emit("hit", n);
        await().atMost(WAIT).until(() -> commands.xlen("socket.io") > length);
    }

    private static void expectHits(String client, int... expected) {
        for (int n : expected) {
            assertThat(clients.awaitEvent(client, "hit", WAIT).get("args").get(0).asInt()).isEqualTo(n);
        }
        clients.assertNoEvent(client, "hit", Duration.ofMillis(500));
    }

    /** Stops Redis (keeping its data) and waits until both nodes hold it down. */
    private static void stopRedis() {
        redis.stopSaving();
        await().atMost(WAIT).until(() -> !n1.adapterFactory().isConnected() && !n2.adapterFactory().isConnected());
    }

    @Test
    void aClientBackWhileRedisRestartsWaitsForItAndRecoversWithEveryMissedPacketOnce() throws Exception {
        TcpProxy proxy = proxyTo(n1.port());
        String sid = connect("r1", proxy, "room-r");
        hit(n1, "room-r", 0);
        expectHits("r1", 0);
        drop("r1", proxy, sid);
        hit(n2, "room-r", 1);
        hit(n1, "room-r", 2);

        stopRedis();
        proxy.target(n2.port()); // the client comes back, to the other node, while Redis is away
        Thread.sleep(1_000); // Lettuce retries 1, 2, 4 ... ms apart: back by 2 s, it reconnects at about 2 s
        redis.restart();

        JsonNode connected = clients.awaitConnect("r1", WAIT);
        assertThat(connected.get("recovered").asBoolean()).as("recovered").isTrue();
        assertThat(connected.get("sid").asString()).isEqualTo(sid);
        expectHits("r1", 1, 2);
        assertThat(clients.emitWithAck("r1", "rooms", WAIT).get(0).toString()).contains("room-r");
        await().atMost(WAIT).until(() -> n1.adapterFactory().isConnected() && n2.adapterFactory().isConnected());
        hit(n1, "room-r", 3);
        expectHits("r1", 3);
        assertThat(lines("fresh session")).isEmpty();
        clients.disconnect("r1");
    }

    @Test
    void pastTheBoundClientsGetFreshSessionsLoggedOncePerOutage() throws Exception {
        TcpProxy proxy = proxyTo(n1.port());
        String sid1 = connect("f1", proxy, "room-f");
        hit(n1, "room-f", 0);
        expectHits("f1", 0);
        drop("f1", proxy, sid1);

        stopRedis();
        long start = System.nanoTime();
        proxy.target(n2.port());
        // a second client in the same outage (a pid of no session): a fresh session too, and no second warning
        TcpProxy second = proxyTo(n2.port());
        clients.connect("f3", second.url() + "/", Map.of("transports", List.of("websocket"),
                "auth", Map.of("pid", "not-a-session-of-anyone", "offset", "1-0")));
        JsonNode connected = clients.awaitConnect("f1", WAIT);
        long waitedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertThat(connected.get("recovered").asBoolean()).as("recovered").isFalse();
        assertThat(connected.get("sid").asString()).isNotEqualTo(sid1);
        // it waited for Redis (the requests timeout, 5 s), not more than a few seconds beyond
        assertThat(waitedMillis).isBetween(4_500L, 12_000L);
        assertThat(clients.awaitConnect("f3", WAIT).get("recovered").asBoolean()).isFalse();
        assertThat(lines("fresh session")).hasSize(1);
        assertThat(lines("fresh session").get(0)).contains("5000 ms");
        // the restores that gave up left nothing waiting behind them
        assertThat(((RedisStreamsAdapter) n2.io().sockets().adapter()).backendState().waiting()).isZero();

        redis.restart();
        await().atMost(WAIT).until(() -> lines("delivery resumes").size() >= 2);
        assertThat(lines("delivery resumes")).filteredOn(line -> line.contains("recovering clients started afresh: 2"))
                .hasSize(1);
        clients.disconnect("f1");
        clients.disconnect("f3");
    }

    @Test
    void redisSilentForLessThanTheLivenessThresholdIsNotAnOutageLongerIsOneLoggedOnce() throws Exception {
        // 4.5 s without an answer (the old watch gave up after 3 s): a machine short of CPU can do that; health stays
        // UP, nothing is logged
        redis.pause();
        long end = System.nanoTime() + Duration.ofMillis(4_500).toNanos();
        try {
            while (System.nanoTime() < end) {
                assertThat(n1.adapterFactory().isConnected() && n2.adapterFactory().isConnected())
                        .as("held up while Redis is silent for 4.5 s").isTrue();
                Thread.sleep(50);
            }
        } finally {
            redis.resume();
        }
        Thread.sleep(1_500); // the answers arrive; a detector that flipped would flip back meanwhile
        assertThat(lines("lost its connection")).isEmpty();
        assertThat(lines("delivery resumes")).isEmpty();

        // silent for longer: down within the documented bound (about 7 s), once, then up once
        redis.pause();
        long paused = System.nanoTime();
        try {
            await().atMost(Duration.ofSeconds(13)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !n1.adapterFactory().isConnected() && !n2.adapterFactory().isConnected());
            long downAfter = Duration.ofNanos(System.nanoTime() - paused).toMillis();
            System.out.println("[liveness] both nodes held Redis down " + downAfter + " ms after SIGSTOP");
            assertThat(downAfter).isBetween(5_000L, 11_000L);
            assertThat(n1.adapterFactory().backendStatus().lastError()).contains("PING");
            Thread.sleep(1_500);
        } finally {
            redis.resume();
        }
        await().atMost(WAIT).until(() -> n1.adapterFactory().isConnected() && n2.adapterFactory().isConnected());
        Thread.sleep(1_000);
        assertThat(lines("lost its connection")).filteredOn(line -> line.startsWith("Socket.IO Redis adapter "))
                .hasSize(2); // one per node
        assertThat(lines("delivery resumes")).filteredOn(line -> line.startsWith("Socket.IO Redis adapter "))
                .hasSize(2);
    }
}
