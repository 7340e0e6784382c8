package dev.socketeer.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.adapter.redis.RedisServer;
import dev.socketeer.annotation.EventName;
import dev.socketeer.annotation.OnServerSideEvent;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.server.Namespace;
import dev.socketeer.server.SocketIoServer;
import dev.socketeer.test.TestApplication;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

/**
 * {@code @OnServerSideEvent} on two nodes sharing a real Redis: a node's {@code serverSideEmitWithAck} reaches the
 * other node's annotated method with its arguments, and the return value is that node's answer; a main-namespace
 * and a {@code /chat} controller each receive their own namespace's events.
 */
class ServerSideEventHandlerTest {

    @Test
    void theOtherNodesAnnotatedMethodReceivesTheEventAndItsReturnValueIsTheAnswer() throws Exception {
        try (RedisServer redis = RedisServer.start(); TestApplication one = node(redis, "one");
                TestApplication two = node(redis, "two")) {
            SocketIoServer io = one.bean(SocketIoServer.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> io.serverSideEmitWithAck(Duration.ofSeconds(2),
                    "ping-node", "hello", 2).get(5, TimeUnit.SECONDS).size() == 1);
            List<JsonNode> answers = io.serverSideEmitWithAck(Duration.ofSeconds(5), "ping-node", "hello", 2)
                    .get(10, TimeUnit.SECONDS);
            assertThat(answers).hasSize(1);
            assertThat(answers.get(0).get("node").asString()).isEqualTo("two");
            assertThat(answers.get(0).get("args").toString()).isEqualTo("[\"hello\",2]");
            assertThat(answers.get(0).get("namespace").asString()).isEqualTo("/");

            List<JsonNode> chat = io.of("/chat").serverSideEmitWithAck(Duration.ofSeconds(5), "ping-node")
                    .get(10, TimeUnit.SECONDS);
            assertThat(chat).extracting(JsonNode::asString).containsExactly("chat ping-node on two");
        }
    }

    private static TestApplication node(RedisServer redis, String name) {
        return TestApplication.start(List.of(NodeController.class, ChatNodeController.class),
                "socketio.adapter.type=redis", "spring.data.redis.host=127.0.0.1",
                "spring.data.redis.port=" + redis.port(), "node.name=" + name);
    }

    record Pong(String node, List<JsonNode> args, String namespace) {
    }

    @SocketIoController
    static class NodeController {

        @Value("${node.name}")
        String name;

        @OnServerSideEvent("ping-node")
        Pong ping(Namespace namespace, JsonNode... args) {
            return new Pong(name, List.of(args), namespace.name());
        }
    }

    @SocketIoController("/chat")
    static class ChatNodeController {

        @Value("${node.name}")
        String name;

        @OnServerSideEvent("ping-node")
        String ping(@EventName String event) {
            return "chat " + event + " on " + name;
        }
    }
}
