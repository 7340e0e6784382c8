package dev.socketeer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.test.JavaSocketIoClient;
import io.socket.client.IO;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The official Java client ({@code io.socket:socket.io-client} 2.1) against the auto-configured server. */
class JavaClientEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final E2eHandlers HANDLERS = new E2eHandlers();
    private static SocketIoApp app;

    @BeforeAll
    static void startApp() {
        app = SocketIoApp.start(HANDLERS);
    }

    @AfterAll
    static void stopApp() {
        if (app != null) {
            app.close();
        }
    }

    private static JavaSocketIoClient connect(String namespace, String... transports) {
        var options = IO.Options.builder().setForceNew(true).setReconnection(false);
        if (transports.length > 0) {
            options.setTransports(transports);
        }
        return JavaSocketIoClient.connect(app.url(namespace), options.build());
    }

    @ParameterizedTest
    @ValueSource(strings = { "polling", "websocket", "upgrade" })
    void payloadsBinaryAndAcksRoundTrip(String transport) throws Exception {
        try (JavaSocketIoClient client = transport.equals("upgrade") ? connect("/")
                : connect("/", transport)) {
            client.awaitConnect(WAIT);
            JSONObject nested = new JSONObject().put("list", new JSONArray().put(1).put("two").put(JSONObject.NULL))
                    .put("flag", false).put("big", 9_007_199_254_740_991L).put("text", "é😀\u2028");
            byte[] bytes = { 1, 2, (byte) 255 };
            client.emit("echo", "hello", 3.5, nested, bytes);
            JavaSocketIoClient.Received echoed = client.awaitEvent("echo-back", WAIT);
            assertThat(echoed.args().get(0)).isEqualTo("hello");
            assertThat(((Number) echoed.args().get(1)).doubleValue()).isEqualTo(3.5);
            assertThat(echoed.args().get(2).toString()).isEqualTo(nested.toString());
            assertThat((byte[]) echoed.args().get(3)).containsExactly(bytes);

            List<Object> acked = client.emitWithAck("echo-ack", WAIT, "x", bytes);
            assertThat(acked.get(0)).isEqualTo("x");
            assertThat((byte[]) acked.get(1)).containsExactly(bytes);

            client.emit("binary-out");
            JavaSocketIoClient.Received binary = client.awaitEvent("binary", WAIT);
            assertThat((byte[]) binary.args().get(0)).containsExactly(1, 2, 3);
            assertThat((byte[]) ((JSONObject) binary.args().get(1)).get("nested")).containsExactly(4, 5);
        }
    }

    @Test
    void serverAsksTheJavaClientForAnAck() {
        try (JavaSocketIoClient client = connect("/", "websocket")) {
            client.awaitConnect(WAIT);
            client.socket().on("question", args -> ((io.socket.client.Ack) args[args.length - 1]).call("from java"));
            List<Object> result = client.emitWithAck("ask", WAIT, 2000);
            assertThat(result.get(0).toString()).isEqualTo("{\"answer\":[\"from java\"]}");
        }
    }

    @Test
    void roomsReachJavaAndOnlyThoseInTheRoom() {
        try (JavaSocketIoClient a = connect("/chat", "websocket"); JavaSocketIoClient b = connect("/chat", "polling");
                JavaSocketIoClient c = connect("/chat")) {
            a.awaitConnect(WAIT);
            b.awaitConnect(WAIT);
            c.awaitConnect(WAIT);
            b.emitWithAck("join", WAIT, "java-room");
            a.emit("to-room", "java-room", "hi room");
            assertThat(b.awaitEvent("room-msg", WAIT).args()).containsExactly("hi room");
            a.emit("broadcast", "hi all");
            assertThat(c.awaitEvent("broadcast-msg", WAIT).args()).containsExactly("hi all");
            assertThat(b.awaitEvent("broadcast-msg", WAIT).args()).containsExactly("hi all");
            assertThat(c.history()).noneMatch(r -> r.event().equals("room-msg"));
            assertThat(a.history()).noneMatch(r -> r.event().equals("broadcast-msg"));
        }
    }

    @Test
    void refusedNamespacesAndMiddlewareErrorsReachTheJavaClient() {
        try (JavaSocketIoClient unknown = connect("/nowhere"); JavaSocketIoClient guarded = connect("/guarded")) {
            assertThat(unknown.awaitConnectError(WAIT).toString()).contains("Invalid namespace");
            Object error = guarded.awaitConnectError(WAIT);
            assertThat(error.toString()).contains("not authorized");
        }
    }

    @Test
    void serverDisconnectIsIoServerDisconnectOnTheJavaClient() {
        try (JavaSocketIoClient client = connect("/", "websocket")) {
            String id = client.awaitConnect(WAIT);
            client.emit("server-disconnect");
            assertThat(client.awaitDisconnect(WAIT)).isEqualTo("io server disconnect");
            await().atMost(WAIT).until(() -> HANDLERS.disconnectReasons.containsKey(id));
            assertThat(HANDLERS.disconnectReasons).containsEntry(id, "server namespace disconnect");
        }
    }

    @Test
    void dynamicNamespaceGreetsTheJavaClient() {
        try (JavaSocketIoClient client = connect("/dyn-7", "websocket")) {
            client.awaitConnect(WAIT);
            assertThat(client.awaitEvent("hello", WAIT).args()).containsExactly("/dyn-7");
            assertThat(Map.of("ns", app.server().namespaceNames())).extractingByKey("ns").asString().contains("/dyn-7");
        }
    }
}
