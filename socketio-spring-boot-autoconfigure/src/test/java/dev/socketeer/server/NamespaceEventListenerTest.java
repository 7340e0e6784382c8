package dev.socketeer.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.test.JavaSocketIoClient;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.TestApplication;
import io.socket.client.IO;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link SocketEventListener}: registered once on a namespace it serves every socket (connected before or after),
 * with the socket; on a namespace pattern, every child; {@code off} stops it; on one socket it gets that socket.
 */
class NamespaceEventListenerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void oneNamespaceListenerServesEverySocketWithTheSocket() throws Exception {
        try (TestApplication app = TestApplication.start(); NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            SocketIoServer io = app.bean(SocketIoServer.class);
            SocketEventListener whoAmI = (socket, args, ack) -> ack.send(socket.id(), args.size());
            io.of("/chat").on("who-am-i", whoAmI);
            io.of(Pattern.compile("^/room-\\d+$")).on("where", (socket, args, ack) -> ack.send(socket.namespace().name()));
            io.sockets().onConnection(socket -> socket.on("mine", (self, args, ack) -> ack.send(self == socket)));

            String a = clients.connect("a", app.url("/chat")).awaitConnect("a", WAIT).get("sid").asString();
            String b = clients.connect("b", app.url("/chat")).awaitConnect("b", WAIT).get("sid").asString();
            assertThat(clients.emitWithAck("a", "who-am-i", WAIT, 1, 2).toString()).isEqualTo("[\"" + a + "\",2]");
            assertThat(clients.emitWithAck("b", "who-am-i", WAIT).get(0).asString()).isEqualTo(b);

            clients.connect("r", app.url("/room-7")).awaitConnect("r", WAIT);
            assertThat(clients.emitWithAck("r", "where", WAIT).get(0).asString()).isEqualTo("/room-7");

            IO.Options options = IO.Options.builder().setForceNew(true).setReconnection(false).build();
            try (JavaSocketIoClient java = JavaSocketIoClient.connect(app.url("/"), options)) {
                java.awaitConnect(WAIT);
                assertThat(java.emitWithAck("mine", WAIT)).containsExactly(true);
            }

            SocketEventListener ping = (socket, args, ack) -> socket.emit("pong");
            io.of("/chat").on("ping", ping);
            clients.emit("a", "ping");
            clients.awaitEvent("a", "pong", WAIT);
            io.of("/chat").off("ping", ping);
            clients.emit("a", "ping");
            clients.assertNoEvent("a", "pong", Duration.ofMillis(500));
        }
    }
}
