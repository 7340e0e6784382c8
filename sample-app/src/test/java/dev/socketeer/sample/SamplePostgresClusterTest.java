package dev.socketeer.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.test.JavaSocketIoClient;
import dev.socketeer.test.PostgresTestServer;
import java.time.Duration;
import java.util.Map;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two sample nodes on the {@code postgres} profile sharing a test-started PostgreSQL: chat messages cross nodes
 * through the Postgres adapter, and the history (table {@code chat_history}) is the same on both, trimmed to the
 * last 100 messages.
 */
class SamplePostgresClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String SECRET = "a test key shared by both nodes, 32+ characters";

    @Test
    void theHistoryIsSharedByTheNodesThroughPostgres() throws Exception {
        try (PostgresTestServer postgres = PostgresTestServer.start("sample-chat");
                ConfigurableApplicationContext nodeA = node(postgres);
                ConfigurableApplicationContext nodeB = node(postgres);
                JavaSocketIoClient carol = Chat.connect(nodeA, Map.of("token", Chat.token(nodeA, "carol")));
                JavaSocketIoClient dave = Chat.connect(nodeB, Map.of("token", Chat.token(nodeB, "dave")))) {
            carol.awaitEvent("history", WAIT);
            dave.awaitEvent("history", WAIT);

            for (int i = 1; i <= 101; i++) {
                dave.emit("chat message", "message " + i + " from node B");
            }
            JSONObject last = null;
            for (int i = 0; i < 101; i++) {
                last = (JSONObject) carol.awaitEvent("chat message", WAIT).args().get(0);
            }
            assertThat(last.getString("text")).isEqualTo("message 101 from node B");

            try (JavaSocketIoClient erin = Chat.connect(nodeA, Map.of("token", Chat.token(nodeA, "erin")))) {
                JSONArray history = (JSONArray) erin.awaitEvent("history", WAIT).args().get(0);
                assertThat(history.length()).isEqualTo(100);
                assertThat(history.getJSONObject(0).getString("text")).isEqualTo("message 2 from node B");
                assertThat(history.getJSONObject(99).getString("text")).isEqualTo("message 101 from node B");
                assertThat(history.getJSONObject(99).getString("nickname")).isEqualTo("dave");
            }
        }
    }

    private static ConfigurableApplicationContext node(PostgresTestServer postgres) {
        return Chat.start("--spring.profiles.active=postgres", "--spring.r2dbc.url=" + postgres.r2dbcUrl(),
                "--spring.r2dbc.username=postgres", "--spring.r2dbc.password=", "--chat.token-secret=" + SECRET);
    }
}
