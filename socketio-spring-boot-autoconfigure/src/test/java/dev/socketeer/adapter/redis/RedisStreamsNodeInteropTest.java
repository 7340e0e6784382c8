package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.adapter.cluster.MsgPack;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import dev.socketeer.test.TestJson;
import tools.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Java nodes and a Node server on {@code @socket.io/redis-streams-adapter} 0.3.1: broadcasts and room operations
 * through the stream both ways, requests over pub/sub, and the stream entries in the reference's exact shape.
 */
class RedisStreamsNodeInteropTest extends RedisNodeInteropTestBase {

    @BeforeAll
    static void start() throws Exception {
        startCluster("streams");
    }

    private static StreamMessage<String, String> lastEntry() {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + redis.port());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            List<StreamMessage<String, String>> last = connection.sync().xrevrange("socket.io", Range.unbounded(),
                    Limit.from(1));
            return last.isEmpty() ? null : last.get(0);
        } finally {
            client.shutdown();
        }
    }

    private static void xadd(String... fields) {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + redis.port());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().xadd("socket.io", new XAddArgs().maxlen(10_000).approximateTrimming(), (Object[]) fields);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void javaStreamsEmitterReachesClientsOfNodeAndJavaServers() throws Exception {
        RedisStreamsEmitter emitter = n2.bean(RedisStreamsEmitter.class);

        String offset = emitter.emit("from-emitter", "z", new byte[] { 4, 2 }).get(10, TimeUnit.SECONDS);

        assertThat(offset).matches("[0-9]+-[0-9]+");
        for (String client : List.of("nc", "jc")) {
            JsonNode args = clients.awaitEvent(client, "from-emitter").get("args");
            assertThat(args.get(0).asString()).isEqualTo("z");
            assertThat(TestJson.bytes(args.get(1))).containsExactly(4, 2);
        }
        emitter.serverSideEmit("announce", "from-emitter").get(10, TimeUnit.SECONDS);
        assertThat(node.awaitServerSideEvent("announce").get("args").get(0).asString()).isEqualTo("from-emitter");
        emitter.in(ncSid).socketsJoin("joined-by-emitter").get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).untilAsserted(() -> {
            ObjectNode fetch = command("fetchSockets");
            fetch.set("rooms", TestJson.toNode(List.of("joined-by-emitter")));
            assertThat(node.call(fetch).get("value").toString()).contains(ncSid);
        });
    }

    @Test
    void entriesOfTheReferenceStreamsEmitterReachJavaClientsAndServers() {
        // exactly what socket.io-redis-streams-emitter appends (it is not published on npm)
        xadd("uid", "emitter", "nsp", "/", "type", "3", "data",
                "{\"packet\":{\"type\":2,\"data\":[\"raw-emitter\",\"v\"],\"nsp\":\"/\"},"
                        + "\"opts\":{\"rooms\":[],\"flags\":{},\"except\":[]}}");
        xadd("uid", "emitter", "nsp", "/", "type", "9", "data", "{\"packet\":[\"hello-servers\",\"raw\"]}");

        assertThat(clients.awaitEvent("jc", "raw-emitter").get("args").get(0).asString()).isEqualTo("v");
        await().atMost(WAIT).until(() -> n1.serverSideEvents().contains("hello-servers:raw")
                && n2.serverSideEvents().contains("hello-servers:raw"));
    }

    @Test
    void javaBroadcastIsOneStreamEntryShapedAsTheReferences() {
        n1.io().emit("wire", 1, "two");
        clients.awaitEvent("nc", "wire");

        StreamMessage<String, String> entry = lastEntry();
        Map<String, String> body = entry.getBody();
        assertThat(body.keySet()).containsExactly("uid", "nsp", "type", "data");
        assertThat(body.get("uid")).matches("[0-9a-f]{16}");
        assertThat(body.get("nsp")).isEqualTo("/");
        assertThat(body.get("type")).isEqualTo("3");
        JsonNode data = dev.socketeer.test.TestJson.MAPPER.readTree(body.get("data"));
        assertThat(data.get("packet").get("type").asInt()).isEqualTo(2);
        assertThat(data.get("packet").get("data").toString()).isEqualTo("[\"wire\",1,\"two\"]");
        assertThat(data.get("opts").toString()).isEqualTo("{\"rooms\":[],\"except\":[],\"flags\":{}}");
    }

    @Test
    void binaryBroadcastIsBase64MessagePackInTheEntry() {
        n1.io().emit("wire-bin", new byte[] { 1, 2, 3 });
        clients.awaitEvent("nc", "wire-bin");

        String data = lastEntry().getBody().get("data");
        assertThat(data).doesNotStartWith("{");
        JsonNode decoded = MsgPack.decode(Base64.getDecoder().decode(data));
        assertThat(decoded.get("packet").get("data").get(1).binaryValue()).containsExactly(1, 2, 3);
    }
}
