package dev.socketeer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.e2e.BackpressureEndToEndTest.Handlers;
import dev.socketeer.server.Socket;
import dev.socketeer.test.NodeSocketIoClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The backpressure policy against real clients that stop reading: an npm client paused with SIGSTOP (its process
 * reads nothing, as a frozen browser tab or a stalled network would) while the server writes to it. It lags
 * (volatile packets dropped), catches up when it reads again (drain), and is cut off when it falls further behind
 * than the policy allows, with a reason the server's listeners and the client both see; others are served
 * throughout.
 */
class SlowClientEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** More than the kernel's socket buffers on both sides take (a few megabytes each on loopback). */
    private static final int BURST = 24;
    private static final int MEGABYTE = 1_000_000;

    @Test
    void clientThatReadsNothingForMaxLagIsDisconnectedWhileOthersAreServed() throws Exception {
        Handlers handlers = new Handlers();
        try (SocketIoApp app = SocketIoApp.start(handlers, "socketio.backpressure.max-lag=2s");
                BulkClient paused = BulkClient.start(app, "websocket");
                NodeSocketIoClient bystander = NodeSocketIoClient.start()) {
            bystander.connect("bystander", app.url("/"), Map.of("transports", List.of("websocket")));
            bystander.awaitConnect("bystander");
            String sid = paused.awaitConnect();
            Socket socket = handlers.sockets.get(sid);
            double before = disconnects(app, "max-lag");
            paused.signal("STOP");
            try {
                burst(socket, BURST);
                await().atMost(WAIT).until(() -> handlers.disconnectReasons.containsKey(sid));
                assertThat(handlers.disconnectReasons.get(sid)).isEqualTo("slow client");
                assertThat(disconnects(app, "max-lag")).isEqualTo(before + 1);
                app.server().emit("still-there", 1);
                assertThat(bystander.awaitEvent("bystander", "still-there").get("args").get(0).asInt()).isEqualTo(1);
            } finally {
                paused.signal("CONT");
            }
            JsonNode disconnect = paused.awaitDisconnect();
            assertThat(disconnect.get("reason").asString()).isEqualTo("transport close");
            assertThat(disconnect.get("received").asInt()).isLessThan(BURST);
        }
    }

    @Test
    void clientFurtherBehindThanMaxBufferIsDisconnectedAndGetsA1008CloseOnceItReads() throws Exception {
        Handlers handlers = new Handlers();
        try (SocketIoApp app = SocketIoApp.start(handlers, "socketio.backpressure.max-buffer=3MB");
                BulkClient paused = BulkClient.start(app, "websocket")) {
            String sid = paused.awaitConnect();
            Socket socket = handlers.sockets.get(sid);
            paused.expect("burst-item", BURST, MEGABYTE);
            double before = disconnects(app, "max-buffer");
            paused.signal("STOP");
            try {
                AtomicInteger sent = new AtomicInteger();
                while (sent.get() < BURST && !handlers.disconnectReasons.containsKey(sid)) {
                    socket.emit("burst-item", BulkClient.payload(sent.getAndIncrement(), MEGABYTE));
                    assertThat(socket.conn().bufferedAmount()).as("bytes waiting").isLessThanOrEqualTo(3L << 20);
                }
                await().atMost(WAIT).until(() -> handlers.disconnectReasons.containsKey(sid));
                assertThat(handlers.disconnectReasons.get(sid)).isEqualTo("slow client");
                assertThat(disconnects(app, "max-buffer")).isEqualTo(before + 1);
            } finally {
                paused.signal("CONT");
            }
            JsonNode disconnect = paused.awaitDisconnect();
            assertThat(disconnect.get("reason").asString()).isEqualTo("transport close");
            assertThat(disconnect.get("closeCode").asInt()).isEqualTo(1008);
        }
    }

    @Test
    void laggingSocketDropsVolatilePacketsAndDrainsOnceTheClientReadsAgain() throws Exception {
        Handlers handlers = new Handlers();
        try (SocketIoApp app = SocketIoApp.start(handlers);
                BulkClient paused = BulkClient.start(app, "websocket")) {
            String sid = paused.awaitConnect();
            Socket socket = handlers.sockets.get(sid);
            AtomicInteger drains = new AtomicInteger();
            socket.onDrain(s -> drains.incrementAndGet());
            paused.expect("burst-item", BURST, MEGABYTE);
            double dropped = volatileDropped(app);
            paused.signal("STOP");
            try {
                burst(socket, BURST);
                await().atMost(WAIT).until(socket::isLagging);
                assertThat(socket.conn().bufferedAmount()).isGreaterThan(64 * 1024);
                socket.asVolatile().emit("volatile-item", "dropped while lagging");
                assertThat(volatileDropped(app)).isEqualTo(dropped + 1);
            } finally {
                paused.signal("CONT");
            }
            JsonNode done = paused.awaitDoneOrDisconnect();
            assertThat(done.get("type").asString()).isEqualTo("done");
            await().atMost(WAIT).until(() -> drains.get() > 0);
            assertThat(socket.isLagging()).isFalse();
            assertThat(handlers.disconnectReasons).doesNotContainKey(sid);
        }
    }

    private static void burst(Socket socket, int count) {
        for (int i = 0; i < count; i++) {
            socket.emit("burst-item", BulkClient.payload(i, MEGABYTE));
        }
    }

    private static double disconnects(SocketIoApp app, String limit) {
        Counter counter = app.context().getBean(MeterRegistry.class).find("socketio.backpressure.disconnects")
                .tags("transport", "websocket", "limit", limit).counter();
        return counter == null ? 0 : counter.count();
    }

    private static double volatileDropped(SocketIoApp app) {
        Counter counter = app.context().getBean(MeterRegistry.class).find("socketio.backpressure.volatile.dropped")
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
