package dev.socketeer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.autoconfigure.SocketIoServerCustomizer;
import dev.socketeer.server.Socket;
import dev.socketeer.server.SocketIoServer;
import io.netty.util.ResourceLeakDetector;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * With the default backpressure policy, a client that reads is never cut off: what a local npm client gets echoed,
 * or what the server bursts at it, all arrives, in order, on both transports (the reference delivers all of it).
 */
class BackpressureEndToEndTest {

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
        try (BulkClient client = BulkClient.start(app, transport)) {
            String sid = client.awaitConnect();
            client.expect("burst-item", 60, 1_000_000);
            client.emit("burst", 60, 1_000_000);
            assertDone(client, 60, sid);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "websocket", "polling" })
    void fastReaderGetsASixtyMegabyteBurstFromAnApplicationThreadWhole(String transport) {
        try (BulkClient client = BulkClient.start(app, transport)) {
            String sid = client.awaitConnect();
            client.expect("burst-item", 60, 1_000_000);
            Socket socket = HANDLERS.sockets.get(sid);
            for (int i = 0; i < 60; i++) {
                socket.emit("burst-item", BulkClient.payload(i, 1_000_000));
            }
            assertDone(client, 60, sid);
        }
    }

    private static void assertEchoed(String transport, int count, int size) {
        try (BulkClient client = BulkClient.start(app, transport)) {
            String sid = client.awaitConnect();
            client.echo(count, size);
            assertDone(client, count, sid);
        }
    }

    private static void assertDone(BulkClient client, int count, String sid) {
        JsonNode done = client.awaitDoneOrDisconnect();
        assertThat(done.get("type").asString()).as("%s (server-side reason: %s)", done,
                HANDLERS.disconnectReasons.get(sid)).isEqualTo("done");
        assertThat(done.get("received").asInt()).isEqualTo(count);
        assertThat(done.get("inOrder").asBoolean()).isTrue();
        assertThat(HANDLERS.disconnectReasons).doesNotContainKey(sid);
    }

    /** Echoes, bursts on request, and records disconnect reasons. */
    static final class Handlers implements SocketIoServerCustomizer {

        final Map<String, Socket> sockets = new ConcurrentHashMap<>();
        final Map<String, String> disconnectReasons = new ConcurrentHashMap<>();

        @Override
        public void customize(SocketIoServer server) {
            server.onConnection(socket -> {
                sockets.put(socket.id(), socket);
                socket.onDisconnect((s, reason) -> disconnectReasons.put(s.id(), reason));
                socket.on("echo", (args, ack) -> socket.emit("echo-back", args.get(0).asString()));
                socket.on("burst", (args, ack) -> {
                    int count = args.get(0).asInt();
                    int size = args.get(1).asInt();
                    for (int i = 0; i < count; i++) {
                        socket.emit("burst-item", BulkClient.payload(i, size));
                    }
                });
            });
        }
    }
}
