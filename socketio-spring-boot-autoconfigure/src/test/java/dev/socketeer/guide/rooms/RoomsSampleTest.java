package dev.socketeer.guide.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.NodeSocketIoClient.AckReply;
import dev.socketeer.test.TestApplication;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The rooms page's controller and its broadcast with acknowledgements, with real clients. */
class RoomsSampleTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void joiningTellsTheRoomAndAPollKeepsTheAnswersThatCameInTime() throws Exception {
        try (TestApplication app = TestApplication.start(List.of(GameController.class, Notifications.class));
                NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            clients.connect("eager", app.url("/"), Map.of(), Map.of("poll", AckReply.of("yes")));
            clients.connect("silent", app.url("/"));
            String eager = clients.awaitConnect("eager", WAIT).get("sid").asString();
            clients.awaitConnect("silent", WAIT);

            assertThat(clients.emitWithAck("eager", "join", WAIT, "room-1").get(0).toString()).contains("\"room-1\"");
            clients.emitWithAck("silent", "join", WAIT, "room-1");
            assertThat(clients.awaitEvent("eager", "joined", WAIT).get("args").get(0).asString()).isNotEqualTo(eager);

            List<JsonNode> answers = app.bean(Notifications.class).poll("room-1", "lunch?", Duration.ofMillis(800))
                    .get(10, TimeUnit.SECONDS);
            assertThat(answers).extracting(JsonNode::asString).containsExactly("yes");
        }
    }
}
