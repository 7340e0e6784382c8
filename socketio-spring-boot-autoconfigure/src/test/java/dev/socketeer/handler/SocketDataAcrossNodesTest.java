package dev.socketeer.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.adapter.redis.RedisServer;
import dev.socketeer.annotation.OnEvent;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.server.RemoteSocket;
import dev.socketeer.server.Socket;
import dev.socketeer.server.SocketIoServer;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.TestApplication;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code socket.data()} holds any JSON value, nulls included: an annotated handler stores what the npm client sent
 * (objects with null fields, arrays with nulls, scalars, null itself) and both nodes of a Redis cluster read it back
 * unchanged through {@code fetchSockets}, the other node as decoded maps, lists and plain values; nothing throws.
 */
class SocketDataAcrossNodesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void anyJsonValueSetByAHandlerRoundTripsThroughFetchSocketsOnEitherNode() throws Exception {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("a", 1);
        object.put("none", null);
        values.put("object", object);
        values.put("array", Arrays.asList(1, null, "x", List.of(true)));
        values.put("number", 42.5);
        values.put("text", "hello");
        values.put("flag", false);
        values.put("nothing", null);
        try (RedisServer redis = RedisServer.start(); TestApplication one = node(redis); TestApplication two = node(redis);
                NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            clients.connect("c", one.url("/data"), Map.of("transports", List.of("websocket"))).awaitConnect("c", WAIT);
            for (Map.Entry<String, Object> entry : values.entrySet()) {
                assertThat(clients.emitWithAck("c", "set-data", WAIT, entry.getKey(), entry.getValue()).get(0).asString())
                        .isEqualTo("stored");
            }
            for (TestApplication node : List.of(one, two)) {
                SocketIoServer io = node.bean(SocketIoServer.class);
                await().atMost(WAIT).untilAsserted(() -> {
                    List<RemoteSocket> sockets = io.of("/data").fetchSockets().get(5, TimeUnit.SECONDS);
                    assertThat(sockets).hasSize(1);
                    Map<String, Object> data = sockets.get(0).data();
                    assertThat(JSON.writeValueAsString(data)).as("data seen from %s", node == one ? "its node" : "the other")
                            .isEqualTo(JSON.writeValueAsString(values));
                    assertThat(data).containsKey("nothing").containsEntry("nothing", null);
                });
            }
        }
    }

    private static TestApplication node(RedisServer redis) {
        return TestApplication.start(List.of(DataController.class), "socketio.adapter.type=redis",
                "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port());
    }

    @SocketIoController("/data")
    static class DataController {

        @OnEvent("set-data")
        String set(Socket socket, String key, JsonNode value) {
            socket.data().put(key, JSON.treeToValue(value, Object.class));
            return "stored";
        }
    }
}
