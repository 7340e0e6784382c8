package dev.socketeer.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.socketeer.test.NodeSocketIoClient.AckReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/** Proves the Node client harness against the Node reference server (socket.io 4.8.4). */
class NodeSocketIoClientTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static NodeSocketIoServer server;

    private NodeSocketIoClient clients;

    @BeforeAll
    static void startServer() {
        server = NodeSocketIoServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void startClients() {
        clients = NodeSocketIoClient.start();
    }

    @AfterEach
    void stopClients() {
        clients.close();
    }

    @Test
    void connectReportsSocketIdAndUpgradesToWebSocket() {
        clients.connect("c1", server.url("/"));

        JsonNode connect = clients.awaitConnect("c1", WAIT);
        JsonNode welcome = clients.awaitEvent("c1", "welcome", WAIT);

        assertThat(connect.get("sid").asString()).isNotBlank().isEqualTo(welcome.get("args").get(0).get("sid").asString());
        assertThat(connect.get("recovered").asBoolean()).isFalse();
        assertThat(clients.awaitUpgrade("c1", WAIT).get("transport").asString()).isEqualTo("websocket");
        server.awaitReport(r -> "connection".equals(r.path("type").asString())
                && connect.get("sid").asString().equals(r.path("sid").asString()), WAIT, "the server-side connection");
    }

    @Test
    void connectsWithWebSocketOnlyAndSendsAuth() {
        clients.connect("c1", server.url("/"),
                Map.of("transports", List.of("websocket"), "auth", Map.of("user", "ada")));

        assertThat(clients.awaitConnect("c1", WAIT).get("transport").asString()).isEqualTo("websocket");
        JsonNode welcome = clients.awaitEvent("c1", "welcome", WAIT).get("args").get(0);
        assertThat(welcome.get("auth").get("user").asString()).isEqualTo("ada");
        assertThat(welcome.get("query").get("transport").asString()).isEqualTo("websocket");
    }

    @Test
    void emitsTravelBothWaysWithTheirArguments() {
        clients.connect("c1", server.url("/"));
        clients.awaitConnect("c1", WAIT);

        clients.emit("c1", "message", 1, "two", Map.of("three", 3), List.of(4, 5), null, true);

        JsonNode args = clients.awaitEvent("c1", "message-back", WAIT).get("args");
        assertThat(args).hasSize(6);
        assertThat(args.get(0).asInt()).isEqualTo(1);
        assertThat(args.get(1).asString()).isEqualTo("two");
        assertThat(args.get(2).get("three").asInt()).isEqualTo(3);
        assertThat(args.get(3).get(1).asInt()).isEqualTo(5);
        assertThat(args.get(4).isNull()).isTrue();
        assertThat(args.get(5).asBoolean()).isTrue();
    }

    @Test
    void binaryTravelsBothWaysAtTopLevelAndNested() {
        clients.connect("c1", server.url("/"), Map.of("transports", List.of("polling")));
        clients.awaitConnect("c1", WAIT);
        byte[] first = { 0, 1, 2, (byte) 255 };
        byte[] nested = new byte[1000];
        for (int i = 0; i < nested.length; i++) {
            nested[i] = (byte) i;
        }

        clients.emit("c1", "message", first, Map.of("file", nested, "name", "n.bin"));

        JsonNode report = clients.awaitEvent("c1", "message-back", WAIT);
        assertThat(TestJson.bytes(report.get("args").get(0))).containsExactly(first);
        assertThat(TestJson.bytes(report.get("args").get(1).get("file"))).containsExactly(nested);
        assertThat(report.get("args").get(1).get("name").asString()).isEqualTo("n.bin");
    }

    @Test
    void clientAcksReturnTheServersReply() {
        clients.connect("c1", server.url("/"));
        clients.awaitConnect("c1", WAIT);

        ArrayNode reply = clients.emitWithAck("c1", "message-with-ack", WAIT, "a", new byte[] { 7, 8 });

        assertThat(reply.get(0).asString()).isEqualTo("a");
        assertThat(TestJson.bytes(reply.get(1))).containsExactly(7, 8);
    }

    @Test
    void clientAckWithTimeoutReportsAnErrorWhenTheServerNeverAnswers() {
        clients.connect("c1", server.url("/"));
        clients.awaitConnect("c1", WAIT);

        long id = clients.sendWithAck("c1", "no-such-handler", Duration.ofMillis(200), 1);

        JsonNode report = clients.awaitAckReport(id, WAIT);
        assertThat(report.get("type").asString()).isEqualTo("ack_error");
        assertThat(report.get("message").asString()).contains("timed out");
    }

    @Test
    void serverAckRequestsAreAnsweredByRuleOrByTheTest() {
        clients.connect("c1", server.url("/"), Map.of(), Map.of("echo-me", AckReply.echo(), "fixed", AckReply.of("ok", 42)));
        clients.awaitConnect("c1", WAIT);

        clients.emit("c1", "request-ack", "echo-me", List.of("x", new byte[] { 9 }));
        JsonNode echoed = clients.awaitEvent("c1", "ack-result", WAIT).get("args");
        assertThat(echoed.get(0).asString()).isEqualTo("x");
        assertThat(TestJson.bytes(echoed.get(1))).containsExactly(9);

        clients.emit("c1", "request-ack", "fixed", List.of());
        JsonNode fixed = clients.awaitEvent("c1", "ack-result", WAIT).get("args");
        assertThat(fixed.get(0).asString()).isEqualTo("ok");
        assertThat(fixed.get(1).asInt()).isEqualTo(42);

        clients.emit("c1", "request-ack", "manual", List.of(1));
        JsonNode request = clients.awaitEvent("c1", "manual", WAIT);
        assertThat(request.get("ackRequested").asBoolean()).isTrue();
        clients.ack("c1", request.get("ackId").asLong(), "later", new byte[] { 1, 2, 3 });
        JsonNode manual = clients.awaitEvent("c1", "ack-result", WAIT).get("args");
        assertThat(manual.get(0).asString()).isEqualTo("later");
        assertThat(TestJson.bytes(manual.get(1))).containsExactly(1, 2, 3);

        clients.replyToAcks("c1", "late-rule", "from-rule");
        clients.emit("c1", "request-ack", "late-rule", List.of());
        assertThat(clients.awaitEvent("c1", "ack-result", WAIT).get("args").get(0).asString()).isEqualTo("from-rule");
    }

    @Test
    void namespacesConnectSeparatelyAndUnknownOrGuardedOnesAreRefused() {
        clients.connect("custom", server.url("/custom"));
        clients.connect("unknown", server.url("/unknown"));
        clients.connect("guarded", server.url("/private"));
        clients.connect("allowed", server.url("/private"), Map.of("auth", Map.of("token", "secret")));

        clients.awaitConnect("custom", WAIT);
        assertThat(clients.awaitEvent("custom", "welcome", WAIT).get("args").get(0).get("nsp").asString())
                .isEqualTo("/custom");
        assertThat(clients.awaitConnectError("unknown", WAIT).get("message").asString()).isEqualTo("Invalid namespace");
        JsonNode refused = clients.awaitConnectError("guarded", WAIT);
        assertThat(refused.get("message").asString()).isEqualTo("unauthorized");
        assertThat(refused.get("data").get("reason").asString()).contains("secret");
        clients.awaitConnect("allowed", WAIT);
    }

    @Test
    void roomBroadcastsReachMembersOnly() {
        clients.connect("member", server.url("/"));
        clients.connect("outsider", server.url("/"));
        clients.awaitConnect("member", WAIT);
        clients.awaitConnect("outsider", WAIT);

        ArrayNode rooms = clients.emitWithAck("member", "join", WAIT, "room1");
        assertThat(rooms.get(0).values()).extracting(JsonNode::asString).contains("room1");
        clients.emit("outsider", "to-room", "room1", "news", "hello");

        assertThat(clients.awaitEvent("member", "news", WAIT).get("args").get(0).asString()).isEqualTo("hello");
        clients.assertNoEvent("outsider", "news", Duration.ofMillis(300));
    }

    @Test
    void disconnectsAreReportedWithTheirReasonOnBothSides() {
        clients.connect("leaver", server.url("/"));
        clients.connect("kicked", server.url("/"));
        String leaverSid = clients.awaitConnect("leaver", WAIT).get("sid").asString();
        clients.awaitConnect("kicked", WAIT);

        clients.disconnect("leaver");
        clients.emit("kicked", "server-disconnect");

        assertThat(clients.awaitDisconnect("leaver", WAIT).get("reason").asString()).isEqualTo("io client disconnect");
        assertThat(clients.awaitDisconnect("kicked", WAIT).get("reason").asString()).isEqualTo("io server disconnect");
        server.awaitReport(r -> "disconnect".equals(r.path("type").asString())
                && leaverSid.equals(r.path("sid").asString())
                && "client namespace disconnect".equals(r.path("reason").asString()), WAIT, "the server-side disconnect");
        assertThat(clients.state("leaver").get("connected").asBoolean()).isFalse();
    }

    @Test
    void reconnectsAfterTheTransportCloses() {
        clients.connect("c1", server.url("/"), Map.of("reconnectionDelay", 50, "reconnectionDelayMax", 100));
        clients.awaitConnect("c1", WAIT);

        clients.closeTransport("c1");

        assertThat(clients.awaitDisconnect("c1", WAIT).get("reason").asString()).isEqualTo("transport close");
        clients.awaitReport("reconnect", "c1", WAIT);
        clients.awaitConnect("c1", WAIT);
    }

    @Test
    void driverErrorsFailTheAwaitWithTheirMessage() {
        clients.emit("nobody", "x");

        assertThatThrownBy(() -> clients.awaitConnect("nobody", WAIT))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("unknown client 'nobody'");
    }

    @Test
    void awaitTimesOutWithTheReportsSeenSoFar() {
        clients.connect("c1", server.url("/"));
        clients.awaitConnect("c1", WAIT);

        assertThatThrownBy(() -> clients.awaitEvent("c1", "never", Duration.ofMillis(200)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Timed out after 200 ms awaiting event 'never' at c1")
                .hasMessageContaining("welcome");
    }
}
