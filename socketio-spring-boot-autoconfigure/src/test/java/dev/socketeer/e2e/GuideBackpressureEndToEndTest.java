package dev.socketeer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.guide.limits.LimitsAndBackpressureGuide.FeedConfiguration;
import dev.socketeer.server.Socket;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The guide's feed (docs/guide/limits-and-backpressure.md) against a real client that stops reading halfway: the
 * feed pauses while the client lags instead of piling the rest up on the server, resumes on drain, and the client
 * gets every item, in order.
 */
class GuideBackpressureEndToEndTest {

    // 100 MB: more than the kernel buffers of both ends take on loopback (up to 32 MB receive, 4 MB send here)
    private static final int ITEMS = 1_000;
    private static final int SIZE = 100_000;

    @Test
    void feedPausesWhileTheClientLagsAndDeliversEverythingOnceItReadsAgain() throws Exception {
        Map<String, Socket> sockets = new ConcurrentHashMap<>();
        Iterator<String> items = IntStream.range(0, ITEMS).mapToObj(i -> BulkClient.payload(i, SIZE)).iterator();
        try (SocketIoApp app = SocketIoApp.start(server -> {
            server.onConnection(socket -> sockets.put(socket.id(), socket));
            new FeedConfiguration().feed(() -> items).customize(server);
        }); BulkClient client = BulkClient.start(app, "websocket")) {
            String sid = client.awaitConnect();
            client.expect("item", ITEMS, SIZE);
            client.pause();
            client.emit("subscribe");
            Socket socket = sockets.get(sid);
            await().atMost(BulkClient.WAIT).until(socket::isLagging);
            Thread.sleep(500); // lets a feed that ignored the lag pile more up, which this one does not
            long waitingWhilePaused = socket.conn().bufferedAmount();
            client.resume();
            // the feed stopped at the high-water mark (64 KB) and one item over it
            assertThat(waitingWhilePaused).isLessThanOrEqualTo(64 * 1024 + SIZE + 100);
            JsonNode done = client.awaitDoneOrDisconnect();
            assertThat(done.get("type").asString()).isEqualTo("done");
            assertThat(done.get("inOrder").asBoolean()).isTrue();
        }
    }
}
