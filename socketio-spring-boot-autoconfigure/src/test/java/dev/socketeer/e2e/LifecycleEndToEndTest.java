package dev.socketeer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.test.NodeSocketIoClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * How connections end and come back, seen from both sides: every disconnect reason, reconnection
 * after a network drop, the connect and ping timeouts, and connection state recovery
 * ({@code socketio.connection-state-recovery.enabled=true}).
 */
class LifecycleEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration MAX_DISCONNECTION = Duration.ofMillis(1500);
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final E2eHandlers HANDLERS = new E2eHandlers();
    private static SocketIoApp app;
    private static NodeSocketIoClient clients;

    @BeforeAll
    static void startApp() {
        app = SocketIoApp.start(HANDLERS, "socketio.ping-interval=400ms", "socketio.ping-timeout=400ms",
                "socketio.connect-timeout=800ms", "socketio.connection-state-recovery.enabled=true",
                "socketio.connection-state-recovery.max-disconnection-duration=" + MAX_DISCONNECTION.toMillis() + "ms");
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

    private static String connect(Map<String, ?> options) {
        String name = "l" + NAMES.incrementAndGet();
        clients.connect(name, app.url("/"), options);
        return name;
    }

    private static String serverReason(String socketId) {
        await().atMost(WAIT).until(() -> HANDLERS.disconnectReasons.containsKey(socketId));
        return HANDLERS.disconnectReasons.get(socketId);
    }

    // ---- disconnect reasons

    @Test
    void clientDisconnectIsClientNamespaceDisconnectOnTheServer() {
        String c = connect(Map.of());
        String id = clients.awaitConnect(c).get("sid").asString();
        clients.disconnect(c);
        assertThat(clients.awaitDisconnect(c, WAIT).get("reason").asString()).isEqualTo("io client disconnect");
        assertThat(serverReason(id)).isEqualTo("client namespace disconnect");
    }

    @Test
    void serverDisconnectIsIoServerDisconnectOnTheClientAndItDoesNotReconnect() {
        String c = connect(Map.of("transports", List.of("polling")));
        String id = clients.awaitConnect(c).get("sid").asString();
        clients.emit(c, "server-disconnect");
        assertThat(clients.awaitDisconnect(c, WAIT).get("reason").asString()).isEqualTo("io server disconnect");
        assertThat(serverReason(id)).isEqualTo("server namespace disconnect");
        assertThat(clients.state(c).get("active").asBoolean()).isFalse();
    }

    @Test
    void closingTheEngineConnectionIsForcedCloseOnTheServer() {
        String c = connect(Map.of("reconnection", false));
        String id = clients.awaitConnect(c).get("sid").asString();
        clients.emit(c, "conn-close");
        assertThat(clients.awaitDisconnect(c, WAIT).get("reason").asString()).isEqualTo("transport close");
        assertThat(serverReason(id)).isEqualTo("forced close");
    }

    @Test
    void networkDropIsTransportCloseAndTheClientReconnects() {
        String c = connect(Map.of("transports", List.of("websocket"), "reconnectionDelay", 50,
                "reconnectionDelayMax", 100));
        String id = clients.awaitConnect(c).get("sid").asString();
        clients.closeTransport(c);
        assertThat(clients.awaitDisconnect(c, WAIT).get("reason").asString()).isEqualTo("transport close");
        assertThat(serverReason(id)).isEqualTo("transport close");
        clients.awaitReport("reconnect", c, WAIT);
        JsonNode again = clients.awaitConnect(c);
        // No event was received before the drop, so the client has no offset to recover from.
        assertThat(again.get("recovered").asBoolean()).isFalse();
        assertThat(again.get("sid").asString()).isNotEqualTo(id);
        clients.disconnect(c);
    }

    @Test
    void silentClientIsPingTimeoutOnTheServer() {
        try (RawWebSocket ws = RawWebSocket.open(app.port())) {
            ws.send("40");
            String id = sid(ws.nextText());
            assertThat(serverReason(id)).isEqualTo("ping timeout");
            ws.awaitClosed();
        }
    }

    @Test
    void connectionWithoutNamespaceIsClosedAfterTheConnectTimeout() {
        try (RawWebSocket ws = RawWebSocket.open(app.port())) {
            long start = System.nanoTime();
            ws.framesUntilClosed();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void shutdownIsServerShuttingDownOnTheServer() {
        E2eHandlers handlers = new E2eHandlers();
        SocketIoApp other = SocketIoApp.start(handlers);
        try {
            String c = "shutdown" + NAMES.incrementAndGet();
            clients.connect(c, other.url("/"), Map.of("reconnection", false));
            String id = clients.awaitConnect(c).get("sid").asString();
            other.close();
            // A polling client between two GETs finds the server gone ("transport error"); one with a GET
            // pending or on WebSocket gets the close ("transport close"). Either way it reconnects elsewhere.
            assertThat(clients.awaitDisconnect(c, WAIT).get("reason").asString())
                    .isIn("transport close", "transport error", "io server disconnect");
            assertThat(handlers.disconnectReasons).containsEntry(id, "server shutting down");
        } finally {
            other.close();
        }
    }

    // ---- connection state recovery

    @Test
    void droppedClientRecoversIdRoomsAndMissedPacketsInOrder() {
        String c = connect(Map.of("transports", List.of("websocket"), "reconnectionDelay", 1000,
                "reconnectionDelayMax", 1000, "randomizationFactor", 0));
        String id = clients.awaitConnect(c).get("sid").asString();
        clients.emitWithAck(c, "join", WAIT, "news");
        app.server().to("news").emit("news", 0);
        assertThat(clients.awaitEvent(c, "news", WAIT).get("args").get(0).asInt()).isEqualTo(0);

        clients.closeTransport(c);
        assertThat(serverReason(id)).isEqualTo("transport close");
        app.server().to("news").emit("news", 1);
        app.server().emit("news", 2, "to everyone");
        app.server().to("other-room").emit("news", -1);
        app.server().to("news").emit("news", 3);

        JsonNode again = clients.awaitConnect(c);
        assertThat(again.get("recovered").asBoolean()).isTrue();
        assertThat(again.get("sid").asString()).isEqualTo(id);
        assertThat(clients.awaitEvent(c, "news", WAIT).get("args").get(0).asInt()).isEqualTo(1);
        JsonNode second = clients.awaitEvent(c, "news", WAIT).get("args");
        assertThat(second.get(0).asInt()).isEqualTo(2);
        assertThat(second.get(1).asString()).isEqualTo("to everyone");
        assertThat(clients.awaitEvent(c, "news", WAIT).get("args").get(0).asInt()).isEqualTo(3);
        clients.assertNoEvent(c, "news", Duration.ofMillis(200));

        app.server().to("news").emit("news", 4);
        assertThat(clients.awaitEvent(c, "news", WAIT).get("args").get(0).asInt()).isEqualTo(4);
        clients.disconnect(c);
    }

    @Test
    void expiredSessionStartsFresh() {
        String c = connect(Map.of("transports", List.of("websocket"), "reconnection", false));
        String id = clients.awaitConnect(c).get("sid").asString();
        app.server().emit("tick", 1);
        clients.awaitEvent(c, "tick", WAIT);
        clients.closeTransport(c);
        assertThat(serverReason(id)).isEqualTo("transport close");
        long expiry = System.nanoTime() + MAX_DISCONNECTION.plusMillis(200).toNanos();
        await().atMost(WAIT).until(() -> System.nanoTime() > expiry);

        clients.open(c);
        JsonNode again = clients.awaitConnect(c);
        assertThat(again.get("recovered").asBoolean()).isFalse();
        assertThat(again.get("sid").asString()).isNotEqualTo(id);
        clients.disconnect(c);
    }

    @Test
    void recoveryOnTheWireSendsMissedPacketsBeforeConnectAndUnknownOffsetStartsFresh() {
        String pid;
        String sid;
        String offset;
        try (RawWebSocket ws = RawWebSocket.open(app.port())) {
            ws.send("40");
            String connect = ws.nextText();
            sid = sid(connect);
            pid = connect.replaceAll(".*\"pid\":\"([^\"]+)\".*", "$1");
            app.server().emit("first", 1);
            String first = ws.nextText();
            assertThat(first).startsWith("42[\"first\",1,\"");
            offset = first.substring("42[\"first\",1,\"".length(), first.length() - 2);
        }
        assertThat(serverReason(sid)).isIn("transport close", "transport error");
        app.server().emit("missed", 2);

        try (RawWebSocket ws = RawWebSocket.open(app.port())) {
            ws.send("40{\"pid\":\"" + pid + "\",\"offset\":\"" + offset + "\"}");
            assertThat(ws.nextText()).startsWith("42[\"missed\",2,\"");
            assertThat(ws.nextText()).isEqualTo("40{\"sid\":\"" + sid + "\",\"pid\":\"" + pid + "\"}");
            ws.send("41");
        }

        try (RawWebSocket ws = RawWebSocket.open(app.port())) {
            ws.send("40{\"pid\":\"" + pid + "\",\"offset\":\"not-an-offset\"}");
            String connect = ws.nextText();
            assertThat(connect).startsWith("40{\"sid\":\"");
            assertThat(sid(connect)).isNotEqualTo(sid);
            assertThat(connect).doesNotContain(pid);
        }
    }

    private static String sid(String connectPacket) {
        assertThat(connectPacket).startsWith("40{\"sid\":\"");
        return connectPacket.substring(10, 30);
    }
}
