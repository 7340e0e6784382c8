package dev.socketeer.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.socketeer.annotation.OnAnyEvent;
import dev.socketeer.annotation.OnEvent;
import dev.socketeer.annotation.Payload;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.server.Socket;
import dev.socketeer.test.JavaSocketIoClient;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.TestApplication;
import dev.socketeer.test.TestJson;
import io.socket.client.IO;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * Event arguments as the annotated model binds them, with the npm and Java clients: a varargs parameter receives
 * every argument (binaries included), required parameters answer {@code bad-payload} naming the argument when it is
 * missing or null, {@code Optional}, {@code @Nullable} and {@code @Payload(required = false)} make one optional, and
 * a malformed event without acknowledgement is logged at WARN, at most once per interval.
 */
class EventArgumentsEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static TestApplication app;
    private static NodeSocketIoClient clients;

    @BeforeAll
    static void start() {
        app = TestApplication.start(List.of(ArgumentsController.class));
        clients = NodeSocketIoClient.start();
        clients.connect("c", app.url("/args"), Map.of("transports", List.of("websocket")));
        clients.awaitConnect("c");
    }

    @AfterAll
    static void stop() {
        if (clients != null) {
            clients.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void varargsReceiveEveryArgumentBinariesIncluded() {
        clients.emit("c", "echo", 1, "two", Map.of("three", 3), new byte[] { 4 }, null);
        JsonNode echoed = clients.awaitEvent("c", "echo").get("args");
        assertThat(echoed).hasSize(5);
        assertThat(echoed.get(0).asInt()).isEqualTo(1);
        assertThat(echoed.get(2).get("three").asInt()).isEqualTo(3);
        assertThat(TestJson.bytes(echoed.get(3))).containsExactly(4);
        assertThat(echoed.get(4).isNull()).isTrue();

        ArrayNode none = clients.emitWithAck("c", "echo-ack", WAIT);
        assertThat(none).isEmpty();
        ArrayNode many = clients.emitWithAck("c", "echo-ack", WAIT, "a", new byte[] { 1, 2 }, 3);
        assertThat(many).hasSize(3);
        assertThat(TestJson.bytes(many.get(1))).containsExactly(1, 2);
    }

    @Test
    void varargsAfterPositionalParametersTakeTheRestConverted() {
        ArrayNode ack = clients.emitWithAck("c", "sum", WAIT, "total", 1, 2, 3);
        assertThat(ack.get(0).asString()).isEqualTo("total=6");
        assertThat(clients.emitWithAck("c", "sum", WAIT, "empty").get(0).asString()).isEqualTo("empty=0");
    }

    @Test
    void aMissingOrNullRequiredArgumentIsABadPayloadNamingIt() {
        for (Object[] args : new Object[][] { {}, { null } }) {
            JsonNode error = clients.emitWithAck("c", "greet", WAIT, args).get(0).get("error");
            assertThat(error.get("type").asString()).isEqualTo("bad-payload");
            assertThat(error.get("message").asString()).isEqualTo("Argument 0 'name' (String) is required");
            assertThat(error.get("argument").asInt()).isZero();
        }
        JsonNode primitive = clients.emitWithAck("c", "twice", WAIT).get(0).get("error");
        assertThat(primitive.get("message").asString()).isEqualTo("Argument 0 'n' (int) is required");
        assertThat(clients.emitWithAck("c", "greet", WAIT, "ann").get(0).asString()).isEqualTo("hello ann");
    }

    @Test
    void optionalNullableAndNotRequiredParametersMayBeMissing() {
        assertThat(clients.emitWithAck("c", "optional", WAIT).get(0).asString()).isEqualTo("nobody/nobody/nobody/0");
        assertThat(clients.emitWithAck("c", "optional", WAIT, "a", "b", "c", 4).get(0).asString())
                .isEqualTo("a/b/c/4");
    }

    @Test
    void aJsonNodeParameterTakesJsonNullButNotAMissingArgument() {
        assertThat(clients.emitWithAck("c", "kind", WAIT, (Object) null).get(0).asString()).isEqualTo("NULL");
        assertThat(clients.emitWithAck("c", "kind", WAIT).get(0).get("error").get("type").asString())
                .isEqualTo("bad-payload");
    }

    @Test
    void droppedMalformedEventsAreLoggedAtWarnAtMostOncePerInterval() {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger("dev.socketeer.handler");
        logged.start();
        logger.addAppender(logged);
        try {
            for (int i = 0; i < 20; i++) {
                clients.emit("c", "point", "not a point");
            }
            clients.emitWithAck("c", "greet", WAIT, "sync");      // handled after the 20 (one socket, in order)
            List<String> warnings = logged.list.stream().filter(event -> event.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0)).contains("ArgumentsController#point(Point) for event 'point'")
                    .contains("dropped the event: Argument 0 'point' (Point) is not a valid Point");
        } finally {
            logger.detachAppender(logged);
        }
    }

    @Test
    void javaClientGetsVarargsEchoesAndBadPayloadAnswers() throws Exception {
        IO.Options options = IO.Options.builder().setForceNew(true).setReconnection(false)
                .setTransports(new String[] { "websocket" }).build();
        try (JavaSocketIoClient java = JavaSocketIoClient.connect(app.url("/args"), options)) {
            java.awaitConnect(WAIT);
            List<Object> echoed = java.emitWithAck("echo-ack", WAIT, "x", new byte[] { 9 }, 7);
            assertThat(echoed).hasSize(3);
            assertThat(echoed.get(0)).isEqualTo("x");
            assertThat((byte[]) echoed.get(1)).containsExactly(9);
            assertThat(echoed.get(2)).isEqualTo(7);
            List<Object> missing = java.emitWithAck("greet", WAIT);
            assertThat(((JSONObject) missing.get(0)).getJSONObject("error").getString("message"))
                    .isEqualTo("Argument 0 'name' (String) is required");
        }
    }

    record Point(int x, int y) {
    }

    @SocketIoController("/args")
    static class ArgumentsController {

        @OnEvent("echo")
        void echo(Socket socket, JsonNode... args) {
            socket.emit("echo", (Object[]) args);
        }

        @OnEvent("echo-ack")
        AckArgs echoAck(JsonNode... args) {
            return AckArgs.of((Object[]) args);
        }

        @OnEvent("sum")
        String sum(String label, int... numbers) {
            return label + "=" + Arrays.stream(numbers).sum();
        }

        @OnEvent("greet")
        String greet(String name) {
            return "hello " + name;
        }

        @OnEvent("twice")
        int twice(int n) {
            return 2 * n;
        }

        @OnEvent("optional")
        String optional(Optional<String> a, @Nullable String b, @Payload(required = false) String c,
                @Payload(required = false) int d) {
            return a.orElse("nobody") + "/" + (b == null ? "nobody" : b) + "/" + (c == null ? "nobody" : c) + "/" + d;
        }

        @OnEvent("kind")
        String kind(JsonNode value) {
            return value.getNodeType().name();
        }

        @OnEvent("point")
        void point(Point point) {
        }

        @OnAnyEvent
        void any(JsonNode maybeFirst) {
            // unannotated parameters of @OnAnyEvent are optional: events without arguments reach it without errors
        }
    }
}
