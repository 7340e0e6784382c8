package dev.socketeer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.e2e.BackpressureEndToEndTest.Handlers;
import dev.socketeer.server.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a long-polling session may hold is bounded in bytes, and a poll carries at most what the client was told a
 * payload may hold ({@code maxPayload}): a client that posts and never polls cannot grow the heap, and a late poll
 * never gets one giant payload. Raw HTTP clients, so that the test decides when (and whether) to poll.
 */
class PollingBufferEndToEndTest {

    private static final long MAX_BUFFER = 2L << 20;
    private static final int MAX_PAYLOAD = 1_000_000;
    private static final Handlers HANDLERS = new Handlers();
    private static SocketIoApp app;

    @BeforeAll
    static void startApp() {
        app = SocketIoApp.start(HANDLERS, "socketio.backpressure.max-buffer=2MB");
    }

    @AfterAll
    static void stopApp() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void clientThatPostsAndNeverPollsIsCutOffOnceMoreThanMaxBufferWaits() throws Exception {
        RawPolling client = RawPolling.connected(app.port());
        Socket socket = HANDLERS.sockets.get(client.socketId());
        String echo = "42[\"echo\",\"" + "x".repeat(200_000) + "\"]";
        int posted = 0;
        HttpResponse<String> answer;
        do {
            answer = client.post(echo);
            posted++;
            assertThat(socket.conn().bufferedAmount()).as("bytes waiting for the poll").isLessThanOrEqualTo(MAX_BUFFER);
        } while (answer.statusCode() == 200 && posted < 50);
        // 2 MiB hold ten echoes of 200 kB: the eleventh goes over, and the next post finds no session
        assertThat(posted).isLessThanOrEqualTo(12);
        await().atMost(RawPolling.WAIT).until(() -> HANDLERS.disconnectReasons.containsKey(client.socketId()));
        assertThat(HANDLERS.disconnectReasons.get(client.socketId())).isEqualTo("slow client");
        assertThat(client.get().body()).isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
    }

    @Test
    void latePollGetsAtMostOnePayloadAndTheNextPollsTheRestInOrder() throws Exception {
        RawPolling client = RawPolling.connected(app.port());
        Socket socket = HANDLERS.sockets.get(client.socketId());
        for (int i = 0; i < 5; i++) {
            socket.emit("burst-item", BulkClient.payload(i, 300_000));
        }
        List<String> received = new ArrayList<>();
        int polls = 0;
        while (received.size() < 5 && polls++ < 10) {
            String body = client.get().body();
            assertThat(body.length()).as("one poll's payload").isLessThanOrEqualTo(MAX_PAYLOAD);
            for (String packet : body.split("\u001e")) {
                received.add(packet);
            }
        }
        assertThat(received).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(received.get(i)).startsWith("42[\"burst-item\",\"" + i + ":").hasSize(300_000 + 19);
        }
        assertThat(polls).isGreaterThan(1);
        assertThat(HANDLERS.disconnectReasons).doesNotContainKey(client.socketId());
    }

    @Test
    void pollingClientLagsWhileMoreThanTheHighWaterMarkWaitsAndDrainsWhenItPolls() throws Exception {
        RawPolling client = RawPolling.connected(app.port());
        Socket socket = HANDLERS.sockets.get(client.socketId());
        List<Socket> drained = new CopyOnWriteArrayList<>();
        socket.onDrain(drained::add);
        socket.emit("burst-item", BulkClient.payload(0, 100_000));
        assertThat(socket.isLagging()).isTrue();
        assertThat(client.get().body()).startsWith("42[\"burst-item\",\"0:");
        await().atMost(Duration.ofSeconds(5)).until(() -> !drained.isEmpty());
        assertThat(socket.isLagging()).isFalse();
        assertThat(socket.conn().bufferedAmount()).isZero();
    }
}
