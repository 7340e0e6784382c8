package dev.socketeer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.guide.LimitsAndBackpressureGuide.FeedConfiguration;
import dev.socketeer.server.Socket;
import dev.socketeer.test.NodeProcess;
import dev.socketeer.test.TestJson;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The guide's feed (docs/guide/limits-and-backpressure.md) against a real client that stops reading halfway: the
 * feed pauses while the client lags instead of piling the rest up on the server, resumes on drain, and the client
 * gets every item, in order.
 */
class GuideBackpressureEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    // 100 MB: more than the kernel buffers of both ends take on loopback (up to 32 MB receive, 4 MB send here)
    private static final int ITEMS = 1_000;
    private static final int SIZE = 100_000;

    @Test
    void feedPausesWhileTheClientLagsAndDeliversEverythingOnceItReadsAgain() throws Exception {
        Map<String, Socket> sockets = new ConcurrentHashMap<>();
        Iterator<String> items = IntStream.range(0, ITEMS).mapToObj(i -> BackpressureEndToEndTest.payload(i, SIZE))
                .iterator();
        try (SocketIoApp app = SocketIoApp.start(server -> {
            server.onConnection(socket -> sockets.put(socket.id(), socket));
            new FeedConfiguration().feed(() -> items).customize(server);
        })) {
            ObjectNode config = TestJson.MAPPER.createObjectNode().put("url", app.url("/"));
            config.putArray("transports").add("websocket");
            try (NodeProcess client = NodeProcess.start("bulk-client.mjs", config.toString())) {
                String sid = client.await(r -> type(r, "connect"), WAIT, "the connection").get("sid").asString();
                client.send(TestJson.MAPPER.createObjectNode().put("op", "expect").put("event", "item")
                        .put("count", ITEMS).put("size", SIZE));
                client.await(r -> type(r, "expecting"), WAIT, "the client to listen");
                client.send(TestJson.MAPPER.createObjectNode().put("op", "pause"));
                client.await(r -> type(r, "paused"), WAIT, "the client to stop reading");
                client.send(TestJson.MAPPER.createObjectNode().put("op", "emit").put("event", "subscribe"));
                Socket socket = sockets.get(sid);
                await().atMost(WAIT).until(socket::isLagging);
                Thread.sleep(500); // lets a feed that ignored the lag pile more up, which this one does not
                long waitingWhilePaused = socket.conn().bufferedAmount();
                client.send(TestJson.MAPPER.createObjectNode().put("op", "resume"));
                // the feed stopped at the high-water mark (64 KB) and one item over it
                assertThat(waitingWhilePaused).isLessThanOrEqualTo(64 * 1024 + SIZE + 100);
                JsonNode done = client.await(r -> type(r, "done") || type(r, "disconnect"), WAIT, "every item");
                assertThat(done.get("type").asString()).isEqualTo("done");
                assertThat(done.get("inOrder").asBoolean()).isTrue();
            }
        }
    }

    private static boolean type(JsonNode report, String type) {
        return type.equals(report.path("type").asString(""));
    }
}
