package dev.socketeer.guide.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.TestApplication;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;

/** The handlers page's controllers and customizer, with a real client. */
class HandlersSampleTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void annotatedHandlersBindArgumentsAndAnswerAcknowledgements() {
        try (TestApplication app = TestApplication.start(List.of(ChatController.class, FilesController.class, RoomController.class,
                GlobalErrors.class, EchoController.class, ArenaController.class)); NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            clients.connect("chat", app.url("/chat")).awaitConnect("chat", WAIT);
            assertThat(clients.emitWithAck("chat", "uppercase", WAIT, "shout").get(0).asString()).isEqualTo("SHOUT");
            assertThat(clients.emitWithAck("chat", "chat message", WAIT, Map.of("text", "")).get(0)
                    .get("error").get("type").asString()).isEqualTo("validation");

            clients.connect("files", app.url("/files"), Map.of("auth", Map.of("team", "blue"))).awaitConnect("files", WAIT);
            ArrayNode upload = clients.emitWithAck("files", "upload", WAIT, "a.png", new byte[] { 1, 2, 3 });
            assertThat(upload.get(0).isNull()).isTrue();
            assertThat(upload.get(1).asString()).isEqualTo("a.png");
            assertThat(upload.get(2).asInt()).isEqualTo(3);
            assertThat(clients.emitWithAck("files", "rename", WAIT, "a.png", "b.png").get(0).asString())
                    .isEqualTo("renamed a.png to b.png");
            assertThat(clients.emitWithAck("files", "list", WAIT).get(0).toString()).isEqualTo("[\"a.png\",\"b.png\"]");

            clients.connect("echo", app.url("/echo")).awaitConnect("echo", WAIT);
            clients.emit("echo", "echo", "a", new byte[] { 7 });
            assertThat(clients.awaitEvent("echo", "echo", WAIT).get("args")).hasSize(2);
            assertThat(clients.emitWithAck("echo", "echo-ack", WAIT, 1, 2, 3)).hasSize(3);
            assertThat(clients.emitWithAck("echo", "tag", WAIT, "photo-1", "cat", "tabby").get(0).asString())
                    .isEqualTo("photo-1: cat, tabby");
            assertThat(clients.emitWithAck("echo", "search", WAIT, "cats").get(0).asString())
                    .isEqualTo("cats 10 relevance false");
            assertThat(clients.emitWithAck("echo", "search", WAIT).get(0).get("error").get("message").asString())
                    .isEqualTo("Argument 0 'text' (String) is required");

            clients.connect("player", app.url("/arena")).awaitConnect("player", WAIT);
            clients.emit("player", "move", Map.of("x", 1.5, "y", 2));
            assertThat(clients.emitWithAck("player", "save", WAIT).get(0).asString()).startsWith("arena-");

            clients.connect("room", app.url("/room-42"));
            assertThat(clients.awaitEvent("room", "welcome", WAIT).get("args").get(0).asString()).isEqualTo("/room-42");
        }
    }

    @Test
    void anErrorAnswerBeanShapesEveryFailedEventsAnswer() {
        try (TestApplication app = TestApplication.start(List.of(ChatController.class, ErrorShape.class));
                NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            clients.connect("chat", app.url("/chat")).awaitConnect("chat", WAIT);
            ArrayNode answer = clients.emitWithAck("chat", "chat message", WAIT, Map.of("text", ""));
            assertThat(answer.get(0).get("code").asString()).isEqualTo("validation");
            assertThat(answer.get(0).has("error")).isFalse();
        }
    }

    @Test
    void programmaticHandlersEchoAndRefuseWithoutAToken() {
        try (TestApplication app = TestApplication.start(List.of(ChatSocketConfiguration.class));
                NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            clients.connect("main", app.url("/")).awaitConnect("main", WAIT);
            assertThat(clients.emitWithAck("main", "echo", WAIT, "ping", 1).toString()).isEqualTo("[\"ping\",1]");

            clients.connect("intruder", app.url("/chat"));
            assertThat(clients.awaitConnectError("intruder", WAIT).get("data").get("reason").asString())
                    .isEqualTo("missing token");
        }
    }
}
