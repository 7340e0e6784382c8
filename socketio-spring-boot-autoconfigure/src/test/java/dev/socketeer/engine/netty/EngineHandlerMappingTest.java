package dev.socketeer.engine.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.engine.EngineOptions;
import dev.socketeer.engine.EngineRequest;
import dev.socketeer.engine.EngineSocket;
import dev.socketeer.protocol.engineio.EngineMessage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** End-to-end behaviour of the engine mounted on a real WebFlux server, with JDK clients. */
class EngineHandlerMappingTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern SID = Pattern.compile("\"sid\":\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private EchoEngineServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private EchoEngineServer start(EngineOptions options) {
        server = new EchoEngineServer(options, 0);
        return server;
    }

    private EchoEngineServer startDefault() {
        return start(EngineOptions.defaults());
    }

    // ---- handshake

    @Test
    void pollingHandshakeAnswersOpenPacketWithReferenceKeysAndHeaders() throws Exception {
        start(EngineOptions.defaults().withHeartbeat(Duration.ofMillis(300), Duration.ofMillis(200)));
        HttpResponse<String> response = get("EIO=4&transport=polling");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; charset=UTF-8");
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(response.body()).matches(
                "0\\{\"sid\":\"[A-Za-z0-9_-]{20}\",\"upgrades\":\\[\"websocket\"],\"pingInterval\":300,\"pingTimeout\":200,\"maxPayload\":1000000}");
        assertThat(server.engine.clientsCount()).isEqualTo(1);
        assertThat(server.sockets).singleElement().satisfies(s -> assertThat(s.transportName()).isEqualTo("polling"));
    }

    @Test
    void webSocketHandshakeSendsOpenPacketWithoutUpgrades() throws Exception {
        startDefault();
        Ws ws = ws("EIO=4&transport=websocket");
        assertThat(ws.next()).matches("0\\{\"sid\":\"[A-Za-z0-9_-]{20}\",\"upgrades\":\\[],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}");
        ws.send("4hello");
        assertThat(ws.next()).isEqualTo("4hello");
        ws.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), true).join();
        assertThat(ws.nextBinary()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void webSocketSessionKeepsTheHeadersAndQueryOfItsUpgradeRequest() throws Exception {
        startDefault();
        Ws ws = new Ws();
        ws.socket = http.newWebSocketBuilder().header("X-Token", "abc").header("X-Multi", "1")
                .buildAsync(URI.create(server.wsUrl("EIO=4&transport=websocket&room=a%20b&room=c")), ws).join();
        assertThat(ws.next()).startsWith("0{");
        ws.send("4hello");
        assertThat(ws.next()).isEqualTo("4hello");

        EngineRequest request = server.sockets.get(0).request();
        assertThat(request.header("X-Token")).isEqualTo("abc");
        assertThat(request.headers().get("x-multi")).containsExactly("1");
        assertThat(request.headers()).containsKeys("host", "upgrade", "sec-websocket-key");
        assertThat(request.query()).containsExactly(Map.entry("EIO", "4"), Map.entry("transport", "websocket"),
                Map.entry("room", "a b"));
        assertThat(request.url()).isEqualTo("/engine.io/?EIO=4&transport=websocket&room=a%20b&room=c");
    }

    @Test
    void handshakeSetsTheStickySessionCookieWhenConfigured() throws Exception {
        start(EngineOptions.defaults().withCookie(EngineOptions.Cookie.defaults()));
        HttpResponse<String> response = get("EIO=4&transport=polling");
        String sid = sid(response.body());
        assertThat(response.headers().firstValue("set-cookie").orElseThrow())
                .startsWith("io=" + sid + ";").contains("Path=/").contains("HttpOnly").contains("SameSite=Lax");
    }

    @Test
    void corsOptionAnswersPreflightAndDecoratesPollingResponses() throws Exception {
        start(EngineOptions.defaults().withCors(new EngineOptions.Cors(List.of("*"), false)));
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(server.url("EIO=4&transport=polling")))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://example.com")
                .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isLessThan(300);
        assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("*");
        HttpResponse<String> handshake = http.send(HttpRequest.newBuilder(URI.create(server.url("EIO=4&transport=polling")))
                .header("Origin", "http://example.com").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(handshake.statusCode()).isEqualTo(200);
        assertThat(handshake.headers().firstValue("access-control-allow-origin")).hasValue("*");
    }

    // ---- errors

    @Test
    void refusesBadRequestsWithTheReferenceCodesAndStatuses() throws Exception {
        startDefault();
        assertError(get("EIO=4"), 400, 0, "Transport unknown");
        assertError(get("EIO=4&transport=abc"), 400, 0, "Transport unknown");
        assertError(get("transport=polling"), 400, 5, "Unsupported protocol version");
        assertError(get("EIO=abc&transport=polling"), 400, 5, "Unsupported protocol version");
        assertError(get("EIO=3&transport=polling"), 400, 5, "Unsupported protocol version");
        assertError(get("EIO=4&transport=websocket"), 400, 3, "Bad request");
        assertError(get("EIO=4&transport=polling&sid=nope"), 400, 1, "Session ID unknown");
        assertError(post("EIO=4&transport=polling", "4hello"), 400, 2, "Bad handshake method");
        assertError(send("PUT", "EIO=4&transport=polling", "x", null), 400, 2, "Bad handshake method");
    }

    @Test
    void allowRequestRefusalIsForbidden() throws Exception {
        start(EngineOptions.defaults().withAllowRequest(request -> request.header("x-token") == null ? "no token" : null));
        assertError(get("EIO=4&transport=polling"), 403, 4, "no token");
        HttpResponse<String> allowed = http.send(HttpRequest.newBuilder(URI.create(server.url("EIO=4&transport=polling")))
                .header("X-Token", "t").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(allowed.statusCode()).isEqualTo(200);
    }

    @Test
    void otherMethodsOnAnExistingSessionGet500() throws Exception {
        startDefault();
        String sid = handshake();
        HttpResponse<String> response = send("PUT", "EIO=4&transport=polling&sid=" + sid, "4x", null);
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(server.engine.clientsCount()).isEqualTo(1);
    }

    @Test
    void invalidPacketAnswers400AndClosesWithParseError() throws Exception {
        startDefault();
        String sid = handshake();
        assertThat(post("EIO=4&transport=polling&sid=" + sid, "abc").statusCode()).isEqualTo(400);
        assertError(get("EIO=4&transport=polling&sid=" + sid), 400, 1, "Session ID unknown");
        assertClosedWith("parse error");
    }

    @Test
    void binaryContentTypePostIsRefusedAndClosesTheSession() throws Exception {
        startDefault();
        String sid = handshake();
        HttpResponse<String> response = send("POST", "EIO=4&transport=polling&sid=" + sid, "4x", "application/octet-stream");
        assertThat(response.statusCode()).isEqualTo(400);
        await().atMost(TIMEOUT).until(() -> server.engine.clientsCount() == 0);
        assertClosedWith("transport error");
    }

    @Test
    void oversizedPostGets413AndTheSessionStaysOpen() throws Exception {
        start(EngineOptions.defaults().withMaxHttpBufferSize(100));
        String sid = handshake();
        assertThat(post("EIO=4&transport=polling&sid=" + sid, "4" + "x".repeat(200)).statusCode()).isEqualTo(413);
        assertThat(post("EIO=4&transport=polling&sid=" + sid, "4small").statusCode()).isEqualTo(200);
        assertThat(get("EIO=4&transport=polling&sid=" + sid).body()).isEqualTo("4small");
    }

    // ---- polling messages

    @Test
    void pollingBatchesEchoesOfTextAndBinaryPackets() throws Exception {
        startDefault();
        String sid = handshake();
        HttpResponse<String> posted = post("EIO=4&transport=polling&sid=" + sid, "4test1\u001e4test2\u001ebAQIDBA==");
        assertThat(posted.statusCode()).isEqualTo(200);
        assertThat(posted.body()).isEqualTo("ok");
        assertThat(posted.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(get("EIO=4&transport=polling&sid=" + sid).body()).isEqualTo("4test1\u001e4test2\u001ebAQIDBA==");
    }

    @Test
    void largePollingPayloadsAreGzippedWhenAccepted() throws Exception {
        startDefault();
        String sid = handshake();
        String big = "4" + "a".repeat(5000);
        post("EIO=4&transport=polling&sid=" + sid, big);
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(server.url("EIO=4&transport=polling&sid=" + sid)))
                .header("Accept-Encoding", "gzip, deflate").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.headers().firstValue("content-encoding")).hasValue("gzip");
        byte[] body = new GZIPInputStream(new ByteArrayInputStream(response.body())).readAllBytes();
        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(big);
    }

    @Test
    void concurrentPollClosesTheSessionAndCompletesTheFirstWithClose() throws Exception {
        startDefault();
        String sid = handshake();
        CompletableFuture<HttpResponse<String>> first = getAsync("EIO=4&transport=polling&sid=" + sid);
        await().atMost(TIMEOUT).until(() -> server.sockets.get(0).isWritable());
        HttpResponse<String> second = get("EIO=4&transport=polling&sid=" + sid + "&t=burst");
        assertThat(second.statusCode()).isEqualTo(400);
        HttpResponse<String> firstResponse = first.get(5, TimeUnit.SECONDS);
        assertThat(firstResponse.statusCode()).isEqualTo(200);
        assertThat(firstResponse.body()).isEqualTo("1");
        assertThat(get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
        assertClosedWith("transport error");
    }

    @Test
    void abortedPollClosesTheSession() throws Exception {
        startDefault();
        String sid = handshake();
        CompletableFuture<HttpResponse<String>> pending = getAsync("EIO=4&transport=polling&sid=" + sid);
        await().atMost(TIMEOUT).until(() -> server.sockets.get(0).isWritable());
        pending.cancel(true); // the JDK client closes the connection
        await().atMost(TIMEOUT).until(() -> server.engine.clientsCount() == 0);
        assertClosedWith("transport error");
    }

    @Test
    void clientClosePacketAnswersPendingPollWithNoop() throws Exception {
        startDefault();
        String sid = handshake();
        CompletableFuture<HttpResponse<String>> pending = getAsync("EIO=4&transport=polling&sid=" + sid);
        await().atMost(TIMEOUT).until(() -> server.sockets.get(0).isWritable());
        assertThat(post("EIO=4&transport=polling&sid=" + sid, "1").statusCode()).isEqualTo(200);
        assertThat(pending.get(5, TimeUnit.SECONDS).body()).isEqualTo("6");
        assertClosedWith("transport close");
    }

    @Test
    void serverCloseSendsClosePacketToPendingPoll() throws Exception {
        startDefault();
        String sid = handshake();
        CompletableFuture<HttpResponse<String>> pending = getAsync("EIO=4&transport=polling&sid=" + sid);
        await().atMost(TIMEOUT).until(() -> server.sockets.get(0).isWritable());
        server.sockets.get(0).send(EngineMessage.text("bye"));
        assertThat(pending.get(5, TimeUnit.SECONDS).body()).isEqualTo("4bye");
        server.sockets.get(0).close();
        assertThat(get("EIO=4&transport=polling&sid=" + sid).body()).isEqualTo("1");
        assertClosedWith("forced close");
    }

    // ---- heartbeat

    @Test
    void pollingPingPongKeepsTheSessionAndMissingPongTimesOut() throws Exception {
        start(EngineOptions.defaults().withHeartbeat(Duration.ofMillis(300), Duration.ofMillis(200)));
        String sid = handshake();
        assertThat(get("EIO=4&transport=polling&sid=" + sid).body()).isEqualTo("2");
        assertThat(post("EIO=4&transport=polling&sid=" + sid, "3").statusCode()).isEqualTo(200);
        assertThat(get("EIO=4&transport=polling&sid=" + sid).body()).isEqualTo("2");
        await().atMost(TIMEOUT).until(() -> server.engine.clientsCount() == 0);
        assertClosedWith("ping timeout");
        assertThat(get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
    }

    @Test
    void webSocketPingTimeoutClosesTheConnection() throws Exception {
        start(EngineOptions.defaults().withHeartbeat(Duration.ofMillis(300), Duration.ofMillis(200)));
        Ws ws = ws("EIO=4&transport=websocket");
        assertThat(ws.next()).startsWith("0{");
        assertThat(ws.next()).isEqualTo("2");
        ws.send("3");
        assertThat(ws.next()).isEqualTo("2");
        assertThat(ws.closed).succeedsWithin(TIMEOUT);
        assertClosedWith("ping timeout");
    }

    // ---- upgrade

    @Test
    void upgradesFromPollingToWebSocket() throws Exception {
        startDefault();
        String sid = handshake();
        CompletableFuture<HttpResponse<String>> pending = getAsync("EIO=4&transport=polling&sid=" + sid);
        await().atMost(TIMEOUT).until(() -> server.sockets.get(0).isWritable());
        Ws ws = ws("EIO=4&transport=websocket&sid=" + sid);
        ws.send("2probe");
        assertThat(ws.next()).isEqualTo("3probe");
        assertThat(pending.get(5, TimeUnit.SECONDS).body()).isEqualTo("6");
        ws.send("5");
        await().atMost(TIMEOUT).until(() -> server.sockets.get(0).transportName().equals("websocket"));
        ws.send("4hello");
        assertThat(ws.next()).isEqualTo("4hello");
        assertError(get("EIO=4&transport=polling&sid=" + sid), 400, 3, "Bad request");
        Ws second = ws("EIO=4&transport=websocket&sid=" + sid);
        assertThat(second.closed).succeedsWithin(TIMEOUT);
        assertThat(server.engine.clientsCount()).isEqualTo(1);
    }

    @Test
    void anyOtherPacketDuringUpgradeCancelsIt() throws Exception {
        startDefault();
        String sid = handshake();
        Ws ws = ws("EIO=4&transport=websocket&sid=" + sid);
        ws.send("4nope");
        assertThat(ws.closed).succeedsWithin(TIMEOUT);
        assertThat(server.sockets.get(0).transportName()).isEqualTo("polling");
        assertThat(post("EIO=4&transport=polling&sid=" + sid, "4still").statusCode()).isEqualTo(200);
        assertThat(get("EIO=4&transport=polling&sid=" + sid).body()).isEqualTo("4still");
    }

    // ---- WebSocket limits

    @Test
    void webSocketAcceptsFragmentedMessagesUpToMaxHttpBufferSizeAndClosesBeyond() throws Exception {
        start(EngineOptions.defaults().withMaxHttpBufferSize(200_000));
        Ws ws = ws("EIO=4&transport=websocket");
        ws.next();
        String big = "4" + "x".repeat(150_000);
        ws.socket.sendText(big.substring(0, 70_000), false).join();
        ws.socket.sendText(big.substring(70_000), true).join();
        assertThat(ws.next()).isEqualTo(big);
        ws.send("4" + "y".repeat(250_000));
        assertThat(ws.closed).succeedsWithin(TIMEOUT);
        await().atMost(TIMEOUT).until(() -> server.engine.clientsCount() == 0);
    }

    @Test
    void invalidWebSocketPacketClosesWithParseError() throws Exception {
        startDefault();
        Ws ws = ws("EIO=4&transport=websocket");
        ws.next();
        ws.send("abc");
        assertThat(ws.closed).succeedsWithin(TIMEOUT);
        assertClosedWith("parse error");
    }

    @Test
    void serverShutdownClosesEverySocket() throws Exception {
        startDefault();
        Ws ws = ws("EIO=4&transport=websocket");
        ws.next();
        server.engine.close();
        assertThat(ws.next()).isEqualTo("1");
        assertThat(ws.closed).succeedsWithin(TIMEOUT);
        assertClosedWith("server shutting down");
        assertThat(server.engine.clientsCount()).isZero();
    }

    @Test
    void trafficOnBothTransportsLeaksNoByteBuf() throws Exception {
        ch.qos.logback.classic.Logger leakLogger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(io.netty.util.ResourceLeakDetector.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> leaks =
                new ch.qos.logback.core.read.ListAppender<>();
        leaks.start();
        leakLogger.addAppender(leaks);
        try {
            start(EngineOptions.defaults().withMaxHttpBufferSize(10_000));
            String sid = handshake();
            post("EIO=4&transport=polling&sid=" + sid, "4a\u001ebAQID");
            get("EIO=4&transport=polling&sid=" + sid);
            post("EIO=4&transport=polling&sid=" + sid, "4" + "x".repeat(20_000));
            Ws ws = ws("EIO=4&transport=websocket");
            ws.next();
            for (int i = 0; i < 50; i++) {
                ws.send("4m" + i);
                ws.socket.sendBinary(ByteBuffer.wrap(new byte[] {(byte) i}), true).join();
            }
            for (int i = 0; i < 100; i++) {
                ws.messages.poll(5, TimeUnit.SECONDS);
            }
            ws.send("4" + "z".repeat(20_000));
            assertThat(ws.closed).succeedsWithin(TIMEOUT);
            server.close();
            server = null;
            // The paranoid detector reports leaks found by the GC when buffers are next allocated.
            for (int i = 0; i < 5; i++) {
                System.gc();
                io.netty.buffer.PooledByteBufAllocator.DEFAULT.buffer(1024).release();
                io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(1024).release();
            }
            assertThat(leaks.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).isEmpty();
        } finally {
            leakLogger.detachAppender(leaks);
        }
    }

    // ---- connections vs sessions: every WebSocket the server keeps open belongs to a live session, whatever a
    // client does with a session id (takes it over, probes and gives up, lets the upgrade time out, upgrades
    // twice, closes during the upgrade)

    @Test
    void webSocketTakenOverByASecondWebSocketIsClosedAtOnce() throws Exception {
        startDefault();
        Ws victim = ws("EIO=4&transport=websocket");
        String sid = sid(victim.next());
        Ws thief = ws("EIO=4&transport=websocket&sid=" + sid);
        thief.send("2probe");
        assertThat(thief.next()).isEqualTo("3probe");
        thief.send("5");

        assertThat(victim.closed).succeedsWithin(TIMEOUT);
        thief.send("4mine");
        assertThat(thief.next()).isEqualTo("4mine");
        await().atMost(TIMEOUT).until(() -> server.openWebSocketConnections() == 1);
        assertThat(server.engine.clientsCount()).isEqualTo(1);
        assertThat(victim.messages).doesNotContain("4mine");
    }

    @Test
    void noWayOfUsingASessionIdLeavesAWebSocketWithoutASession() throws Exception {
        start(EngineOptions.defaults().withUpgradeTimeout(Duration.ofMillis(300)));

        // the upgrade is cancelled by a packet other than the probe
        Ws badProbe = ws("EIO=4&transport=websocket&sid=" + handshake());
        badProbe.send("4not a probe");
        // the client never probes: the upgrade times out
        Ws silent = ws("EIO=4&transport=websocket&sid=" + handshake());
        // a second upgrade while the first is under way (the first then times out)
        String twice = handshake();
        Ws firstUpgrade = ws("EIO=4&transport=websocket&sid=" + twice);
        Ws secondUpgrade = ws("EIO=4&transport=websocket&sid=" + twice);
        // the server closes the session between the probe and the upgrade packet
        String closing = handshake();
        Ws probed = ws("EIO=4&transport=websocket&sid=" + closing);
        probed.send("2probe");
        assertThat(probed.next()).isEqualTo("3probe");
        server.engine.socket(closing).close();
        // the probe arrives, then the client closes the WebSocket before upgrading
        String abandoned = handshake();
        Ws leaving = ws("EIO=4&transport=websocket&sid=" + abandoned);
        leaving.send("2probe");
        assertThat(leaving.next()).isEqualTo("3probe");
        leaving.socket.sendClose(1000, "").join();
        // an upgrade to a session that does not exist is refused before the handshake
        assertThat(wsRefused("EIO=4&transport=websocket&sid=AAAAAAAAAAAAAAAAAAAA")).isTrue();
        // a WebSocket session taken over by another WebSocket
        Ws victim = ws("EIO=4&transport=websocket");
        Ws thief = ws("EIO=4&transport=websocket&sid=" + sid(victim.next()));
        thief.send("2probe");
        assertThat(thief.next()).isEqualTo("3probe");
        thief.send("5");
        // and one upgrade that completes, which keeps its connection
        String upgraded = handshake();
        Ws good = ws("EIO=4&transport=websocket&sid=" + upgraded);
        good.send("2probe");
        assertThat(good.next()).isEqualTo("3probe");
        good.send("5");

        Map<String, Ws> closedByTheServer = Map.of("bad probe", badProbe, "silent", silent, "first of two upgrades",
                firstUpgrade, "second upgrade", secondUpgrade, "closed while probing", probed, "left after probing",
                leaving, "taken over", victim);
        closedByTheServer.forEach((name, closed) -> assertThat(closed.closed).as(name).succeedsWithin(TIMEOUT));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(server.openWebSocketConnections())
                .as("open WebSocket connections").isEqualTo(webSocketSessions()).isEqualTo(2));
        good.send("4ok");
        assertThat(good.next()).isEqualTo("4ok");
        thief.send("4ok");
        assertThat(thief.next()).isEqualTo("4ok");
    }

    private long webSocketSessions() {
        return server.sockets.stream().filter(EngineSocket::isOpen).filter(s -> s.transportName().equals("websocket")).count();
    }

    // ---- helpers
    private boolean wsRefused(String query) {
        CompletableFuture<?> attempt = http.newWebSocketBuilder().buildAsync(URI.create(server.wsUrl(query)), new Ws());
        try {
            attempt.join();
            return false;
        } catch (CompletionException refused) {
            return true;
        }
    }


    private void assertClosedWith(String reason) {
        await().atMost(TIMEOUT).until(() -> !server.closeReasons.isEmpty());
        assertThat(server.closeReasons).containsExactly(reason);
    }

    private String handshake() throws Exception {
        return sid(get("EIO=4&transport=polling").body());
    }

    private static String sid(String body) {
        Matcher matcher = SID.matcher(body);
        assertThat(matcher.find()).as("sid in %s", body).isTrue();
        return matcher.group(1);
    }

    private static void assertError(HttpResponse<String> response, int status, int code, String message) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(response.body()).isEqualTo("{\"code\":" + code + ",\"message\":\"" + message + "\"}");
    }

    private HttpResponse<String> get(String query) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url(query))).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> getAsync(String query) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(server.url(query))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String query, String body) throws Exception {
        return send("POST", query, body, "text/plain;charset=UTF-8");
    }

    private HttpResponse<String> send(String method, String query, String body, String contentType) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(server.url(query))).timeout(TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Ws ws(String query) {
        Ws ws = new Ws();
        ws.socket = http.newWebSocketBuilder().buildAsync(URI.create(server.wsUrl(query)), ws).join();
        return ws;
    }

    /** A JDK WebSocket client that queues complete messages. */
    static final class Ws implements WebSocket.Listener {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                messages.add(binary.toByteArray());
                binary = new java.io.ByteArrayOutputStream();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }

        void send(String text) {
            socket.sendText(text, true).join();
        }

        String next() throws InterruptedException {
            Object message = messages.poll(5, TimeUnit.SECONDS);
            assertThat(message).as("next WebSocket message").isInstanceOf(String.class);
            return (String) message;
        }

        byte[] nextBinary() throws InterruptedException {
            Object message = messages.poll(5, TimeUnit.SECONDS);
            assertThat(message).as("next WebSocket message").isInstanceOf(byte[].class);
            return (byte[]) message;
        }
    }

}
