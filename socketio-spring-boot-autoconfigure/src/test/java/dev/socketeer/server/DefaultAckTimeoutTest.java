package dev.socketeer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketeer.adapter.AckTimeoutException;
import dev.socketeer.test.JavaSocketIoClient;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.NodeSocketIoClient.AckReply;
import dev.socketeer.test.TestApplication;
import io.socket.client.IO;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code socketio.ack-timeout}: the default of every {@code emitWithAck} given no {@code timeout(...)}, on a socket,
 * a broadcast and the server and namespace operators (npm and Java clients answering, or not); without it a broadcast
 * still needs an explicit timeout, and the message says how to give one.
 */
class DefaultAckTimeoutTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void emitWithAckOnTheServerNamespaceAndSocketUsesTheDefaultTimeout() throws Exception {
        try (TestApplication app = TestApplication.start("socketio.ack-timeout=800ms");
                NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            SocketIoServer io = app.bean(SocketIoServer.class);
            assertThat(io.options().ackTimeout()).isEqualTo(Duration.ofMillis(800));
            BlockingQueue<Socket> connected = new LinkedBlockingQueue<>();
            io.sockets().onConnection(connected::add);
            clients.connect("answers", app.url("/"), Map.of("transports", List.of("websocket")),
                    Map.of("question", AckReply.of("npm")));
            clients.awaitConnect("answers", WAIT);
            IO.Options options = IO.Options.builder().setForceNew(true).setReconnection(false)
                    .setTransports(new String[] { "websocket" }).build();
            try (JavaSocketIoClient java = JavaSocketIoClient.connect(app.url("/"), options)) {
                java.awaitConnect(WAIT);
                Socket npm = connected.poll(10, TimeUnit.SECONDS);
                Socket javaSocket = connected.poll(10, TimeUnit.SECONDS);

                // the Java client answers by hand; both answers arrive within the default timeout
                var all = io.emitWithAck("question", 1);
                java.awaitEvent("question", WAIT).reply("java");
                assertThat(all.get(10, TimeUnit.SECONDS)).extracting(JsonNode::asString)
                        .containsExactlyInAnyOrder("npm", "java");

                // the Java client stays silent now: the namespace broadcast and the socket both time out
                var namespace = io.sockets().emitWithAck("question", 2);
                assertThatThrownBy(() -> namespace.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(AckTimeoutException.class);
                assertThat(npm.emitWithAck("question", 3).get(10, TimeUnit.SECONDS).get(0).asString()).isEqualTo("npm");
                var silent = javaSocket.emitWithAck("question", 4);
                long start = System.nanoTime();
                assertThatThrownBy(() -> silent.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(AckTimeoutException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                // an explicit timeout still wins
                assertThat(npm.timeout(Duration.ofSeconds(5)).emitWithAck("question", 5).get(10, TimeUnit.SECONDS))
                        .hasSize(1);
            }
        }
    }

    @Test
    void withoutADefaultABroadcastNeedsATimeoutAndSaysWhichProperty() {
        try (TestApplication app = TestApplication.start()) {
            SocketIoServer io = app.bean(SocketIoServer.class);
            assertThat(io.options().ackTimeout()).isNull();
            assertThatThrownBy(() -> io.emitWithAck("question")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("socketio.ack-timeout");
            assertThatThrownBy(() -> io.serverSideEmitWithAck("question")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("socketio.ack-timeout");
        }
    }
}
