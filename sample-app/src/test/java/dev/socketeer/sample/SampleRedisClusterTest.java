package dev.socketeer.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.adapter.redis.RedisServer;
import dev.socketeer.test.JavaSocketIoClient;
import java.time.Duration;
import java.util.Map;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two sample nodes ({@code --spring.profiles.active=redis}) on two ports sharing a test-started
 * {@code redis-server}: the REST push reaches a user connected to the other node, chat messages and the online
 * list cross nodes, and the history (in Redis) is the same on both.
 */
class SampleRedisClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String SECRET = "a test key shared by both nodes, 32+ characters";

    private static RedisServer redis;
    private static ConfigurableApplicationContext nodeA;
    private static ConfigurableApplicationContext nodeB;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        nodeA = Chat.start("--spring.profiles.active=redis", "--spring.data.redis.port=" + redis.port(),
                "--chat.token-secret=" + SECRET);
        nodeB = Chat.start("--spring.profiles.active=redis", "--spring.data.redis.port=" + redis.port(),
                "--chat.token-secret=" + SECRET);
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

    private static JavaSocketIoClient connectTo(ConfigurableApplicationContext node, String token) {
        return Chat.connect(node, Map.of("token", token));
    }

    @Test
    void restPushOnNodeBReachesTheUserOnNodeAAndChatCrossesNodes() throws Exception {
        // tokens from node B work on node A (a shared key): a page may sign in on one node and connect to another
        try (JavaSocketIoClient carol = connectTo(nodeA, Chat.token(nodeB, "carol"));
                JavaSocketIoClient dave = connectTo(nodeB, Chat.token(nodeA, "dave"))) {
            carol.awaitEvent("history", WAIT);
            dave.awaitEvent("history", WAIT);
            // carol is taken on both nodes
            assertThat(Chat.signIn(nodeA, "carol", null).statusCode()).isEqualTo(409);
            // the online list is fetched across both nodes
            await().atMost(WAIT).untilAsserted(() -> assertThat(Chat.newestOnline(carol)).containsExactly("carol", "dave"));

            assertThat(Chat.push(nodeB, "carol", "parcel at the desk")).isEqualTo(202);
            JSONObject direct = (JSONObject) carol.awaitEvent("direct message", WAIT).args().get(0);
            assertThat(direct.getString("text")).isEqualTo("parcel at the desk");
            assertThat(direct.getString("nickname")).isEqualTo("server");

            dave.emit("chat message", "hi carol, from node B");
            JSONObject message = (JSONObject) carol.awaitEvent("chat message", WAIT).args().get(0);
            assertThat(message.getString("nickname")).isEqualTo("dave");
            assertThat(message.getString("text")).isEqualTo("hi carol, from node B");
            // the push went to carol only
            assertThat(dave.history()).noneMatch(r -> r.event().equals("direct message"));
            // the history is shared: erin joins on node A and gets dave's message, sent on node B
            try (JavaSocketIoClient erin = connectTo(nodeA, Chat.token(nodeA, "erin"))) {
                JSONArray history = (JSONArray) erin.awaitEvent("history", WAIT).args().get(0);
                assertThat(history.length()).isEqualTo(1);
                assertThat(history.getJSONObject(0).getString("text")).isEqualTo("hi carol, from node B");
            }
        }
    }
}
