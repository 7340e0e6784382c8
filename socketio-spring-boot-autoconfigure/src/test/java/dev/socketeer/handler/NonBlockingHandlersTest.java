package dev.socketeer.handler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.annotation.Blocking;
import dev.socketeer.annotation.NonBlocking;
import dev.socketeer.annotation.OnConnect;
import dev.socketeer.annotation.OnEvent;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.server.Socket;
import dev.socketeer.test.JavaSocketIoClient;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.TestApplication;
import io.socket.client.IO;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.node.ArrayNode;

/**
 * {@code @NonBlocking} methods and controllers run on the event loop though they return plain values, {@code @Blocking}
 * ones on the handler executor, and {@code socketio.handler.non-blocking-by-default} flips the default of unannotated
 * methods; the startup log says where each method runs. BlockHound (installed for every test JVM, and failing the
 * class on any blocking call on an event loop) checks that these handlers, which emit, join rooms and answer acks,
 * never block the loop.
 */
@ExtendWith(OutputCaptureExtension.class)
class NonBlockingHandlersTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void annotationsChooseTheEventLoopOrTheExecutorPerMethodAndPerController(CapturedOutput output) {
        try (TestApplication app = TestApplication.start(List.of(Mixed.class, AllNonBlocking.class),
                "logging.level.dev.socketeer.handler=INFO");
                NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            clients.connect("m", app.url("/mixed"), Map.of("transports", List.of("websocket"))).awaitConnect("m", WAIT);
            assertThat(clients.awaitEvent("m", "joined", WAIT).get("args").get(0).asString()).startsWith("reactor-http");
            assertThat(thread(clients, "m", "fast")).startsWith("reactor-http");
            assertThat(thread(clients, "m", "default")).startsWith("socketio-handler");
            // events of one socket stay in order across the two kinds
            for (int i = 0; i < 10; i++) {
                clients.emit("m", i % 2 == 0 ? "fast-seq" : "slow-seq", i);
            }
            for (int i = 0; i < 10; i++) {
                assertThat(clients.awaitEvent("m", "seq", WAIT).get("args").get(0).asInt()).isEqualTo(i);
            }

            clients.connect("n", app.url("/all"), Map.of("transports", List.of("websocket"))).awaitConnect("n", WAIT);
            assertThat(thread(clients, "n", "loop")).startsWith("reactor-http");
            assertThat(thread(clients, "n", "exception")).startsWith("socketio-handler");

            List<String> log = output.getOut().lines().map(line -> line.substring(Math.max(0,
                    line.indexOf("Socket.IO namespace ")))).toList();
            String mixed = log.stream().filter(line -> line.startsWith("Socket.IO namespace /mixed: 6 handler methods;"))
                    .findFirst().orElseThrow(() -> new AssertionError("no startup line for /mixed in " + log));
            String onLoop = mixed.substring(mixed.indexOf("on the event loop: "), mixed.indexOf("; on HandlerExecutor["));
            String offLoop = mixed.substring(mixed.indexOf("; on HandlerExecutor["));
            assertThat(onLoop).contains("Mixed#joined", "Mixed#fast", "Mixed#fastSeq").doesNotContain("Mixed#slow");
            assertThat(offLoop).contains("Mixed#byDefault", "Mixed#slow", "Mixed#slowSeq");
            assertThat(log).anySatisfy(line -> assertThat(line).contains("Socket.IO namespace /all:")
                    .contains("on the event loop: AllNonBlocking#loop;").endsWith(": AllNonBlocking#exception"));
        }
    }

    @Test
    void thePropertyMakesUnannotatedMethodsNonBlockingAndBlockingOptsOut() throws Exception {
        try (TestApplication app = TestApplication.start(List.of(Mixed.class),
                "socketio.handler.non-blocking-by-default=true")) {
            IO.Options options = IO.Options.builder().setForceNew(true).setReconnection(false)
                    .setTransports(new String[] { "websocket" }).build();
            try (JavaSocketIoClient java = JavaSocketIoClient.connect(app.url("/mixed"), options)) {
                java.awaitConnect(WAIT);
                assertThat((String) java.emitWithAck("default", WAIT).get(0)).startsWith("reactor-http");
                assertThat((String) java.emitWithAck("slow", WAIT).get(0)).startsWith("socketio-handler");
            }
        }
    }

    private static String thread(NodeSocketIoClient clients, String client, String event) {
        ArrayNode ack = clients.emitWithAck(client, event, WAIT);
        return ack.get(0).asString();
    }

    @SocketIoController("/mixed")
    static class Mixed {

        @OnConnect
        @NonBlocking
        void joined(Socket socket) {
            socket.join("players");
            socket.emit("joined", Thread.currentThread().getName());
        }

        @OnEvent("fast")
        @NonBlocking
        String fast() {
            return Thread.currentThread().getName();
        }

        @OnEvent("default")
        String byDefault() {
            return Thread.currentThread().getName();
        }

        @OnEvent("slow")
        @Blocking
        String slow() throws InterruptedException {
            Thread.sleep(1);
            return Thread.currentThread().getName();
        }

        @OnEvent("fast-seq")
        @NonBlocking
        void fastSeq(Socket socket, int n) {
            socket.emit("seq", n);
        }

        @OnEvent("slow-seq")
        @Blocking
        void slowSeq(Socket socket, int n) throws InterruptedException {
            Thread.sleep(5);
            socket.emit("seq", n);
        }
    }

    @SocketIoController("/all")
    @NonBlocking
    static class AllNonBlocking {

        @OnEvent("loop")
        String loop() {
            return Thread.currentThread().getName();
        }

        @OnEvent("exception")
        @Blocking
        String exception() {
            return Thread.currentThread().getName();
        }
    }
}
