package dev.socketeer.adapter.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.adapter.ClusterRequestTimeoutException;
import dev.socketeer.adapter.ClusterUnavailableException;
import dev.socketeer.test.HealthProbe;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.PostgresTestServer;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import reactor.core.Disposable;

/**
 * The Postgres adapter and emitter when Postgres is down, stalled, or just there: a node starts
 * without it (DOWN, one honest warning, local clients served) and joins when it comes; a starting
 * node is counted by the others at once, not at its first heartbeat; requests end within their
 * timeout while Postgres is stalled; the emitter connects on first use; a shutdown says goodbye
 * once and logs no warning.
 */
@ExtendWith(OutputCaptureExtension.class)
class PostgresBackendTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Heartbeats far apart: only the announcement on connect can make a node counted quickly. */
    private static final String[] SLOW_HEARTBEAT = { "socketio.adapter.postgres.heartbeat-interval=60s",
            "socketio.adapter.postgres.heartbeat-timeout=120s" };

    static PostgresTestServer postgres;

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresTestServer.start("backend");
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static PostgresNode node(String name, String... properties) {
        String[] all = new String[properties.length + 1];
        all[0] = "socketio.adapter.postgres.url=" + postgres.r2dbcUrl();
        System.arraycopy(properties, 0, all, 1, properties.length);
        return PostgresNode.start(name, all);
    }

    @Test
    void aStartingNodeIsCountedByTheOthersWithinOneSecond() {
        try (PostgresNode a = node("A", SLOW_HEARTBEAT)) {
            await().atMost(WAIT).until(() -> a.adapterFactory().isConnected());
            try (PostgresNode b = node("B", SLOW_HEARTBEAT)) {
                // announced as soon as its connections are up: counted long before its first heartbeat (60 s)
                await().atMost(Duration.ofSeconds(1)).until(() -> a.adapter("/").nodes().size() == 1);
                await().atMost(Duration.ofSeconds(1)).until(() -> b.adapter("/").nodes().size() == 1);
                assertThat(a.server.sockets().adapter().serverCount().join()).isEqualTo(2);
            }
        }
    }

    @Test
    void aNodeStartsWithoutPostgresServesItsClientsAndJoinsWhenPostgresComes(CapturedOutput output) throws Exception {
        postgres.stop();
        PostgresNode a = null;
        PostgresNode b = null;
        try (NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            a = node("A", SLOW_HEARTBEAT);
            HealthProbe health = HealthProbe.get("http://127.0.0.1:" + a.port, "/actuator/health/socketio");
            assertThat(health.status()).isEqualTo("DOWN");
            assertThat(health.cluster().get("backend").asString()).isEqualTo("postgres");
            assertThat(health.cluster().get("address").asString()).isEqualTo("127.0.0.1:" + postgres.port() + "/postgres");
            assertThat(health.cluster().get("error").asString()).isNotBlank();
            assertThat(HealthProbe.get("http://127.0.0.1:" + a.port, "/actuator/health/readiness").httpStatus())
                    .isEqualTo(503);
            assertThat(a.server.fetchSockets()).failsWithin(Duration.ofSeconds(5))
                    .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(ClusterUnavailableException.class);

            clients.connect("a", a.url("/"), Map.of("transports", List.of("websocket")));
            clients.awaitConnect("a");
            assertThat(clients.emitWithAck("a", "join", Duration.ofSeconds(5), "room").get(0).asString())
                    .isEqualTo("joined");
            a.server.to("room").emit("local", 1);
            clients.awaitEvent("a", "local");

            postgres.start();
            PostgresNode first = a;
            await().atMost(WAIT).until(() -> first.adapterFactory().isConnected());
            assertThat(HealthProbe.get("http://127.0.0.1:" + a.port, "/actuator/health/socketio").status()).isEqualTo("UP");
            b = node("B", SLOW_HEARTBEAT);
            PostgresNode second = b;
            await().atMost(WAIT).until(() -> first.adapter("/").nodes().size() == 1
                    && second.adapter("/").nodes().size() == 1);
            b.server.to("room").emit("from-b", 2);
            assertThat(clients.awaitEvent("a", "from-b").get("args").get(0).asInt()).isEqualTo(2);

            // one warning for the outage, and none claiming it lost a connection it never had
            List<String> warnings = output.getOut().lines()
                    .filter(line -> line.contains(" WARN ") && line.contains("Socket.IO Postgres")).toList();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0)).contains("Socket.IO Postgres adapter cannot reach postgres at 127.0.0.1:"
                    + postgres.port()).doesNotContain("lost");
        } finally {
            closeAll(a, b);
            postgres.start();
        }
    }

    @Test
    void requestsEndWithinTheirTimeoutWhilePostgresIsStalled() {
        try (PostgresNode a = node("A", "socketio.adapter.postgres.requests-timeout=1s");
                PostgresNode b = node("B", "socketio.adapter.postgres.requests-timeout=1s")) {
            a.awaitPeers("/", 1);
            b.awaitPeers("/", 1);
            postgres.pause();
            try {
                long start = System.nanoTime();
                // a timeout until the adapter reports the stall (no answer to its probe within 3 s), then at once
                Throwable first = assertThat(a.server.fetchSockets()).failsWithin(Duration.ofSeconds(4))
                        .withThrowableOfType(ExecutionException.class).actual().getCause();
                assertThat(first).isInstanceOfAny(ClusterRequestTimeoutException.class,
                        ClusterUnavailableException.class);
                Throwable second = assertThat(a.server.serverSideEmitWithAck(Duration.ofSeconds(1), "ping"))
                        .failsWithin(Duration.ofSeconds(4)).withThrowableOfType(ExecutionException.class).actual()
                        .getCause();
                assertThat(second).isInstanceOfAny(dev.socketeer.adapter.AckTimeoutException.class,
                        ClusterUnavailableException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));

                // the stall is reported while the connections stay open (health DOWN)...
                await().atMost(Duration.ofSeconds(15)).until(() -> !health(a).isConnected());
                assertThat(health(a).backendStatus().lastError()).contains("SELECT 1");
            } finally {
                postgres.resume();
            }
            // ...and UP again at the late answer, without a reconnection
            await().atMost(Duration.ofSeconds(15)).until(() -> health(a).isConnected() && health(b).isConnected());
            assertThat(a.server.fetchSockets()).succeedsWithin(Duration.ofSeconds(5));
        }
    }

    private static dev.socketeer.adapter.AdapterHealth health(PostgresNode node) {
        return (dev.socketeer.adapter.AdapterHealth) node.server.sockets().adapter();
    }

    @Test
    void theEmitterConnectsOnFirstUseSoAnApplicationStartsWhilePostgresIsDown() throws Exception {
        postgres.stop();
        PostgresNode memory = null;
        PostgresNode receiver = null;
        try (NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            memory = node("M", "socketio.adapter.type=memory", "socketio.adapter.postgres.emitter-enabled=true");
            PostgresEmitter emitter = memory.emitter();
            assertThat(emitter.isConnected()).isFalse();
            assertThat(emitter.emit("early", 1)).failsWithin(Duration.ofSeconds(15))
                    .withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(ClusterUnavailableException.class);

            postgres.start();
            receiver = node("R");
            PostgresNode listening = receiver;
            await().atMost(WAIT).until(() -> listening.adapterFactory().isConnected());
            clients.connect("r", receiver.url("/"), Map.of("transports", List.of("websocket")));
            clients.awaitConnect("r");
            await().atMost(WAIT).ignoreExceptions()
                    .until(() -> emitter.emit("hello", 1).get(5, TimeUnit.SECONDS) == null);
            clients.awaitEvent("r", "hello");
        } finally {
            closeAll(memory, receiver);
            postgres.start();
        }
    }

    @Test
    void aShutdownSaysGoodbyeOnceAndLogsNoWarning(CapturedOutput output) {
        PostgresqlConnection listener = new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
                .host("127.0.0.1").port(postgres.port()).username("postgres").database("postgres").build())
                .create().block(Duration.ofSeconds(10));
        List<String> notifications = new CopyOnWriteArrayList<>();
        Disposable listening = listener.getNotifications()
                .subscribe(notification -> notifications.add(notification.getParameter()));
        try (PostgresNode b = node("B")) {
            listener.createStatement("LISTEN \"socket.io#/\"").execute().flatMap(result -> result.getRowsUpdated())
                    .then().block(Duration.ofSeconds(10));
            PostgresNode a = node("A");
            a.awaitPeers("/", 1);
            String uid = a.adapter("/").uid();
            a.emitter().emit("through-the-emitter", 1).join(); // the emitter's connection is open too

            int before = output.getOut().length();
            a.close();
            String duringClose = output.getOut().substring(before);

            await().atMost(WAIT).until(() -> b.adapter("/").nodes().isEmpty());
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> goodbyes(notifications, uid) == 1);
            assertThat(duringClose.lines().filter(line -> line.contains(" WARN ") || line.contains(" ERROR ")))
                    .isEmpty();
        } finally {
            listening.dispose();
            listener.close().block(Duration.ofSeconds(10));
        }
    }

    private static long goodbyes(List<String> notifications, String uid) {
        return notifications.stream().filter(payload -> payload.contains("\"type\":13")
                && payload.contains("\"uid\":\"" + uid + "\"")).count();
    }

    private static void closeAll(PostgresNode... nodes) {
        for (PostgresNode node : nodes) {
            if (node != null) {
                node.close();
            }
        }
    }
}
