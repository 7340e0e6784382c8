package dev.socketeer.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.adapter.redis.RedisServer;
import dev.socketeer.test.JavaSocketIoClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two sample nodes ({@code --spring.profiles.active=redis}) on two ports sharing a test-started
 * {@code redis-server}: the REST push reaches a user connected to the other node, chat messages and the online
 * list cross nodes.
 */
class SampleRedisClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static RedisServer redis;
    private static ConfigurableApplicationContext nodeA;
    private static ConfigurableApplicationContext nodeB;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        nodeA = Chat.start("--spring.profiles.active=redis", "--spring.data.redis.port=" + redis.port());
        nodeB = Chat.start("--spring.profiles.active=redis", "--spring.data.redis.port=" + redis.port());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {nodeA, nodeB, redis}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void restPushOnNodeBReachesTheUserOnNodeAAndChatCrossesNodes() throws Exception {
        try (JavaSocketIoClient carol = JavaSocketIoClient.connect(Chat.url(nodeA));
                JavaSocketIoClient dave = JavaSocketIoClient.connect(Chat.url(nodeB))) {
            carol.awaitConnect(WAIT);
            dave.awaitConnect(WAIT);
            carol.emit("join", "carol");
            carol.awaitEvent("history", WAIT);
            dave.emit("join", "dave");
            dave.awaitEvent("history", WAIT);
            // the online list is fetched across both nodes
            await().atMost(WAIT).untilAsserted(() -> assertThat(Chat.newestOnline(carol)).containsExactly("carol", "dave"));

            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(Chat.url(nodeB) + "/api/users/carol/messages"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"parcel at the desk\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(202);
            JSONObject direct = (JSONObject) carol.awaitEvent("direct message", WAIT).args().get(0);
            assertThat(direct.getString("text")).isEqualTo("parcel at the desk");
            assertThat(direct.getString("nickname")).isEqualTo("server");

            dave.emit("chat message", "hi carol, from node B");
            JSONObject message = (JSONObject) carol.awaitEvent("chat message", WAIT).args().get(0);
            assertThat(message.getString("nickname")).isEqualTo("dave");
            assertThat(message.getString("text")).isEqualTo("hi carol, from node B");
            // the push went to carol only
            assertThat(dave.history()).noneMatch(r -> r.event().equals("direct message"));
        }
    }
}
