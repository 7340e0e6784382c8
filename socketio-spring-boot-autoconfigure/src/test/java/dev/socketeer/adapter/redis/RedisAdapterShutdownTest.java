package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.test.NodeSocketIoClient;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A node on the Redis adapter (with its emitter's connection open) shuts down cleanly: the server is
 * closed once, its connections before Boot's Redis client stops, and nothing is logged at WARN or
 * above; the other node goes on.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisAdapterShutdownTest {

    @ParameterizedTest
    @ValueSource(strings = { "classic", "sharded" })
    void aCleanShutdownLogsNoWarning(String mode, CapturedOutput output) {
        try (RedisServer redis = RedisServer.start();
                ClusterNode n2 = ClusterNode.start("n2", redis.port(), "socketio.adapter.redis.mode=" + mode);
                NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            ClusterNode n1 = ClusterNode.start("n1", redis.port(), "socketio.adapter.redis.mode=" + mode);
            clients.connect("a", n1.url() + "/", ClusterNode.websocket());
            clients.connect("b", n2.url() + "/", ClusterNode.websocket());
            clients.awaitConnect("a");
            clients.awaitConnect("b");
            await().atMost(Duration.ofSeconds(20)).until(() -> n1.io().sockets().adapter().serverCount().get() == 2);
            n1.emitter().emit("through-the-emitter", 1).join(); // opens the emitter's connection
            if (mode.equals("classic")) { // the emitter speaks the classic format only
                clients.awaitEvent("b", "through-the-emitter");
            }

            int before = output.getOut().length();
            n1.close();
            String duringClose = output.getOut().substring(before);

            assertThat(duringClose.lines().filter(line -> line.contains(" WARN ") || line.contains(" ERROR ")))
                    .isEmpty();
            assertThat(clients.awaitDisconnect("a", Duration.ofSeconds(10)).get("reason").asString())
                    .isEqualTo("transport close");
            n2.io().emit("still-here", 1);
            clients.awaitEvent("b", "still-here");
        }
    }
}
