package dev.socketeer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.NodeSocketIoClient.AckReply;
import dev.socketeer.test.NodeSocketIoServer;
import dev.socketeer.test.TestJson;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The npm {@code socket.io-client} 4.8 against a Spring Boot application set up by the
 * auto-configuration: everything an application relies on, over every transport.
 */
class NodeClientEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final E2eHandlers HANDLERS = new E2eHandlers();
    private static SocketIoApp app;
    private static NodeSocketIoClient clients;

    @BeforeAll
    static void startApp() {
        app = SocketIoApp.start(HANDLERS);
        clients = NodeSocketIoClient.start();
    }

    @AfterAll
    static void stopApp() {
        if (clients != null) {
            clients.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private final java.util.List<String> opened = new java.util.ArrayList<>();

    @AfterEach
    void disconnectClients() {
        opened.forEach(clients::disconnect);
        clients.sync();
        // The next test starts from a server without sockets, so broadcasts reach only its own clients.
        await().atMost(WAIT).until(HANDLERS.sockets::isEmpty);
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(value -> out.add(value.asString()));
        return out;
    }

    private String connect(String namespace, Map<String, ?> options) {
        return connect(namespace, options, Map.of());
    }

    private String connect(String namespace, Map<String, ?> options, Map<String, AckReply> acks) {
        String name = "c" + NAMES.incrementAndGet();
        clients.connect(name, app.url(namespace), options, acks);
        opened.add(name);
        return name;
    }

    private static Map<String, Object> transports(String transports) {
        return switch (transports) {
            case "polling" -> Map.of("transports", List.of("polling"));
            case "websocket" -> Map.of("transports", List.of("websocket"));
            default -> Map.of();
        };
    }

    // ---- transports and payloads

    @ParameterizedTest
    @ValueSource(strings = { "polling", "websocket", "upgrade" })
    void mixedTypeAndUnicodePayloadsRoundTripUnchanged(String transport) {
        String c = connect("/", transports(transport));
        JsonNode connected = clients.awaitConnect(c);
        if (transport.equals("upgrade")) {
            assertThat(clients.awaitUpgrade(c, WAIT).get("transport").asString()).isEqualTo("websocket");
        } else {
            assertThat(connected.get("transport").asString()).isEqualTo(transport);
        }
        Map<String, Object> nested = Map.of("a", List.of(1, List.of(2, Map.of("b", "c"))), "empty", Map.of(),
                "none", List.of());
        Object[] payload = { "é日本😀\u2028\u2029\"\\/\u0000", 42, -7, 3.14159, 9_007_199_254_740_991L, true, false, null,
                nested, List.of("x", 1, List.of()) };

        clients.emit(c, "echo", payload);
        JsonNode echoed = clients.awaitEvent(c, "echo-back", WAIT).get("args");
        assertThat(echoed).isEqualTo(TestJson.arrayOf(payload));

        ArrayNode acked = clients.emitWithAck(c, "echo-ack", WAIT, payload);
        assertThat((JsonNode) acked).isEqualTo(TestJson.arrayOf(payload));
    }

    /** {@code socket.handshake} as the Node reference server fills it in, for the same client and request. */
    @ParameterizedTest
    @ValueSource(strings = { "polling", "websocket" })
    void handshakeMatchesTheReferenceServers(String transport) {
        Map<String, Object> options = new HashMap<>(transports(transport));
        options.put("query", Map.of("room", "r1"));
        String c = connect("/", options);
        clients.awaitConnect(c);
        JsonNode ours = clients.emitWithAck(c, "handshake", WAIT).get(0);
        JsonNode theirs;
        try (NodeSocketIoServer reference = NodeSocketIoServer.start()) {
            String r = "c" + NAMES.incrementAndGet();
            clients.connect(r, reference.url("/"), options, Map.of());
            clients.awaitConnect(r);
            theirs = clients.emitWithAck(r, "handshake", WAIT).get(0);
            clients.disconnect(r);
        }
        assertThat(ours.get("address")).isEqualTo(theirs.get("address"));
        assertThat(ours.get("xdomain")).isEqualTo(theirs.get("xdomain"));
        assertThat(ours.get("secure")).isEqualTo(theirs.get("secure"));
        // the same request but for the cache-busting timestamp of polling requests
        assertThat(withoutTimestamp(ours.get("url").asString())).isEqualTo(withoutTimestamp(theirs.get("url").asString()));
        assertThat(((ObjectNode) ours.get("query")).without("t"))
                .isEqualTo(((ObjectNode) theirs.get("query")).without("t"));
        assertThat(Math.abs(ours.get("issued").asLong() - System.currentTimeMillis())).isLessThan(60_000);
        // JavaScript's Date string of the same instant, in the same time zone
        Pattern date = Pattern.compile(
                "[A-Z][a-z]{2} [A-Z][a-z]{2} \\d{2} \\d{4} \\d{2}:\\d{2}:\\d{2} (GMT[+-]\\d{4} \\(.+\\))");
        Matcher ourTime = date.matcher(ours.get("time").asString());
        Matcher theirTime = date.matcher(theirs.get("time").asString());
        assertThat(ourTime.matches()).as(ours.get("time").asString()).isTrue();
        assertThat(theirTime.matches()).as(theirs.get("time").asString()).isTrue();
        assertThat(ourTime.group(1)).isEqualTo(theirTime.group(1));
        String ourIssued = DateTimeFormatter.ofPattern("EEE MMM dd yyyy HH:mm:ss", Locale.US)
                .format(Instant.ofEpochMilli(ours.get("issued").asLong()).atZone(ZoneId.systemDefault()));
        assertThat(ours.get("time").asString()).startsWith(ourIssued);
    }

    private static String withoutTimestamp(String url) {
        return url.replaceAll("&t=[^&]*", "");
    }

    @ParameterizedTest
    @ValueSource(strings = { "polling", "websocket" })
    void serverGeneratedValuesArriveAsJavaScriptSeesThem(String transport) {
        String c = connect("/", transports(transport));
        clients.awaitConnect(c);
        ArrayNode values = clients.emitWithAck(c, "generated", WAIT);
        assertThat(values.get(0).asString()).isEqualTo("é日本😀\u2028\u2029");
        assertThat(values.get(1).asLong()).isEqualTo(9_007_199_254_740_991L);
        assertThat(values.get(2).asLong()).isEqualTo(9_007_199_254_740_991L);
        assertThat(values.get(3).asDouble()).isEqualTo(3.25);
        assertThat(values.get(4).asBoolean()).isTrue();
        assertThat(values.get(5).toString()).isEqualTo("{\"list\":[1,\"two\",[3.5,false]],\"nothing\":null}");
    }

    @ParameterizedTest
    @ValueSource(strings = { "polling", "websocket" })
    void binaryTravelsBothWaysTopLevelNestedSeveralAndInAcks(String transport) {
        String c = connect("/", transports(transport));
        clients.awaitConnect(c);
        byte[] first = { 0, 1, 2, (byte) 255 };
        byte[] second = new byte[70_000];
        second[69_999] = 42;
        Map<String, Object> nested = Map.of("deep", List.of(Map.of("bytes", second)));

        clients.emit(c, "echo", first, nested, "tail");
        JsonNode echoed = clients.awaitEvent(c, "echo-back", WAIT).get("args");
        assertThat(TestJson.bytes(echoed.get(0))).containsExactly(first);
        assertThat(TestJson.bytes(echoed.get(1).get("deep").get(0).get("bytes"))).isEqualTo(second);
        assertThat(echoed.get(2).asString()).isEqualTo("tail");

        ArrayNode acked = clients.emitWithAck(c, "echo-ack", WAIT, first, List.of(second, first));
        assertThat(TestJson.bytes(acked.get(0))).containsExactly(first);
        assertThat(TestJson.bytes(acked.get(1).get(0))).isEqualTo(second);

        clients.emit(c, "binary-out");
        JsonNode out = clients.awaitEvent(c, "binary", WAIT).get("args");
        assertThat(TestJson.bytes(out.get(0))).containsExactly(1, 2, 3);
        assertThat(TestJson.bytes(out.get(1).get("nested"))).containsExactly(4, 5);
        assertThat(TestJson.bytes(out.get(1).get("list").get(0))).containsExactly(6);
        assertThat(out.get(1).get("list").get(1).asString()).isEqualTo("x");
        assertThat(TestJson.bytes(out.get(1).get("list").get(2))).containsExactly(7, 8);
        assertThat(out.get(2).asString()).isEqualTo("text");

        ArrayNode binaryAck = clients.emitWithAck(c, "binary-ack", WAIT);
        assertThat(TestJson.bytes(binaryAck.get(0))).containsExactly(9, 8, 7);
        assertThat(TestJson.bytes(binaryAck.get(1).get("inner"))).containsExactly(6);
    }

    // ---- acknowledgements

    @Test
    void serverAsksClientForAckAndGetsTheAnswer() {
        String c = connect("/", Map.of(), Map.of("question", AckReply.of("answer", 1)));
        clients.awaitConnect(c);
        ArrayNode result = clients.emitWithAck(c, "ask", WAIT, 2000);
        assertThat(result.get(0).toString()).isEqualTo("{\"answer\":[\"answer\",1]}");
    }

    @Test
    void serverAckToClientThatNeverAnswersTimesOut() {
        String c = connect("/", Map.of());
        clients.awaitConnect(c);
        ArrayNode result = clients.emitWithAck(c, "ask", WAIT, 200);
        assertThat(result.get(0).get("error").asString()).isEqualTo("operation has timed out");
        assertThat(clients.awaitEvent(c, "question", WAIT).get("ackRequested").asBoolean()).isTrue();
    }

    @Test
    void clientAckToServerThatNeverAnswersTimesOut() {
        String c = connect("/", Map.of());
        clients.awaitConnect(c);
        long request = clients.sendWithAck(c, "nobody-answers", Duration.ofMillis(300));
        JsonNode report = clients.awaitAckReport(request, WAIT);
        assertThat(report.get("type").asString()).isEqualTo("ack_error");
        assertThat(report.get("message").asString()).isEqualTo("operation has timed out");
    }

    @Test
    void broadcastWithAckCollectsEveryAnswerAndPartialAnswersOnTimeout() {
        String a = connect("/chat", Map.of(), Map.of("poll", AckReply.of("yes")));
        String b = connect("/chat", Map.of("transports", List.of("polling")), Map.of("poll", AckReply.of("no")));
        clients.awaitConnect(a);
        clients.awaitConnect(b);
        ArrayNode all = clients.emitWithAck(a, "ask-all", WAIT, 3000);
        assertThat(all.get(0).toString()).isEqualTo("{\"answers\":[\"no\",\"yes\"]}");

        String silent = connect("/chat", Map.of());
        clients.awaitConnect(silent);
        ArrayNode partial = clients.emitWithAck(a, "ask-all", WAIT, 300);
        assertThat(partial.get(0).get("error").asString()).isEqualTo("operation has timed out");
        assertThat(partial.get(0).get("answers").toString()).isEqualTo("[\"no\",\"yes\"]");
    }

    // ---- rooms and broadcasts

    @Test
    void roomsExceptAndBroadcastReachExactlyTheirTargets() {
        String a = connect("/chat", Map.of());
        String b = connect("/chat", Map.of("transports", List.of("polling")));
        String c = connect("/chat", Map.of("transports", List.of("websocket")));
        String aId = clients.awaitConnect(a).get("sid").asString();
        clients.awaitConnect(b);
        clients.awaitConnect(c);
        assertThat(strings(clients.emitWithAck(a, "join", WAIT, "red").get(0))).containsExactlyInAnyOrder(aId, "red");
        clients.emitWithAck(b, "join", WAIT, "red");
        clients.emitWithAck(c, "join", WAIT, "blue");

        clients.emit(a, "to-room", "red", "to red");
        assertThat(clients.awaitEvent(b, "room-msg", WAIT).get("args").get(0).asString()).isEqualTo("to red");
        clients.emit(a, "broadcast", "to all");
        assertThat(clients.awaitEvent(b, "broadcast-msg", WAIT).get("args").get(0).asString()).isEqualTo("to all");
        assertThat(clients.awaitEvent(c, "broadcast-msg", WAIT).get("args").get(0).asString()).isEqualTo("to all");
        clients.emit(c, "all-except", "red", "not red");
        assertThat(clients.awaitEvent(c, "except-msg", WAIT).get("args").get(0).asString()).isEqualTo("not red");

        clients.assertNoEvent(a, "room-msg", Duration.ofMillis(300));
        clients.assertNoEvent(c, "room-msg", Duration.ZERO);
        clients.assertNoEvent(a, "broadcast-msg", Duration.ZERO);
        clients.assertNoEvent(a, "except-msg", Duration.ZERO);
        clients.assertNoEvent(b, "except-msg", Duration.ZERO);

        clients.emitWithAck(b, "leave", WAIT, "red");
        clients.emit(c, "to-room", "red", "again");
        assertThat(clients.awaitEvent(a, "room-msg", WAIT).get("args").get(0).asString()).isEqualTo("again");
        clients.assertNoEvent(b, "room-msg", Duration.ofMillis(300));
    }

    @Test
    void broadcastsOfEverySizeReachEveryClientIntactWhateverTheFrameHeader() {
        // websocket recipients write one frame built per broadcast (see SharedFrames); polling ones the usual way
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            names.add(connect("/", Map.of("transports", List.of("websocket"))));
        }
        names.add(connect("/", Map.of("transports", List.of("polling"))));
        names.forEach(clients::awaitConnect);
        // the frame payload is 4 + 2["sized","<s>"], 14 characters around s: lengths on both sides of the 7-bit,
        // 16-bit and 64-bit length forms and of the largest shared frame (16 KiB)
        List<Integer> lengths = List.of(0, 1, 110, 111, 112, 113, 16_369, 16_370, 16_371, 65_520, 65_521, 65_522,
                100_000);
        for (int length : lengths) {
            HANDLERS.server.emit("sized", "é".repeat(length % 3) + "x".repeat(length - length % 3));
        }
        HANDLERS.server.emit("sized-binary", new byte[] { 1, 2, 3 });
        HANDLERS.server.emit("sized-binary", new byte[200]);
        for (String name : names) {
            for (int length : lengths) {
                String text = clients.awaitEvent(name, "sized", WAIT).get("args").get(0).asString();
                assertThat(text).as("%s, %d characters", name, length)
                        .isEqualTo("é".repeat(length % 3) + "x".repeat(length - length % 3));
            }
            assertThat(TestJson.bytes(clients.awaitEvent(name, "sized-binary", WAIT).get("args").get(0)))
                    .containsExactly(1, 2, 3);
            assertThat(TestJson.bytes(clients.awaitEvent(name, "sized-binary", WAIT).get("args").get(0)))
                    .hasSize(200).containsOnly(0);
        }
    }

    @Test
    void fetchSocketsSocketsJoinSocketsLeaveAndDisconnectSocketsActOnTheMatchingSockets() {
        String a = connect("/chat", Map.of());
        String b = connect("/chat", Map.of("transports", List.of("polling")));
        String aId = clients.awaitConnect(a).get("sid").asString();
        String bId = clients.awaitConnect(b).get("sid").asString();
        clients.emitWithAck(a, "join", WAIT, "green");
        clients.emitWithAck(b, "join", WAIT, "green");

        JsonNode fetched = clients.emitWithAck(a, "fetch", WAIT, "green").get(0);
        assertThat(fetched).hasSize(2);
        assertThat(fetched.findValuesAsString("id")).containsExactlyInAnyOrder(aId, bId);

        assertThat(clients.emitWithAck(a, "sockets-join", WAIT, "green", "yellow").get(0).asString()).isEqualTo("done");
        assertThat(clients.emitWithAck(a, "fetch", WAIT, "yellow").get(0).findValuesAsString("id"))
                .containsExactlyInAnyOrder(aId, bId);
        clients.emitWithAck(a, "sockets-leave", WAIT, bId, "yellow");
        assertThat(clients.emitWithAck(a, "fetch", WAIT, "yellow").get(0).findValuesAsString("id"))
                .containsExactly(aId);

        clients.emit(a, "disconnect-room", bId);
        assertThat(clients.awaitDisconnect(b, WAIT).get("reason").asString()).isEqualTo("io server disconnect");
        await().atMost(WAIT).until(() -> HANDLERS.disconnectReasons.containsKey(bId));
        assertThat(HANDLERS.disconnectReasons.get(bId)).isEqualTo("server namespace disconnect");
        assertThat(clients.state(a).get("connected").asBoolean()).isTrue();
    }

    // ---- namespaces

    @Test
    void dynamicNamespacesAreCreatedOnDemandAndUnknownOnesRefused() {
        String dyn = connect("/dyn-42", Map.of());
        clients.awaitConnect(dyn);
        assertThat(clients.awaitEvent(dyn, "hello", WAIT).get("args").get(0).asString()).isEqualTo("/dyn-42");
        assertThat(app.server().namespaceNames()).contains("/dyn-42");

        String unknown = connect("/dyn-x", Map.of("reconnection", false));
        assertThat(clients.awaitConnectError(unknown, WAIT).get("message").asString()).isEqualTo("Invalid namespace");
        opened.remove(unknown);
    }

    @Test
    void severalNamespacesShareOneConnection() {
        String main = connect("/", Map.of("forceNew", false, "query", Map.of("m", "1")));
        String chat = connect("/chat", Map.of("forceNew", false));
        clients.awaitConnect(main);
        clients.awaitConnect(chat);
        ArrayNode mainIds = clients.emitWithAck(main, "engine-id", WAIT);
        ArrayNode chatIds = clients.emitWithAck(chat, "engine-id", WAIT);
        assertThat(chatIds.get(0)).isEqualTo(mainIds.get(0));
        assertThat(chatIds.get(1)).isNotEqualTo(mainIds.get(1));
        assertThat(mainIds.get(2).asString()).isEqualTo("/");
        assertThat(chatIds.get(2).asString()).isEqualTo("/chat");

        clients.disconnect(chat);
        assertThat(clients.awaitDisconnect(chat, WAIT).get("reason").asString()).isEqualTo("io client disconnect");
        opened.remove(chat);
        String chatId = chatIds.get(1).asString();
        await().atMost(WAIT).until(() -> HANDLERS.disconnectReasons.containsKey(chatId));
        assertThat(HANDLERS.disconnectReasons.get(chatId)).isEqualTo("client namespace disconnect");
        assertThat(clients.emitWithAck(main, "engine-id", WAIT).get(0)).isEqualTo(mainIds.get(0));
    }

    @Test
    void middlewareRefusalReachesTheClientWithMessageAndData() {
        String refused = connect("/guarded", Map.of("reconnection", false, "auth", Map.of("token", "bad")));
        JsonNode error = clients.awaitConnectError(refused, WAIT);
        assertThat(error.get("message").asString()).isEqualTo("not authorized");
        assertThat(error.get("data").get("code").asInt()).isEqualTo(401);
        assertThat(error.get("data").get("hint").asString()).isEqualTo("send a token");
        opened.remove(refused);

        String allowed = connect("/guarded", Map.of("auth", Map.of("token", "ok")));
        clients.awaitConnect(allowed);
    }

    // ---- listeners and flags

    @Test
    void catchAllListenersSeeIncomingAndOutgoingEvents() {
        String c = connect("/", Map.of());
        clients.awaitConnect(c);
        clients.emit(c, "first", 1);
        clients.emitWithAck(c, "echo-ack", WAIT, 2);
        ArrayNode logs = clients.emitWithAck(c, "catch-all", WAIT);
        assertThat(logs.get(0).toString()).isEqualTo("[\"first\",\"echo-ack\",\"catch-all\"]");
        assertThat(logs.get(1).toString()).isEqualTo("[\"outgoing-probe\"]");
        clients.awaitEvent(c, "outgoing-probe", WAIT);
    }

    @Test
    void disconnectingListenerStillSeesTheRooms() {
        String c = connect("/chat", Map.of());
        String id = clients.awaitConnect(c).get("sid").asString();
        clients.emitWithAck(c, "join", WAIT, "kept");
        clients.disconnect(c);
        opened.remove(c);
        await().atMost(WAIT).until(() -> HANDLERS.roomsWhileDisconnecting.containsKey(id));
        assertThat(HANDLERS.roomsWhileDisconnecting.get(id)).containsExactlyInAnyOrder(id, "kept");
    }

    @ParameterizedTest
    @ValueSource(strings = { "polling", "websocket" })
    void volatilePacketsMayBeDroppedButNeverReorderOrBlockTheRest(String transport) {
        String c = connect("/", transports(transport));
        clients.awaitConnect(c);
        clients.emit(c, "volatile");
        clients.awaitEvent(c, "after-volatile", WAIT);
        List<Integer> received = clients.reports().stream()
                .filter(r -> "event".equals(r.path("type").asString("")) && c.equals(r.path("client").asString(""))
                        && "v".equals(r.path("event").asString("")))
                .map(r -> r.get("args").get(0).asInt()).toList();
        if (transport.equals("websocket")) {
            assertThat(received).containsExactly(1, 2);
        } else {
            // The first volatile packet fills the pending poll; the second finds no poll and is dropped.
            assertThat(received).isSubsetOf(1).doesNotContain(2);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "polling", "websocket" })
    void broadcastsAndDirectEmitsFromAnApplicationThreadArriveInCallOrder(String transport) {
        String c = connect("/", transports(transport));
        clients.awaitConnect(c);
        int count = 3000;
        clients.emit(c, "interleave", count);
        clients.awaitEvent(c, "seq-done", Duration.ofSeconds(30));
        assertThat(received(c, "seq")).as("reports of %s other than its events: %s", c,
                reportsOf(c).stream().filter(r -> !"event".equals(r.path("type").asString(""))).toList())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, count).boxed().toList());
    }

    @Test
    void framesFromAnApplicationThreadAllArriveBeforeItsDisconnect() {
        String c = connect("/", transports("websocket"));
        clients.awaitConnect(c);
        clients.emit(c, "interleave", 50, true);
        clients.awaitDisconnect(c, WAIT);
        clients.sync();
        assertThat(received(c, "seq")).as("every report of %s: %s", c, reportsOf(c))
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 50).boxed().toList());
    }

    private List<JsonNode> reportsOf(String client) {
        return clients.reports().stream().filter(r -> client.equals(r.path("client").asString("")) || !r.has("client"))
                .toList();
    }

    private List<Integer> received(String client, String event) {
        return clients.reports().stream()
                .filter(r -> "event".equals(r.path("type").asString("")) && client.equals(r.path("client").asString(""))
                        && event.equals(r.path("event").asString("")))
                .map(r -> r.get("args").get(0).asInt()).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = { "polling", "websocket" })
    void compressFlagLeavesContentIntact(String transport) {
        String c = connect("/", transports(transport));
        clients.awaitConnect(c);
        clients.emit(c, "compressed");
        assertThat(clients.awaitEvent(c, "c", WAIT).get("args").get(0).asString()).isEqualTo("plain");
        assertThat(clients.awaitEvent(c, "c", WAIT).get("args").get(0).asString()).isEqualTo("x".repeat(4096));
    }
}
