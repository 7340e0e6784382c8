package dev.socketeer.guide.gettingstarted;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.TestApplication;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's and the getting-started page's controller, with real clients. */
class GettingStartedSampleTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void welcomesEachClientAcknowledgesAMessageAndBroadcastsItToTheOthers() {
        try (TestApplication app = TestApplication.start(List.of(ChatController.class));
                NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            clients.connect("a", app.url("/")).connect("b", app.url("/"));
            assertThat(clients.awaitEvent("a", "welcome", WAIT).get("args").get(0).asString()).startsWith("Hello, ");
            clients.awaitEvent("b", "welcome", WAIT);

            assertThat(clients.emitWithAck("a", "chat message", WAIT, "hello").get(0).asString()).isEqualTo("received");
            assertThat(clients.awaitEvent("b", "chat message", WAIT).get("args").get(0).asString()).isEqualTo("hello");
            clients.assertNoEvent("a", "chat message", Duration.ofMillis(300));
        }
    }
}
