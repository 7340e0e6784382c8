package dev.socketeer.guide.migrating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.server.SocketIoServer;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.TestApplication;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The migration page's controller, as netty-socketio's chat demo clients use it. */
class MigratingSampleTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void chatEventsAreAcknowledgedAndReachTheLobby() {
        try (TestApplication app = TestApplication.start(List.of(ChatController.class));
                NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            clients.connect("a", app.url("/chat")).connect("b", app.url("/chat"));
            clients.awaitConnect("a", WAIT);
            clients.awaitConnect("b", WAIT);
            // @OnConnect joins the lobby on the handler executor, just after each client was told it is connected
            await().atMost(WAIT).until(() -> app.bean(SocketIoServer.class).of("/chat").in("lobby").allSockets()
                    .get(5, TimeUnit.SECONDS).size() == 2);
            Map<String, String> message = Map.of("userName", "alice", "message", "hi");
            assertThat(clients.emitWithAck("a", "chatevent", WAIT, message).get(0).asString()).isEqualTo("ok");
            assertThat(clients.awaitEvent("b", "chatevent", WAIT).get("args").get(0).get("userName").asString())
                    .isEqualTo("alice");
        }
    }
}
