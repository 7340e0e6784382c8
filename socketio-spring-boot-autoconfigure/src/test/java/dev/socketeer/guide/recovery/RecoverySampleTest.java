package dev.socketeer.guide.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.TestApplication;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The recovery page's controller: after a dropped connection the client gets its session back. */
class RecoverySampleTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void aDroppedClientIsResumedWithItsDataAndOnConnectRunsAgain() {
        try (TestApplication app = TestApplication.start(List.of(GameController.class),
                "socketio.connection-state-recovery.enabled=true");
                NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            clients.connect("player", app.url("/"));
            String sid = clients.awaitConnect("player", WAIT).get("sid").asString();
            String player = clients.awaitEvent("player", "welcome", WAIT).get("args").get(0).asString();

            // on the WebSocket: a long-polling client dropped this way only tells the server by its silence, so the
            // server would still hold the old session when the client is back (the half-open case)
            clients.awaitUpgrade("player", WAIT);
            clients.closeTransport("player");                  // as a network failure would

            var again = clients.awaitConnect("player", WAIT);
            assertThat(again.get("recovered").asBoolean()).isTrue();
            assertThat(again.get("sid").asString()).isEqualTo(sid);
            assertThat(clients.awaitEvent("player", "resumed", WAIT).get("args").get(0).asString()).isEqualTo(player);
        }
    }
}
