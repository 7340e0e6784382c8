package dev.socketeer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.NodeSocketIoServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * Frames that break RFC 6455, sent byte for byte to the Node reference server ({@code ws} underneath) and to ours:
 * both answer with the same close frame, the connection ends, the error is counted and not logged at WARN (the
 * client would choose the log's volume), and a well-behaved client alongside keeps receiving broadcasts.
 */
class WebSocketProtocolEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int MAX_MESSAGE = 10_000;
    private static final E2eHandlers HANDLERS = new E2eHandlers();
    private static SocketIoApp app;
    private static NodeSocketIoServer reference;
    private static NodeSocketIoClient watcher;
    private static int broadcasts;

    /** What a client does wrong, frame by frame. */
    enum Violation {
        RESERVED_BIT_1(frames -> frames.send(0x80 | 0x40 | RawFrames.TEXT, bytes("4hello"), true)),
        RESERVED_BIT_2(frames -> frames.send(0x80 | 0x20 | RawFrames.TEXT, bytes("4hello"), true)),
        INVALID_UTF8(frames -> frames.send(RawFrames.TEXT, new byte[] { '4', (byte) 0xC3, (byte) 0x28 })),
        FRAGMENTED_MESSAGE_OVER_THE_LIMIT(frames -> {
            byte[] part = bytes("4" + "x".repeat(MAX_MESSAGE / 2));
            frames.send(RawFrames.TEXT, part, true);
            frames.send(0x80 | RawFrames.CONTINUATION, part, true);
        }),
        TEXT_FRAME_INSIDE_A_FRAGMENTED_MESSAGE(frames -> {
            frames.send(RawFrames.TEXT, bytes("4frag"), true);
            frames.send(0x80 | RawFrames.TEXT, bytes("4again"), true);
        }),
        CONTINUATION_WITHOUT_A_START(frames -> frames.send(0x80 | RawFrames.CONTINUATION, bytes("4x"), true)),
        UNMASKED_FRAME(frames -> frames.send(0x80 | RawFrames.TEXT, bytes("4hello"), false)),
        CLOSE_CODE_999(frames -> frames.sendClose(999, new byte[0])),
        CLOSE_CODE_1005(frames -> frames.sendClose(1005, new byte[0])),
        CLOSE_CODE_5000(frames -> frames.sendClose(5000, new byte[0])),
        CLOSE_REASON_NOT_UTF8(frames -> frames.sendClose(1000, new byte[] { (byte) 0xC3, (byte) 0x28 }));

        private final FrameWriter writer;

        Violation(FrameWriter writer) {
            this.writer = writer;
        }
    }

    @FunctionalInterface
    interface FrameWriter {
        void write(RawFrames frames) throws IOException;
    }

    @BeforeAll
    static void start() {
        app = SocketIoApp.start(HANDLERS, "socketio.max-http-buffer-size=" + MAX_MESSAGE + "B");
        reference = NodeSocketIoServer.start(Map.of("maxHttpBufferSize", MAX_MESSAGE));
        watcher = NodeSocketIoClient.start();
        watcher.connect("watcher", app.url("/"), Map.of("transports", List.of("websocket")));
        watcher.awaitConnect("watcher");
    }

    @AfterAll
    static void stop() {
        if (watcher != null) {
            watcher.close();
        }
        if (reference != null) {
            reference.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @AfterEach
    void otherClientStillReceivesBroadcasts() {
        int n = ++broadcasts;
        app.server().emit("alive", n);
        assertThat(watcher.awaitEvent("watcher", "alive", WAIT).get("args").get(0).asInt()).isEqualTo(n);
    }

    @ParameterizedTest
    @EnumSource(Violation.class)
    void violationIsAnsweredWithTheCloseFrameWsSends(Violation violation) throws IOException {
        int expected = closeCode(reference.port(), violation);
        assertThat(expected).as("ws's close code").isNotEqualTo(RawFrames.NO_CLOSE_FRAME);
        assertThat(closeCode(app.port(), violation)).as("our close code").isEqualTo(expected);
    }

    @Test
    void protocolErrorsAreCountedAndNotLoggedAtWarn() throws IOException {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logged.start();
        root.addAppender(logged);
        try {
            double before = protocolErrors(1002);
            String[] socketId = new String[1];
            for (int i = 0; i < 5; i++) {
                try (RawFrames frames = RawFrames.connected(app.port(), WAIT, socketId)) {
                    Violation.TEXT_FRAME_INSIDE_A_FRAGMENTED_MESSAGE.writer.write(frames);
                    assertThat(frames.awaitClose()).isEqualTo(1002);
                }
                String id = socketId[0];
                await().atMost(WAIT).until(() -> HANDLERS.disconnectReasons.containsKey(id));
                assertThat(HANDLERS.disconnectReasons.get(id)).isEqualTo("transport error");
            }
            assertThat(protocolErrors(1002)).isEqualTo(before + 5);
            assertThat(logged.list).filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                    .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
        } finally {
            root.detachAppender(logged);
        }
    }

    private static int closeCode(int port, Violation violation) throws IOException {
        try (RawFrames frames = RawFrames.open(port, WAIT)) {
            violation.writer.write(frames);
            return frames.awaitClose();
        }
    }

    private static double protocolErrors(int code) {
        Counter counter = app.context().getBean(MeterRegistry.class).find("socketio.websocket.protocol.errors")
                .tag("code", Integer.toString(code)).counter();
        return counter == null ? 0 : counter.count();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
