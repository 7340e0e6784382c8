package dev.socketeer.guide.serverside;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.adapter.redis.RedisServer;
import dev.socketeer.test.TestApplication;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The server-side events page's cache, on two nodes sharing a real Redis. */
class ServerSideSampleTest {

    @Test
    void aChangeOnOneNodeReachesTheOtherAndEachOtherNodeAnswers() throws Exception {
        try (RedisServer redis = RedisServer.start(); TestApplication one = node(redis); TestApplication two = node(redis)) {
            // a node's adapter connects to Redis in the background: cluster requests fail until it has
            await().atMost(Duration.ofSeconds(20)).ignoreExceptionsInstanceOf(ExecutionException.class)
                    .until(() -> one.bean(PriceCache.class).sizes().get(5, TimeUnit.SECONDS).size() == 1);

            one.bean(PriceCache.class).changed("tea", 3);

            await().atMost(Duration.ofSeconds(10)).until(() -> two.bean(PriceCache.class).size() == 1);
            List<JsonNode> sizes = one.bean(PriceCache.class).sizes().get(5, TimeUnit.SECONDS);
            assertThat(sizes).extracting(JsonNode::asInt).containsExactly(1);
        }
    }

    private static TestApplication node(RedisServer redis) {
        return TestApplication.start(List.of(PriceCache.class), "socketio.adapter.type=redis",
                "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port());
    }
}
