package dev.socketeer.adapter.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.socketeer.server.RemoteSocket;
import dev.socketeer.test.JavaSocketIoClient;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.NodeSocketIoClient.AckReply;
import dev.socketeer.test.PostgresTestServer;
import dev.socketeer.test.TestJson;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Three Java nodes (separate Spring Boot applications) on one PostgreSQL, npm clients on nodes A and C, a Java client
 * on node B: every cluster-wide operation crosses nodes. Each node finds its connection a different way
 * ({@code spring.r2dbc.*}, {@code spring.datasource.*}, {@code socketio.adapter.postgres.*}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresAdapterClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private PostgresTestServer postgres;
    private PostgresNode a;
    private PostgresNode b;
    private PostgresNode c;
    private NodeSocketIoClient npm;
    private JavaSocketIoClient java;

    @BeforeAll
    void startCluster() {
        postgres = PostgresTestServer.start("cluster");
        String cleanup = "socketio.adapter.postgres.cleanup-interval=3s";
        a = PostgresNode.start("A", "spring.r2dbc.url=" + postgres.r2dbcUrl(), "spring.r2dbc.username=postgres",
                cleanup);
        b = PostgresNode.start("B", "spring.datasource.url=jdbc:postgresql://127.0.0.1:" + postgres.port()
                + "/postgres", "spring.datasource.username=postgres", cleanup);
        c = PostgresNode.start("C", "socketio.adapter.postgres.url=" + postgres.nodeUrl(), cleanup);
        for (PostgresNode node : List.of(a, b, c)) {
            node.awaitPeers("/", 2);
        }
        npm = NodeSocketIoClient.start();
        npm.connect("onA", a.url("/"), Map.of("transports", List.of("websocket")),
                Map.of("question", AckReply.of("answer-from-onA")));
        npm.connect("onC", c.url("/"), Map.of(), Map.of("question", AckReply.of("answer-from-onC")));
        npm.awaitConnect("onA");
        npm.awaitConnect("onC");
        java = JavaSocketIoClient.connect(b.url("/"));
        java.awaitConnect(WAIT);
        java.socket().on("question", args -> {
            ((io.socket.client.Ack) args[args.length - 1]).call("answer-from-onB");
        });
        assertThat(npm.emitWithAck("onA", "join", WAIT, "room-ac").get(0).asString()).isEqualTo("joined");
        assertThat(npm.emitWithAck("onC", "join", WAIT, "room-ac").get(0).asString()).isEqualTo("joined");
        assertThat(java.emitWithAck("join", WAIT, "room-b")).containsExactly("joined");
    }

    @AfterAll
    void stopCluster() {
        for (AutoCloseable closeable : new AutoCloseable[] { java, npm, a, b, c, postgres }) {
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
    void aBurstOfBroadcastsBeyondTheDriversRequestQueueArrivesWholeAndInOrder() {
        // r2dbc-postgresql fails statements beyond 256 waiting for their answers: without the adapter's own queue,
        // most of such a burst was lost
        int burst = 600;
        for (int i = 0; i < burst; i++) {
            a.server.to("room-ac").emit("burst", i);
        }
        for (int i = 0; i < burst; i++) {
            assertThat(npm.awaitEvent("onC", "burst").get("args").get(0).asInt()).isEqualTo(i);
        }
    }

    @Test
    void broadcastFromOneNodeReachesClientsOfEveryNode() {
        a.server.emit("news", "from A", 1);

        assertThat(npm.awaitEvent("onA", "news").get("args").get(0).asString()).isEqualTo("from A");
        assertThat(npm.awaitEvent("onC", "news").get("args").get(0).asString()).isEqualTo("from A");
        assertThat(java.awaitEvent("news", WAIT).args()).containsExactly("from A", 1);
    }

    @Test
    void roomBroadcastWithExceptCrossesNodes() {
        b.server.to("room-ac", "room-b").except("room-b").emit("rooms", "only A and C");

        assertThat(npm.awaitEvent("onA", "rooms").get("args").get(0).asString()).isEqualTo("only A and C");
        assertThat(npm.awaitEvent("onC", "rooms").get("args").get(0).asString()).isEqualTo("only A and C");
        c.server.to("room-b").emit("rooms-b", "only B");
        assertThat(java.awaitEvent("rooms-b", WAIT).args()).containsExactly("only B");
        assertThat(java.history()).noneMatch(received -> received.event().equals("rooms"));
    }

    @Test
    void binaryBroadcastGoesThroughAnAttachmentRow() {
        byte[] bytes = { 0, 1, 2, (byte) 255 };
        long before = attachmentsInserted();

        b.server.emit("binary", "bytes", bytes);

        assertThat(TestJson.bytes(npm.awaitEvent("onA", "binary").get("args").get(1))).containsExactly(bytes);
        assertThat(TestJson.bytes(npm.awaitEvent("onC", "binary").get("args").get(1))).containsExactly(bytes);
        assertThat(attachmentsInserted()).isGreaterThan(before);
    }

    @Test
    void payloadOf100KilobytesGoesThroughTheAttachmentsTableAndIsCleanedUp() {
        String big = "x".repeat(100_000);
        long before = attachmentsInserted();

        c.server.emit("big", big);

        assertThat(npm.awaitEvent("onA", "big").get("args").get(0).asString()).isEqualTo(big);
        assertThat(java.awaitEvent("big", WAIT).args()).containsExactly(big);
        assertThat(attachmentsInserted()).isGreaterThan(before);
        // rows older than the 3 s cleanup interval are deleted by the next cleanup
        await().atMost(Duration.ofSeconds(15)).pollInterval(200, TimeUnit.MILLISECONDS)
                .until(() -> postgres.psql("SELECT count(*) FROM socket_io_attachments").equals("0"));
    }

    @Test
    void broadcastWithAckCollectsAnswersFromEveryNode() {
        List<JsonNode> answers = a.server.timeout(Duration.ofSeconds(5)).emitWithAck("question", "?").join();

        assertThat(answers).map(JsonNode::asString)
                .containsExactlyInAnyOrder("answer-from-onA", "answer-from-onB", "answer-from-onC");
    }

    @Test
    void fetchSocketsReturnsTheSocketsOfEveryNode() {
        List<RemoteSocket> sockets = c.server.fetchSockets().join();

        assertThat(sockets).extracting(socket -> socket.data().get("node"))
                .containsExactlyInAnyOrder("A", "B", "C");
        assertThat(sockets).filteredOn(socket -> "B".equals(socket.data().get("node"))).singleElement()
                .satisfies(socket -> assertThat(socket.rooms()).contains("room-b"));
        assertThat(a.server.in("room-ac").fetchSockets().join()).extracting(socket -> socket.data().get("node"))
                .containsExactlyInAnyOrder("A", "C");
    }

    @Test
    void socketsJoinAndLeaveApplyOnEveryNode() {
        a.server.in("room-b").socketsJoin("joined-remotely").join();
        b.awaitLocalRoomSize("joined-remotely", 1);
        c.server.to("joined-remotely").emit("after-join", 1);
        assertThat(java.awaitEvent("after-join", WAIT).args()).containsExactly(1);

        c.server.in("room-b").socketsLeave("joined-remotely").join();
        b.awaitLocalRoomSize("joined-remotely", 0);
    }

    @Test
    void serverSideEmitReachesTheOtherNodesAndCollectsTheirAcks() {
        a.server.serverSideEmit("ping", "no ack");
        await().atMost(WAIT).until(() -> received(b, "no ack") && received(c, "no ack"));
        assertThat(received(a, "no ack")).as("the sender does not receive its own server-side event").isFalse();

        List<JsonNode> answers = b.server.serverSideEmitWithAck(Duration.ofSeconds(5), "ping", "with ack").join();
        assertThat(answers).map(JsonNode::asString).containsExactlyInAnyOrder("pong-A", "pong-C");
    }

    @Test
    void javaEmitterReachesClientsOfEveryNode() {
        PostgresEmitter emitter = a.emitter();

        emitter.emit("from-emitter", "hi", new byte[] { 7 }).join();
        emitter.to("room-b").emit("emitter-room", "b only").join();

        assertThat(npm.awaitEvent("onA", "from-emitter").get("args").get(0).asString()).isEqualTo("hi");
        assertThat(TestJson.bytes(npm.awaitEvent("onC", "from-emitter").get("args").get(1))).containsExactly(7);
        assertThat(java.awaitEvent("from-emitter", WAIT).args().get(0)).isEqualTo("hi");
        assertThat(java.awaitEvent("emitter-room", WAIT).args()).containsExactly("b only");

        emitter.serverSideEmit("ping", "from emitter").join();
        await().atMost(WAIT).until(() -> a.serverSideEvents.stream().anyMatch(
                args -> args.get(0).asString().equals("from emitter")));
    }

    @Test
    void disconnectSocketsCrossesNodesAndLastOfAll() {
        NodeSocketIoClient extra = NodeSocketIoClient.start();
        try (extra) {
            extra.connect("victim", a.url("/"), Map.of("reconnection", false));
            extra.awaitConnect("victim");
            assertThat(extra.emitWithAck("victim", "join", WAIT, "doomed").get(0).asString()).isEqualTo("joined");

            c.server.in("doomed").disconnectSockets(false).join();

            assertThat(extra.awaitDisconnect("victim", WAIT).get("reason").asString())
                    .isEqualTo("io server disconnect");
        }
    }

    @Test
    void namespaceWhoseChannelPassesPostgresIdentifierLimitIsRefused() {
        String longName = "/" + "n".repeat(54); // "socket.io#" (10 bytes) + 55 = 65 bytes > 63

        assertThatThrownBy(() -> a.server.of(longName))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(longName)
                .hasMessageContaining("63 bytes");
        assertThatThrownBy(() -> a.emitter().of(longName))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("63 bytes");
        // 63 bytes exactly is fine
        assertThat(a.server.of("/" + "n".repeat(52)).name()).hasSize(53);
    }

    private static boolean received(PostgresNode node, String firstArg) {
        return node.serverSideEvents.stream().anyMatch(args -> args.get(0).asString().equals(firstArg));
    }

    private long attachmentsInserted() {
        return Long.parseLong(postgres.psql(
                "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM socket_io_attachments_id_seq"));
    }
}
