package dev.socketeer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A listener that fails on a large message gets one error line of bounded size, not the whole message. */
class ListenerFailureLogTest {

    private final EngineServer engine = new EngineServer(EngineOptions.defaults());
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ServerEngineSocket.class);

    @BeforeEach
    void capture() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logged);
    }

    @Test
    void failedListenerLogsTheStartAndLengthOfAMegabyteMessage() {
        engine.connectionListener(socket -> socket.listener(new EngineSocketListener() {
            @Override
            public void onMessage(EngineSocket s, String text) {
                throw new IllegalStateException("handler bug");
            }

            @Override
            public void onMessage(EngineSocket s, byte[] binary) {
                throw new IllegalStateException("handler bug");
            }

            @Override
            public void onClose(EngineSocket s, String reason) {
            }
        }));
        TestExchange open = new TestExchange("GET", null);
        engine.handlePolling(request(null), open);
        String sid = open.body().substring(9, 29);
        String message = "y".repeat(1_000_000);
        engine.handlePolling(request(sid), new TestExchange("POST", ("4" + message).getBytes(StandardCharsets.UTF_8)));

        assertThat(logged.list).singleElement().satisfies(event -> {
            assertThat(event.getFormattedMessage()).contains("yyyy").contains("1000000 characters").hasSizeLessThan(1_000);
            assertThat(event.getThrowableProxy().getMessage()).isEqualTo("handler bug");
        });
    }

    private static EngineRequest request(String sid) {
        String query = "EIO=4&transport=polling" + (sid == null ? "" : "&sid=" + sid);
        return new EngineRequest("/engine.io/?" + query, Map.of(), EngineRequest.parseQuery("/engine.io/?" + query),
                new InetSocketAddress("127.0.0.1", 1), false, System.currentTimeMillis(), null, Map.of());
    }

    /** A polling exchange with a fixed body that records its response. */
    private static final class TestExchange implements PollingExchange {

        private final String method;
        private final byte[] body;
        private byte[] response;

        TestExchange(String method, byte[] body) {
            this.method = method;
            this.body = body;
        }

        String body() {
            return new String(response, StandardCharsets.UTF_8);
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public String contentType() {
            return "text/plain;charset=UTF-8";
        }

        @Override
        public void readBody(long maxBytes, BodyCallback callback) {
            callback.onBody(body);
        }

        @Override
        public void respond(int status, String contentType, byte[] body, boolean compressible) {
            response = body;
        }

        @Override
        public void onAbort(Runnable onAbort) {
        }
    }
}
