package dev.socketeer.handler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.annotation.HandshakeAuth;
import dev.socketeer.annotation.HandshakeQuery;
import dev.socketeer.annotation.OnConnect;
import dev.socketeer.annotation.OnDisconnect;
import dev.socketeer.annotation.OnEvent;
import dev.socketeer.annotation.Payload;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.annotation.SocketIoControllerAdvice;
import dev.socketeer.annotation.SocketIoExceptionHandler;
import dev.socketeer.server.Ack;
import dev.socketeer.server.ConnectionMiddleware;
import dev.socketeer.server.ConnectionRefusedException;
import dev.socketeer.server.Namespace;
import dev.socketeer.server.Socket;
import dev.socketeer.test.JavaSocketIoClient;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.TestJson;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import io.socket.client.IO;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * Annotated controllers in a real Spring Boot WebFlux application on a free port, driven by the npm socket.io-client
 * and the Java client: payload binding, acknowledgements from return values, threads, order, errors, middleware
 * beans, dynamic namespaces and the Principal.
 */
class AnnotatedControllerEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static ConfigurableApplicationContext app;
    private static String url;
    private static NodeSocketIoClient clients;

    @BeforeAll
    static void start() {
        app = new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.REACTIVE)
                .properties("server.port=0", "spring.main.banner-mode=off").run();
        url = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
        clients = NodeSocketIoClient.start();
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

    private static String connectToChat(String client) {
        clients.connect(client, url + "/chat?room=lobby&user=alice",
                Map.of("transports", List.of("websocket"), "auth", Map.of("token", "t-42")));
        return clients.awaitConnect(client).get("sid").asString();
    }

    @Test
    void connectHandlerGetsThePrincipalHandshakeAuthAndQuery() {
        connectToChat("welcome");
        JsonNode welcome = clients.awaitEvent("welcome", "welcome").get("args").get(0);
        assertThat(welcome.get("user").asString()).isEqualTo("alice");
        assertThat(welcome.get("token").asString()).isEqualTo("t-42");
        assertThat(welcome.get("room").asString()).isEqualTo("lobby");
        assertThat(welcome.get("thread").asString()).startsWith("socketio-handler");
        clients.disconnect("welcome");
    }

    @Test
    void recordPayloadIsBoundAndTheReturnValueIsTheAckOffTheEventLoop() {
        connectToChat("record");
        ArrayNode ack = clients.emitWithAck("record", "chat message", WAIT, Map.of("text", "hello", "priority", 3));
        assertThat(ack).hasSize(1);
        assertThat(ack.get(0).get("echoed").asString()).isEqualTo("hello");
        assertThat(ack.get(0).get("priority").asInt()).isEqualTo(3);
        assertThat(ack.get(0).get("thread").asString()).startsWith("socketio-handler").doesNotContain("reactor-http");
        clients.disconnect("record");
    }

    @Test
    void blockingHandlerSleepsOnTheHandlerExecutorWithoutBlockHoundComplaining() {
        connectToChat("blocking");
        ArrayNode ack = clients.emitWithAck("blocking", "blocking", WAIT, 50);
        assertThat(ack.get(0).asString()).startsWith("socketio-handler").doesNotStartWith("reactor-http");
        clients.disconnect("blocking");
    }

    @Test
    void reactiveHandlersAnswerFromMonoCompletionStageAndFlux() {
        connectToChat("reactive");
        ArrayNode mono = clients.emitWithAck("reactive", "mono", WAIT, "quiet");
        assertThat(mono.get(0).get("text").asString()).isEqualTo("QUIET");
        ArrayNode future = clients.emitWithAck("reactive", "future", WAIT, 2, 3);
        assertThat(future.get(0).get("sum").asInt()).isEqualTo(5);
        ArrayNode flux = clients.emitWithAck("reactive", "flux", WAIT, 3);
        assertThat(flux).hasSize(1);
        assertThat(flux.get(0).values()).extracting(JsonNode::asInt).containsExactly(1, 2, 3);
        clients.disconnect("reactive");
    }

    @Test
    void ackArgsAnswerWithSeveralArgumentsAndAnExplicitAckParameterAnswersItself() {
        connectToChat("multi");
        ArrayNode multi = clients.emitWithAck("multi", "multi", WAIT, "x");
        assertThat(multi).hasSize(3);
        assertThat(multi.get(0).isNull()).isTrue();
        assertThat(multi.get(1).asString()).isEqualTo("x");
        assertThat(multi.get(2).asInt()).isEqualTo(42);
        ArrayNode explicit = clients.emitWithAck("multi", "explicit", WAIT, "y");
        assertThat(explicit).hasSize(1);
        assertThat(explicit.get(0).asString()).isEqualTo("explicit:y");
        clients.disconnect("multi");
    }

    @Test
    void binaryAttachmentsBindToByteArraysByPayloadIndex() {
        connectToChat("binary");
        ArrayNode ack = clients.emitWithAck("binary", "binary", WAIT, "label", new byte[] { 1, 2, 3 });
        assertThat(ack.get(0).get("label").asString()).isEqualTo("label");
        assertThat(TestJson.bytes(ack.get(0).get("reversed"))).containsExactly(3, 2, 1);
        clients.disconnect("binary");
    }

    @Test
    void eventsOfOneSocketAreHandledInOrderAcrossBlockingAndReactiveHandlers() {
        connectToChat("order");
        for (int i = 0; i < 12; i++) {
            clients.emit("order", i % 2 == 0 ? "seq-slow" : "seq-fast", i);
        }
        for (int i = 0; i < 12; i++) {
            assertThat(clients.awaitEvent("order", "seq").get("args").get(0).asInt()).isEqualTo(i);
        }
        clients.disconnect("order");
    }

    @Test
    void validationFailureAnswersWithFieldErrorsAndKeepsTheSocketConnected() {
        connectToChat("invalid");
        ArrayNode ack = clients.emitWithAck("invalid", "chat message", WAIT, Map.of("text", "", "priority", -1));
        JsonNode error = ack.get(0).get("error");
        assertThat(error.get("type").asString()).as(ack.toString()).isEqualTo("validation");
        assertThat(error.get("fieldErrors").values()).as(ack.toString()).extracting(field -> field.get("field").asString())
                .containsExactlyInAnyOrder("text", "priority");
        ArrayNode badPayload = clients.emitWithAck("invalid", "chat message", WAIT, "not an object");
        assertThat(badPayload.get(0).get("error").get("type").asString()).isEqualTo("bad-payload");
        ArrayNode next = clients.emitWithAck("invalid", "chat message", WAIT, Map.of("text", "still here", "priority", 0));
        assertThat(next.get(0).get("echoed").asString()).isEqualTo("still here");
        clients.disconnect("invalid");
    }

    @Test
    void exceptionsGoToTheControllerHandlerThenTheAdviceThenTheDefaultErrorAnswer() {
        connectToChat("errors");
        ArrayNode local = clients.emitWithAck("errors", "local-error", WAIT, "x");
        assertThat(local.get(0).get("handledBy").asString()).isEqualTo("controller");
        assertThat(local.get(0).get("message").asString()).isEqualTo("bad x");
        ArrayNode advised = clients.emitWithAck("errors", "advised", WAIT);
        assertThat(advised.get(0).get("handledBy").asString()).isEqualTo("advice");
        assertThat(advised.get(0).get("message").asString()).isEqualTo("async failure");
        ArrayNode internal = clients.emitWithAck("errors", "boom", WAIT);
        assertThat(internal.get(0).get("error").get("type").asString()).isEqualTo("internal");
        assertThat(internal.get(0).get("error").get("message").asString()).isEqualTo("Internal server error");
        ArrayNode rejected = clients.emitWithAck("errors", "rejected", WAIT);
        assertThat(rejected.get(0).get("error").get("message").asString()).isEqualTo("not allowed");
        assertThat(rejected.get(0).get("error").get("data").get("code").asInt()).isEqualTo(42);
        clients.disconnect("errors");
    }

    @Test
    void disconnectHandlerGetsTheReason() throws InterruptedException {
        String sid = connectToChat("leaving");
        clients.disconnect("leaving");
        ChatController controller = app.getBean(ChatController.class);
        String left;
        do {
            left = controller.disconnects.poll(10, TimeUnit.SECONDS);
            assertThat(left).as("a disconnection of " + sid).isNotNull();
        } while (!left.startsWith(sid));
        assertThat(left).isEqualTo(sid + " client namespace disconnect CLIENT_NAMESPACE_DISCONNECT");
    }

    @Test
    void middlewareBeanRefusesWithDataAndLetsTheRightTokenIn() {
        clients.connect("refused", url + "/guarded", Map.of("transports", List.of("websocket"), "reconnection", false,
                "auth", Map.of("token", "wrong")));
        JsonNode error = clients.awaitConnectError("refused", WAIT);
        assertThat(error.toString()).contains("not authorized").contains("\"reason\":\"token\"");
        clients.connect("admitted", url + "/guarded", Map.of("transports", List.of("websocket"),
                "auth", Map.of("token", "open")));
        clients.awaitConnect("admitted");
        assertThat(clients.emitWithAck("admitted", "ping", WAIT).get(0).asString()).isEqualTo("pong");
        clients.disconnect("admitted");
    }

    @Test
    void dynamicNamespaceControllerHandlesEveryMatchingNamespace() {
        clients.connect("room7", url + "/room-7", Map.of("transports", List.of("websocket")));
        clients.awaitConnect("room7");
        assertThat(clients.emitWithAck("room7", "where", WAIT).get(0).asString()).isEqualTo("/room-7");
        clients.connect("room8", url + "/room-8", Map.of("transports", List.of("websocket")));
        clients.awaitConnect("room8");
        assertThat(clients.emitWithAck("room8", "where", WAIT).get(0).asString()).isEqualTo("/room-8");
        assertThat(clients.emitWithAck("room8", "thread", WAIT).get(0).asString())
                .as("a reactive handler of a socket with nothing queued runs on the event loop")
                .startsWith("reactor-http");
        clients.disconnect("room7");
        clients.disconnect("room8");
    }

    @Test
    void javaClientGetsRecordAcksAndErrorAnswers() throws Exception {
        IO.Options options = IO.Options.builder().setForceNew(true).setReconnection(false)
                .setTransports(new String[] { "websocket" }).build();
        try (JavaSocketIoClient java = JavaSocketIoClient.connect(url + "/chat", options)) {
            java.awaitConnect(WAIT);
            List<Object> ack = java.emitWithAck("chat message", WAIT,
                    new JSONObject(Map.of("text", "from java", "priority", 1)));
            assertThat(((JSONObject) ack.get(0)).getString("echoed")).isEqualTo("from java");
            List<Object> invalid = java.emitWithAck("chat message", WAIT, new JSONObject(Map.of("text", " ", "priority", 0)));
            assertThat(((JSONObject) invalid.get(0)).getJSONObject("error").getString("type")).isEqualTo("validation");
            List<Object> multi = java.emitWithAck("multi", WAIT, "j");
            assertThat(multi).hasSize(3);
            assertThat(multi.get(1)).isEqualTo("j");
        }
    }

    // ---- the application

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({ ChatController.class, ErrorAdvice.class, RoomController.class, GuardedController.class, Guard.class,
            PrincipalFromQuery.class })
    static class TestApp {
    }

    record ChatMessage(@NotBlank String text, @Min(0) int priority) {
    }

    record MessageAck(String echoed, int priority, String thread) {
    }

    static final class LocalException extends RuntimeException {
        LocalException(String message) {
            super(message);
        }
    }

    static final class AdvisedException extends RuntimeException {
        AdvisedException(String message) {
            super(message);
        }
    }

    @SocketIoController(namespace = "/chat")
    static class ChatController {

        final BlockingQueue<String> disconnects = new LinkedBlockingQueue<>();

        @OnConnect
        void joined(Socket socket, Principal user, @HandshakeAuth("token") String token,
                @HandshakeQuery("room") String room) {
            socket.emit("welcome", Map.of("user", user == null ? "anonymous" : user.getName(), "token",
                    String.valueOf(token), "room", String.valueOf(room), "thread", Thread.currentThread().getName()));
        }

        @OnEvent("chat message")
        MessageAck send(Socket socket, @Valid ChatMessage message) {
            return new MessageAck(message.text(), message.priority(), Thread.currentThread().getName());
        }

        @OnEvent("blocking")
        String blocking(int millis) throws InterruptedException {
            Thread.sleep(millis);
            return Thread.currentThread().getName();
        }

        @OnEvent("mono")
        Mono<Map<String, String>> mono(String text) {
            String thread = Thread.currentThread().getName();
            return Mono.just(Map.of("text", text.toUpperCase(), "thread", thread));
        }

        @OnEvent("future")
        CompletableFuture<Map<String, Integer>> future(int a, int b) {
            return CompletableFuture.supplyAsync(() -> Map.of("sum", a + b));
        }

        @OnEvent("flux")
        Flux<Integer> flux(int count) {
            return Flux.range(1, count);
        }

        @OnEvent("multi")
        AckArgs multi(String text) {
            return AckArgs.of(null, text, 42);
        }

        @OnEvent("explicit")
        String explicit(String text, Ack ack) {
            ack.send("explicit:" + text);
            return "ignored";
        }

        @OnEvent("binary")
        Map<String, Object> binary(@Payload(1) byte[] data, @Payload(0) String label) {
            byte[] reversed = new byte[data.length];
            for (int i = 0; i < data.length; i++) {
                reversed[i] = data[data.length - 1 - i];
            }
            return Map.of("label", label, "reversed", reversed);
        }

        @OnEvent("seq-slow")
        void slow(Socket socket, int n) throws InterruptedException {
            Thread.sleep(15);
            socket.emit("seq", n);
        }

        @OnEvent("seq-fast")
        Mono<Void> fast(Socket socket, int n) {
            socket.emit("seq", n);
            return Mono.empty();
        }

        @OnEvent("local-error")
        String localError(String text) {
            throw new LocalException("bad " + text);
        }

        @OnEvent("advised")
        Mono<String> advised() {
            return Mono.error(new AdvisedException("async failure"));
        }

        @OnEvent("boom")
        String boom() {
            throw new IllegalStateException("a secret detail");
        }

        @OnEvent("rejected")
        void rejected() {
            throw new SocketIoEventException("not allowed", Map.of("code", 42));
        }

        @SocketIoExceptionHandler
        Map<String, String> onLocal(LocalException error, Socket socket) {
            return Map.of("handledBy", "controller", "message", error.getMessage());
        }

        @OnDisconnect
        void left(Socket socket, DisconnectReason reason) {
            disconnects.add(socket.id() + " " + reason.reason() + " " + reason.name());
        }
    }

    @SocketIoControllerAdvice
    static class ErrorAdvice {

        @SocketIoExceptionHandler(AdvisedException.class)
        Map<String, String> handle(AdvisedException error) {
            return Map.of("handledBy", "advice", "message", error.getMessage());
        }
    }

    @SocketIoController(namespacePattern = "^/room-\\d+$")
    static class RoomController {

        @OnEvent("where")
        String where(Namespace namespace) {
            return namespace.name();
        }

        @OnEvent("thread")
        Mono<String> thread() {
            return Mono.just(Thread.currentThread().getName());
        }
    }

    @SocketIoController("/guarded")
    static class GuardedController {

        @OnEvent("ping")
        String ping() {
            return "pong";
        }
    }

    static class Guard implements SocketIoMiddleware {

        @Override
        public void apply(Socket socket, ConnectionMiddleware.Next next) {
            JsonNode token = socket.handshake().auth().get("token");
            if (token != null && "open".equals(token.asString())) {
                next.proceed();
            } else {
                next.refuse(new ConnectionRefusedException("not authorized", Map.of("reason", "token")));
            }
        }

        @Override
        public Set<String> namespaces() {
            return Set.of("/guarded");
        }
    }

    /** Stands in for Spring Security: the "user" query parameter becomes the request's principal. */
    static class PrincipalFromQuery implements WebFilter {

        @Override
        public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
            String user = exchange.getRequest().getQueryParams().getFirst("user");
            if (user == null) {
                return chain.filter(exchange);
            }
            Principal principal = () -> user;
            return chain.filter(exchange.mutate().principal(Mono.just(principal)).build());
        }
    }
}
