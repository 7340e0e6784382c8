package dev.socketeer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.autoconfigure.SocketIoServerCustomizer;
import dev.socketeer.server.Socket;
import dev.socketeer.test.NodeProcess;
import dev.socketeer.test.TestJson;
import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * With the default backpressure policy, a client that reads is never cut off: what a local npm client gets echoed,
 * or what the server bursts at it, all arrives, in order, on both transports (the reference delivers all of it).
 */
class BackpressureEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Handlers HANDLERS = new Handlers();
    private static SocketIoApp app;
    private static ResourceLeakDetector.Level leakDetection;

    /**
     * Paranoid leak detection records a stack trace at every access to a buffer: unmasking a megabyte frame then
     * takes half a second, and the server reads these uploads at about 0.3 MB/s, so slowly that the client's pong,
     * queued behind its own upload, misses the ping timeout (as it would with the reference server reading that
     * slowly). These tests are about volume, not buffer handling: here leaks are sampled (a leak still fails the
     * class), everywhere else they stay paranoid.
     */
    @BeforeAll
    static void startApp() {
        leakDetection = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        app = SocketIoApp.start(HANDLERS);
    }

    @AfterAll
    static void stopApp() {
        if (app != null) {
            app.close();
        }
        ResourceLeakDetector.setLevel(leakDetection);
    }

    @ParameterizedTest
    @ValueSource(strings = { "websocket", "polling" })
    void clientEchoingThirtyOneMegabyteMessagesGetsThemAllBack(String transport) {
        assertEchoed(transport, 30, 1_000_000 - 100);
    }

    @ParameterizedTest
    @ValueSource(strings = { "websocket", "polling" })
    void clientEchoingThreeThousandTenKilobyteMessagesGetsThemAllBack(String transport) {
        assertEchoed(transport, 3_000, 10_000);
    }

    @ParameterizedTest
    @ValueSource(strings = { "websocket", "polling" })
    void fastReaderGetsASixtyMegabyteBurstFromAnEventHandlerWhole(String transport) {
        try (NodeProcess client = client(transport)) {
            String sid = awaitConnect(client);
            client.send(command("expect").put("event", "burst-item").put("count", 60).put("size", 1_000_000));
            client.await(r -> type(r, "expecting"), WAIT, "the client to listen");
            ObjectNode burst = command("emit").put("event", "burst");
            burst.putArray("args").add(60).add(1_000_000);
            client.send(burst);
            assertDone(client, 60, sid);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "websocket", "polling" })
    void fastReaderGetsASixtyMegabyteBurstFromAnApplicationThreadWhole(String transport) {
        try (NodeProcess client = client(transport)) {
            String sid = awaitConnect(client);
            client.send(command("expect").put("event", "burst-item").put("count", 60).put("size", 1_000_000));
            client.await(r -> type(r, "expecting"), WAIT, "the client to listen");
            Socket socket = HANDLERS.sockets.get(sid);
            for (int i = 0; i < 60; i++) {
                socket.emit("burst-item", payload(i, 1_000_000));
            }
            assertDone(client, 60, sid);
        }
    }

    private static void assertEchoed(String transport, int count, int size) {
        try (NodeProcess client = client(transport)) {
            String sid = awaitConnect(client);
            client.send(command("echo").put("count", count).put("size", size));
            assertDone(client, count, sid);
        }
    }

    private static void assertDone(NodeProcess client, int count, String sid) {
        JsonNode done = client.await(r -> type(r, "done") || type(r, "disconnect"), WAIT,
                count + " messages or a disconnect");
        assertThat(done.get("type").asString()).as("%s (server-side reason: %s)", done,
                HANDLERS.disconnectReasons.get(sid)).isEqualTo("done");
        assertThat(done.get("received").asInt()).isEqualTo(count);
        assertThat(done.get("inOrder").asBoolean()).isTrue();
        assertThat(HANDLERS.disconnectReasons).doesNotContainKey(sid);
    }

    private static NodeProcess client(String transport) {
        ObjectNode config = TestJson.MAPPER.createObjectNode().put("url", app.url("/"));
        config.putArray("transports").add(transport);
        return NodeProcess.start("bulk-client.mjs", config.toString());
    }

    private static String awaitConnect(NodeProcess client) {
        return client.await(r -> type(r, "connect"), WAIT, "the connection").get("sid").asString();
    }

    private static boolean type(JsonNode report, String type) {
        return type.equals(report.path("type").asString(""));
    }

    private static ObjectNode command(String op) {
        return TestJson.MAPPER.createObjectNode().put("op", op);
    }

    /** What bulk-client.mjs expects: "<index>:" then filler up to {@code size} characters. */
    static String payload(int index, int size) {
        String head = index + ":";
        return head + "x".repeat(size - head.length());
    }

    /** Echoes, bursts on request, and records disconnect reasons. */
    static final class Handlers implements SocketIoServerCustomizer {

        final Map<String, Socket> sockets = new ConcurrentHashMap<>();
        final Map<String, String> disconnectReasons = new ConcurrentHashMap<>();

        @Override
        public void customize(dev.socketeer.server.SocketIoServer server) {
            server.onConnection(socket -> {
                sockets.put(socket.id(), socket);
                socket.onDisconnect((s, reason) -> disconnectReasons.put(s.id(), reason));
                socket.on("echo", (args, ack) -> socket.emit("echo-back", args.get(0).asString()));
                socket.on("burst", (args, ack) -> {
                    int count = args.get(0).asInt();
                    int size = args.get(1).asInt();
                    for (int i = 0; i < count; i++) {
                        socket.emit("burst-item", payload(i, size));
                    }
                });
            });
        }
    }
}
