package dev.socketeer.adapter.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.PostgresTestServer;
import dev.socketeer.test.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Connection state recovery on Postgres when the node does not see its client go: a node killed with SIGKILL (its
 * own JVM: no shutdown hook, nothing saved on the way out), and half-open connections (the proxy stops forwarding
 * without closing anything), on WebSocket and on long-polling. Sessions are in the table before anything goes wrong
 * (checkpoints of connected sockets), so the client recovers on another node with its id, rooms, data and every
 * missed event. Short heartbeats and pings keep it quick.
 */
class PostgresRecoveryCrashTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<String> PROPERTIES = List.of("socketio.connection-state-recovery.enabled=true",
            "socketio.connection-state-recovery.max-disconnection-duration=60s",
            "socketio.adapter.postgres.session-checkpoint-interval=200ms",
            "socketio.adapter.postgres.cleanup-interval=1s", "socketio.adapter.postgres.heartbeat-interval=500ms",
            "socketio.adapter.postgres.heartbeat-timeout=2s", "socketio.ping-interval=1s", "socketio.ping-timeout=3s",
            "test.own-loops=true");

    static PostgresTestServer postgres;
    static PostgresNode a;
    static PostgresNode b;
    static NodeSocketIoClient clients;
    static final List<TcpProxy> proxies = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        postgres = PostgresTestServer.start("recovery-crash");
        a = PostgresNode.start("A", properties());
        b = PostgresNode.start("B", properties());
        clients = NodeSocketIoClient.start();
    }

    private static String[] properties() {
        List<String> all = new ArrayList<>(PROPERTIES);
        all.add("socketio.adapter.postgres.url=" + postgres.r2dbcUrl());
        return all.toArray(String[]::new);
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

    private static String connect(String client, TcpProxy proxy, String transport) {
        clients.connect(client, proxy.url() + "/", Map.of("transports", List.of(transport),
                "reconnectionDelay", 100, "reconnectionDelayMax", 200));
        JsonNode connected = clients.awaitConnect(client, WAIT);
        assertThat(connected.get("recovered").asBoolean()).isFalse();
        return connected.get("sid").asString();
    }

    private static long lastEventId() {
        return Long.parseLong(postgres.psql("SELECT coalesce(max(id), 0) FROM socket_io_events"));
    }

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

    /** Joins a room, sets data and waits until a checkpoint has saved both while the socket is connected. */
    private static void joinAndSet(String client, String sid, String room, String value) {
        assertThat(clients.emitWithAck(client, "join", WAIT, room).get(0).asString()).isEqualTo("joined");
        clients.emitWithAck(client, "set", WAIT, "k", value);
        await().atMost(WAIT).until(() -> postgres.psql("SELECT count(*) FROM socket_io_sessions WHERE sid = '" + sid
                + "' AND expires_at IS NULL AND encode(state, 'escape') LIKE '%" + room + "%' AND encode(state,"
                + " 'escape') LIKE '%" + value + "%'").equals("1"));
    }

    private static void awaitRecovered(String client, String sid, String value, String origin) {
        JsonNode connected = clients.awaitConnect(client, WAIT);
        assertThat(connected.get("recovered").asBoolean()).as("recovered").isTrue();
        assertThat(connected.get("sid").asString()).isEqualTo(sid);
        assertThat(clients.emitWithAck(client, "get", WAIT, "k").get(0).asString()).isEqualTo(value);
        assertThat(clients.emitWithAck(client, "get", WAIT, "origin").get(0).asString()).isEqualTo(origin);
    }

    @Test
    void theClientsOfANodeKilledWithSigkillRecoverOnAnotherNode() {
        dev.socketeer.test.ForkedNode crashing = PostgresNodeProcess.start("X", properties());
        try {
            a.awaitPeers("/", 2);
            TcpProxy proxy = proxyTo(crashing.port);
            String sid = connect("k1", proxy, "websocket");
            joinAndSet("k1", sid, "room-k", "value-k");
            hit(a, "room-k", 0);
            expectHits("k1", 0);
            TcpProxy other = proxyTo(crashing.port);
            String bystander = connect("k2", other, "websocket");
            joinAndSet("k2", bystander, "room-k2", "value-k2");
            other.refuse();

            proxy.refuse();
            crashing.kill();
            assertThat(clients.awaitDisconnect("k1", WAIT).get("reason").asString()).isEqualTo("transport close");
            hit(a, "room-k", 1);
            hit(b, "room-k", 2);
            proxy.target(b.port);

            awaitRecovered("k1", sid, "value-k", "X");
            expectHits("k1", 1, 2);
            hit(a, "room-k", 3);
            expectHits("k1", 3);

            // the crashed node's other sessions start expiring once its peers no longer hear it
            await().atMost(WAIT).until(() -> postgres.psql("SELECT expires_at > now() + interval '50 seconds'"
                    + " FROM socket_io_sessions WHERE sid = '" + bystander + "'").equals("t"));
            clients.disconnect("k1");
            clients.disconnect("k2");
        } finally {
            crashing.kill();
        }
    }

    @Test
    void aClientBackBeforeItsNodeNoticedTheOldConnectionDeadRecoversAndTheOldSocketLeaves() {
        TcpProxy proxy = proxyTo(a.port);
        String sid = connect("h1", proxy, "websocket");
        joinAndSet("h1", sid, "room-h", "value-h");
        hit(a, "room-h", 0);
        expectHits("h1", 0);

        proxy.freezeAll();
        proxy.target(b.port);
        hit(a, "room-h", 1);
        clients.closeTransport("h1"); // the client gives up on the silent connection; node A still holds it
        assertThat(a.server.sockets().sockets()).containsKey(sid);

        awaitRecovered("h1", sid, "value-h", "A");
        expectHits("h1", 1);
        await().atMost(WAIT).until(() -> !a.server.sockets().sockets().containsKey(sid));
        // taken over, not found dead by node A's heartbeat
        assertThat(a.disconnections).contains(sid + " server namespace disconnect").doesNotContain(sid + " ping timeout");
        hit(a, "room-h", 2);
        expectHits("h1", 2);
        clients.disconnect("h1");
        await().atMost(WAIT).until(() -> postgres.psql("SELECT count(*) FROM socket_io_sessions WHERE sid = '" + sid
                + "'").equals("0"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "websocket", "polling" })
    void aSilentlyDroppedConnectionIsDetectedByHeartbeatAndItsSessionRecovers(String transport) {
        String client = "d-" + transport;
        String room = "room-d-" + transport;
        TcpProxy proxy = proxyTo(a.port);
        String sid = connect(client, proxy, transport);
        joinAndSet(client, sid, room, "value-" + transport);

        proxy.freezeAll();
        proxy.refuse();
        // no FIN reaches node A: it finds out from the missing pongs, and saves the session as a disconnected one
        await().atMost(WAIT).until(() -> !a.server.sockets().sockets().containsKey(sid));
        await().atMost(WAIT).until(() -> postgres.psql("SELECT count(*) FROM socket_io_sessions WHERE sid = '" + sid
                + "' AND expires_at > now()").equals("1"));
        hit(b, room, 1);
        assertThat(clients.awaitDisconnect(client, WAIT).get("reason").asString()).isEqualTo("ping timeout");
        proxy.target(b.port);

        awaitRecovered(client, sid, "value-" + transport, "A");
        expectHits(client, 1);
        clients.disconnect(client);
    }
}
