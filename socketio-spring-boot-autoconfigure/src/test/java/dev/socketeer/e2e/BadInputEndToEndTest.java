package dev.socketeer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.NodeSocketIoServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile or broken input at both protocol levels, from raw HTTP and WebSocket clients: each gets
 * the reference server's answer, and a well-behaved npm client connected alongside keeps receiving
 * broadcasts after every case (the leak extension fails the class if a buffer leaked).
 */
class BadInputEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int MAX_BUFFER = 10_000;
    private static final E2eHandlers HANDLERS = new E2eHandlers();
    private static final AtomicInteger BROADCASTS = new AtomicInteger();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(WAIT).build();
    private static SocketIoApp app;
    private static NodeSocketIoClient watcher;
    private static NodeSocketIoServer reference;

    @BeforeAll
    static void startApp() {
        app = SocketIoApp.start(HANDLERS, "socketio.max-http-buffer-size=" + MAX_BUFFER + "B");
        watcher = NodeSocketIoClient.start();
        watcher.connect("watcher", app.url("/"), Map.of("transports", List.of("websocket")));
        watcher.awaitConnect("watcher");
        reference = NodeSocketIoServer.start();
    }

    @AfterAll
    static void stopApp() {
        if (reference != null) {
            reference.close();
        }
        if (watcher != null) {
            watcher.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @AfterEach
    void otherClientStillReceivesBroadcasts() {
        int n = BROADCASTS.incrementAndGet();
        app.server().emit("alive", n);
        assertThat(watcher.awaitEvent("watcher", "alive", WAIT).get("args").get(0).asInt()).isEqualTo(n);
        assertThat(watcher.state("watcher").get("connected").asBoolean()).isTrue();
    }

    private static String serverReason(String socketId) {
        await().atMost(WAIT).until(() -> HANDLERS.disconnectReasons.containsKey(socketId));
        return HANDLERS.disconnectReasons.get(socketId);
    }

    private static String sid(String connectPacket) {
        assertThat(connectPacket).startsWith("40{\"sid\":\"");
        return connectPacket.substring(10, 30);
    }

    // ---- Socket.IO level, over WebSocket

    @ParameterizedTest
    @ValueSource(strings = { "48", "4x", "42[\"unterminated\"", "42{\"not\":\"an array\"}", "42[]", "42[\"connect\"]",
            "42[\"disconnecting\"]", "42[{\"name\":1}]", "42[null]", "42\"text\"", "431{\"not\":\"an array\"}",
            "41{\"no\":\"payload\"}", "45[\"no attachment count\"]", "4-1-[\"a\"]",
            "42[\"a\"]trailing" })
    void malformedPacketClosesTheConnectionWithForcedClose(String packet) {
        try (RawWebSocket ws = RawWebSocket.open(app.port())) {
            ws.send("40");
            String id = sid(ws.nextText());
            ws.send(packet);
            ws.awaitClosed();
            assertThat(serverReason(id)).isEqualTo("forced close");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "42/chat,[\"event for a namespace not joined\"]", "40", "43/chat,1[]",
            "44{\"from\":\"client\"}" })
    void packetBreakingTheNamespaceRulesClosesTheConnectionWithForcedServerClose(String packet) {
        try (RawWebSocket ws = RawWebSocket.open(app.port())) {
            ws.send("40");
            String id = sid(ws.nextText());
            ws.send(packet);
            ws.awaitClosed();
            assertThat(serverReason(id)).isEqualTo("forced server close");
        }
    }

    @Test
    void placeholderOutOfRangeClosesTheConnection() {
        assertBinaryViolationCloses(ws -> {
            ws.send("451-[\"a\",{\"_placeholder\":true,\"num\":5}]");
            ws.sendBinary(new byte[] { 1 });
        });
    }

    @Test
    void tooManyAttachmentsClosesTheConnection() {
        assertBinaryViolationCloses(ws -> ws.send("4511-[\"a\",{\"_placeholder\":true,\"num\":0}]"));
    }

    @Test
    void textWhileExpectingAnAttachmentClosesTheConnection() {
        assertBinaryViolationCloses(ws -> {
            ws.send("452-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
            ws.sendBinary(new byte[] { 1 });
            ws.send("42[\"b\"]");
        });
    }

    @Test
    void binaryWithNoPendingPacketClosesTheConnection() {
        assertBinaryViolationCloses(ws -> ws.sendBinary(new byte[] { 1, 2, 3 }));
    }

    @Test
    void wellFormedAttachmentsStillWorkOnTheSameServer() {
        try (RawWebSocket ws = RawWebSocket.open(app.port())) {
            ws.send("40");
            sid(ws.nextText());
            ws.send("452-1[\"echo-ack\",{\"_placeholder\":true,\"num\":0},{\"x\":{\"_placeholder\":true,\"num\":1}}]");
            ws.sendBinary(new byte[] { 7 });
            ws.sendBinary(new byte[] { 8, 9 });
            assertThat(ws.nextText()).isEqualTo("462-1[{\"_placeholder\":true,\"num\":0},{\"x\":{\"_placeholder\":true,\"num\":1}}]");
            assertThat((byte[]) ws.next()).containsExactly(7);
            assertThat((byte[]) ws.next()).containsExactly(8, 9);
        }
    }

    private void assertBinaryViolationCloses(java.util.function.Consumer<RawWebSocket> violation) {
        try (RawWebSocket ws = RawWebSocket.open(app.port())) {
            ws.send("40");
            String id = sid(ws.nextText());
            violation.accept(ws);
            ws.awaitClosed();
            assertThat(serverReason(id)).isEqualTo("forced close");
        }
    }

    // ---- Engine.IO level, over WebSocket

    // The reference ignores an open packet ("0{}") from a client; so do we.
    @ParameterizedTest
    @ValueSource(strings = { "9", "", "2" })
    void invalidEnginePacketClosesTheWebSocket(String packet) {
        try (RawWebSocket ws = RawWebSocket.open(app.port())) {
            ws.send("40");
            String id = sid(ws.nextText());
            ws.send(packet);
            ws.awaitClosed();
            assertThat(serverReason(id)).isIn("parse error", "transport error");
        }
    }

    @Test
    void webSocketMessageOverMaxHttpBufferSizeClosesThatConnectionOnly() {
        try (RawWebSocket ws = RawWebSocket.open(app.port())) {
            ws.send("40");
            String id = sid(ws.nextText());
            ws.send("42[\"echo\",\"" + "x".repeat(MAX_BUFFER) + "\"]");
            assertThat(ws.awaitClosed()).isEqualTo(1009);
            assertThat(serverReason(id)).isIn("transport error", "transport close");
        }
    }

    @Test
    void invalidUtf8InAWebSocketTextFrameClosesTheConnectionWith1007() throws IOException {
        String[] socketId = new String[1];
        try (RawFrames frames = RawFrames.connected(app.port(), WAIT, socketId)) {
            frames.send(RawFrames.TEXT, new byte[] { '4', '2', '[', '"', (byte) 0xC3, (byte) 0x28, '"', ']' });
            assertThat(frames.awaitClose()).isEqualTo(1007);
        }
        assertThat(serverReason(socketId[0])).isEqualTo("transport error");
    }

    /**
     * Broken WebSocket handshakes, and a good one offering subprotocols, sent byte for byte to the Node
     * reference server too: the same status, body and chosen subprotocol from both.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Key: c2hvcnQ=|Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==|Sec-WebSocket-Version: 12",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==|Sec-WebSocket-Version: 13|Sec-WebSocket-Protocol: chat,,x",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==|Sec-WebSocket-Version: 13|Sec-WebSocket-Protocol: chat, chat",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==|Sec-WebSocket-Version: 13|Sec-WebSocket-Protocol: chat, superchat",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==|Sec-WebSocket-Version: 8",
    })
    void webSocketHandshakesAreAnsweredAsTheReferenceAnswersThem(String headers) throws IOException {
        String extra = headers.replace("|", "\r\n") + "\r\n";
        String expected = upgradeAnswer(reference.port(), extra);
        assertThat(expected).as("the reference's answer").startsWith("HTTP/1.1 ");
        assertThat(upgradeAnswer(app.port(), extra)).isEqualTo(expected);
    }

    /** The status line, the {@code Sec-WebSocket-Protocol} header if any, and the body of an upgrade's answer. */
    private static String upgradeAnswer(int port, String extraHeaders) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n" + extraHeaders + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = RawFrames.readHeaders(in);
            String[] lines = head.split("\r\n");
            StringBuilder answer = new StringBuilder(lines[0]);
            int length = 0;
            for (String line : lines) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("sec-websocket-protocol:")) {
                    answer.append(" | protocol ").append(line.substring(line.indexOf(':') + 1).trim());
                } else if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
                } else if (lower.startsWith("sec-websocket-version:")) {
                    answer.append(" | versions ").append(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            if (!lines[0].contains(" 101 ")) {
                answer.append(" | ").append(new String(in.readNBytes(length), StandardCharsets.UTF_8));
            }
            return answer.toString();
        }
    }

    // ---- Engine.IO level, over HTTP long-polling

    @Test
    void postOverMaxHttpBufferSizeIs413AndTheSessionStaysOpen() throws Exception {
        String sid = pollingHandshake();
        HttpResponse<String> tooLarge = post(sid, ("4" + "x".repeat(MAX_BUFFER + 10)).getBytes(StandardCharsets.UTF_8));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(post(sid, "40".getBytes(StandardCharsets.UTF_8)).body()).isEqualTo("ok");
        assertThat(get(sid).body()).startsWith("40{\"sid\":\"");
    }

    /**
     * A body announced far over the limit is refused with 413 before a byte of it is read, and the connection is
     * closed (as the reference closes it): the client cannot make the server read gigabytes it will throw away.
     */
    @Test
    void postAnnouncingTenGigabytesIs413AndItsConnectionClosedUnread() throws Exception {
        String sid = pollingHandshake();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", app.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("POST /socket.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: 10737418240\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            // answered on the headers alone (read before sending any body: once the server has closed, more data
            // from the client makes its kernel reset the connection, which would drop the answer unread)
            assertThat(RawFrames.readHeaders(socket.getInputStream())).startsWith("HTTP/1.1 413")
                    .containsIgnoringCase("connection: close");
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) '4');
            long written = 0;
            try {
                while (written < (256L << 20)) {
                    out.write(chunk);
                    written += chunk.length;
                }
            } catch (IOException closedByTheServer) {
                // expected: the server closed the connection
            }
            // what the kernel's socket buffers took before the client saw the close, not the body
            assertThat(written).as("bytes the client could send").isLessThan(32L << 20);
        }
        assertThat(post(sid, "40".getBytes(StandardCharsets.UTF_8)).body()).isEqualTo("ok");
    }

    @Test
    void invalidUtf8InAPostIsReplacedAsNodeDoesAndTheSessionStaysOpen() throws Exception {
        String sid = pollingHandshake();
        assertThat(post(sid, "40".getBytes(StandardCharsets.UTF_8)).body()).isEqualTo("ok");
        assertThat(get(sid).body()).startsWith("40{\"sid\":\"");
        byte[] body = { '4', '2', '[', '"', 'e', 'c', 'h', 'o', '"', ',', '"', (byte) 0xFF, '"', ']' };
        assertThat(post(sid, body).statusCode()).isEqualTo(200);
        assertThat(get(sid).body()).isEqualTo("42[\"echo-back\",\"\uFFFD\"]");
    }

    @Test
    void malformedPollingPayloadIs400AndClosesTheSession() throws Exception {
        String sid = pollingHandshake();
        HttpResponse<String> response = post(sid, "9nonsense".getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(get(sid).body()).isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
    }

    @Test
    void requestErrorsGetTheReferenceCodes() throws Exception {
        assertThat(send("GET", "EIO=4&transport=polling&sid=AAAAAAAAAAAAAAAAAAAA", null))
                .satisfies(r -> assertThat(r.statusCode()).isEqualTo(400))
                .satisfies(r -> assertThat(r.body()).isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}"));
        assertThat(send("GET", "EIO=4&transport=carrier-pigeon", null).body())
                .isEqualTo("{\"code\":0,\"message\":\"Transport unknown\"}");
        assertThat(send("GET", "transport=polling", null).body())
                .isEqualTo("{\"code\":5,\"message\":\"Unsupported protocol version\"}");
        assertThat(send("PUT", "EIO=4&transport=polling", "x").body())
                .isEqualTo("{\"code\":2,\"message\":\"Bad handshake method\"}");
        assertThat(send("GET", "EIO=4&transport=websocket", null).body())
                .isEqualTo("{\"code\":3,\"message\":\"Bad request\"}");
        String sid = pollingHandshake();
        assertThat(send("PUT", "EIO=4&transport=polling&sid=" + sid, "x").statusCode()).isEqualTo(500);
    }

    @Test
    void octetStreamPostIs400AndClosesTheSession() throws Exception {
        String sid = pollingHandshake();
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(pollingUri(sid))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] { 4, 1 })).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(get(sid).statusCode()).isEqualTo(400);
    }

    /** The official suite's "closes the session upon duplicate poll requests", repeated: the earlier poll always wins. */
    @RepeatedTest(15)
    void duplicatePollIsDecidedByArrivalOrder() throws Exception {
        String sid = pollingHandshake();
        CompletableFuture<HttpResponse<String>> first = HTTP.sendAsync(HttpRequest.newBuilder(pollingUri(sid)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        // 100 ms apart, so that the first request reaches the server first even on a loaded machine (5 ms was not
        // always enough there: the second overtook it, and rightly won)
        CompletableFuture<HttpResponse<String>> second = CompletableFuture.runAsync(() -> { },
                CompletableFuture.delayedExecutor(100, java.util.concurrent.TimeUnit.MILLISECONDS))
                .thenCompose(ignored -> HTTP.sendAsync(HttpRequest.newBuilder(URI.create(pollingUri(sid) + "&t=burst"))
                        .GET().build(), HttpResponse.BodyHandlers.ofString()));
        HttpResponse<String> firstResponse = first.get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        HttpResponse<String> secondResponse = second.get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        assertThat(firstResponse.statusCode()).isEqualTo(200);
        assertThat(firstResponse.body()).isEqualTo("1");
        assertThat(secondResponse.statusCode()).isEqualTo(400);
        assertThat(get(sid).statusCode()).isEqualTo(400);
    }

    // ---- helpers

    private static URI pollingUri(String sid) {
        return URI.create("http://127.0.0.1:" + app.port() + "/socket.io/?EIO=4&transport=polling&sid=" + sid);
    }

    private static String pollingHandshake() throws Exception {
        String body = send("GET", "EIO=4&transport=polling", null).body();
        assertThat(body).startsWith("0{\"sid\":\"");
        return body.substring(9, 29);
    }

    private static HttpResponse<String> get(String sid) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(pollingUri(sid)).timeout(WAIT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String sid, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(pollingUri(sid)).timeout(WAIT)
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String method, String query, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/socket.io/?" + query))
                .timeout(WAIT).method(method, publisher).build(), HttpResponse.BodyHandlers.ofString());
    }
}
