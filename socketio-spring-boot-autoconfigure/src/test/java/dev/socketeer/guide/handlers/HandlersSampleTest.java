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
                GlobalErrors.class)); NodeSocketIoClient clients = NodeSocketIoClient.start()) {
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

            clients.connect("room", app.url("/room-42"));
            assertThat(clients.awaitEvent("room", "welcome", WAIT).get("args").get(0).asString()).isEqualTo("/room-42");
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
