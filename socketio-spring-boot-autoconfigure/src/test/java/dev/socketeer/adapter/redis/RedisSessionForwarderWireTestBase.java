package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.adapter.cluster.MsgPack;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The forwarding of long-polling requests ({@code socketio.cluster.sticky-sessions=false}) against the messages of
 * {@code @socket.io/cluster-engine} 0.1.0's {@code RedisEngine}, written here byte for byte as that package writes
 * them (msgpack maps marked {@code _source: "_eio"}, channels {@code engine.io#} and {@code engine.io#<node>#}): this
 * test is a Node node with id {@code "f00d01"}, on a raw Redis connection, next to one Socketeer node. Run with
 * both adapter modes by its subclasses: forwarding uses plain pub/sub channels in either.
 */
abstract class RedisSessionForwarderWireTestBase {

    static final String NODE = "f00d01";
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final Duration WAIT = Duration.ofSeconds(10);

    static RedisServer redis;
    static ClusterNode node;
    static RedisClient client;
    static StatefulRedisConnection<byte[], byte[]> pub;
    static StatefulRedisPubSubConnection<byte[], byte[]> sub;
    static final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();

    static void start(String adapterMode) throws Exception {
        received.clear(); // what another subclass's run left
        redis = RedisServer.start();
        node = ClusterNode.start("java", redis.port(), "socketio.cluster.sticky-sessions=false",
                "socketio.adapter.redis.mode=" + adapterMode);
        client = RedisClient.create("redis://127.0.0.1:" + redis.port());
        pub = client.connect(ByteArrayCodec.INSTANCE);
        sub = client.connectPubSub(ByteArrayCodec.INSTANCE);
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                JsonNode decoded = MsgPack.decode(message);
                ((ObjectNode) decoded).put("$channel", new String(channel, StandardCharsets.UTF_8));
                received.add(decoded);
            }
        });
        sub.sync().subscribe(bytes("engine.io#"), bytes("engine.io#" + NODE + "#"));
    }

    @AfterAll
    static void stop() {
        ClusterNode.closeAll(sub, pub, () -> client.shutdown(), node, redis);
    }

    @Test
    void theNodeHoldingASessionLendsItsPollAndTakesPacketsFromAnotherNode() throws Exception {
        String sid = handshake();
        ObjectNode lock = message(0).put("requestId", 7);
        lock.set("data", NODES.objectNode().put("sid", sid).put("transportName", "polling").put("type", "read"));
        publish("engine.io#", lock);

        JsonNode response = await(m -> m.path("type").asInt() == 1 && m.path("requestId").asInt() == 7);
        String javaNode = response.path("senderId").asString();
        assertThat(response.path("$channel").asString()).isEqualTo("engine.io#" + NODE + "#");
        assertThat(response.path("recipientId").asString()).isEqualTo(NODE);
        assertThat(response.path("_source").asString()).isEqualTo("_eio");
        assertThat(response.path("data").path("success").asBoolean()).isTrue();
        assertThat(javaNode).matches("[0-9a-f]{6}");

        // a second poll while the first is lent: refused
        ObjectNode again = message(0).put("requestId", 8);
        again.set("data", NODES.objectNode().put("sid", sid).put("transportName", "polling").put("type", "read"));
        publish("engine.io#", again);
        assertThat(await(m -> m.path("type").asInt() == 1 && m.path("requestId").asInt() == 8)
                .path("data").path("success").asBoolean()).isFalse();

        // a POST of this node carried the Socket.IO CONNECT: the answer drains to the lent poll
        ObjectNode packet = message(3).put("recipientId", javaNode);
        ObjectNode data = NODES.objectNode().put("sid", sid);
        data.set("packet", NODES.objectNode().put("type", "message").put("data", "0"));
        packet.set("data", data);
        publish("engine.io#" + javaNode + "#", packet);

        JsonNode drain = await(2, sid);
        assertThat(drain.path("$channel").asString()).isEqualTo("engine.io#" + NODE + "#");
        assertThat(drain.path("recipientId").asString()).isEqualTo(NODE);
        assertThat(drain.path("data").path("sid").asString()).isEqualTo(sid);
        JsonNode drained = drain.path("data").path("packets").get(0);
        assertThat(drained.path("type").asString()).isEqualTo("message");
        assertThat(drained.path("data").asString()).startsWith("0{\"sid\":");
        assertThat(node.io().sockets().sockets()).hasSize(1);

        // the write lock of a POST on this node
        ObjectNode write = message(0).put("requestId", 9);
        write.set("data", NODES.objectNode().put("sid", sid).put("transportName", "polling").put("type", "write"));
        publish("engine.io#", write);
        assertThat(await(m -> m.path("type").asInt() == 1 && m.path("requestId").asInt() == 9)
                .path("data").path("success").asBoolean()).isTrue();

        // the request on this node went away: the session closes
        ObjectNode close = message(6).put("recipientId", javaNode);
        close.set("data", NODES.objectNode().put("sid", sid).put("reason", "transport error"));
        publish("engine.io#" + javaNode + "#", close);
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> node.io().sockets().sockets().isEmpty());
    }

    @Test
    void aPollForASessionOfAnotherNodeIsAnsweredWithWhatThatNodeDrains() throws Exception {
        String sid = "AAAAAAAAAAAAAAAAAAA1";
        CompletableFuture<HttpResponse<String>> poll = HTTP.sendAsync(get(sid), HttpResponse.BodyHandlers.ofString());

        JsonNode lock = await(m -> m.path("type").asInt() == 0 && sid.equals(m.path("data").path("sid").asString()));
        assertThat(lock.path("$channel").asString()).isEqualTo("engine.io#");
        assertThat(lock.path("_source").asString()).isEqualTo("_eio");
        assertThat(lock.path("data").path("transportName").asString()).isEqualTo("polling");
        assertThat(lock.path("data").path("type").asString()).isEqualTo("read");
        assertThat(lock.has("recipientId")).isFalse();
        String javaNode = lock.path("senderId").asString();
        grantLock(javaNode, lock);

        ObjectNode drain = message(2).put("recipientId", javaNode);
        ObjectNode data = NODES.objectNode().put("sid", sid);
        data.putArray("packets").add(NODES.objectNode().put("type", "message").put("data", "2[\"hi\"]"))
                .add(NODES.objectNode().put("type", "message").put("data", new byte[] { 1, 2, 3 }))
                .add(NODES.objectNode().put("type", "ping"));
        drain.set("data", data);
        publish("engine.io#" + javaNode + "#", drain);

        HttpResponse<String> answer = poll.get(10, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("42[\"hi\"]\u001ebAQID\u001e2");
    }

    @Test
    void aPostForASessionOfAnotherNodeSendsItsPacketsThereInOrder() throws Exception {
        String sid = "AAAAAAAAAAAAAAAAAAA2";
        CompletableFuture<HttpResponse<String>> post = HTTP.sendAsync(HttpRequest.newBuilder(uri(sid))
                .POST(HttpRequest.BodyPublishers.ofString("42[\"a\"]\u001e3\u001ebAQID")).build(),
                HttpResponse.BodyHandlers.ofString());

        JsonNode lock = await(m -> m.path("type").asInt() == 0 && sid.equals(m.path("data").path("sid").asString()));
        assertThat(lock.path("data").path("type").asString()).isEqualTo("write");
        String javaNode = lock.path("senderId").asString();
        grantLock(javaNode, lock);

        JsonNode first = await(3, sid);
        JsonNode second = await(3, sid);
        JsonNode third = await(3, sid);
        assertThat(first.path("$channel").asString()).isEqualTo("engine.io#" + NODE + "#");
        assertThat(first.path("data").path("sid").asString()).isEqualTo(sid);
        assertThat(first.path("data").path("packet").path("type").asString()).isEqualTo("message");
        assertThat(first.path("data").path("packet").path("data").asString()).isEqualTo("2[\"a\"]");
        assertThat(second.path("data").path("packet").path("type").asString()).isEqualTo("pong");
        assertThat(second.path("data").path("packet").has("data")).isFalse();
        assertThat(third.path("data").path("packet").path("data").binaryValue()).containsExactly(1, 2, 3);

        HttpResponse<String> answer = post.get(10, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("ok");
    }

    @Test
    void aSessionThatNoNodeHoldsGetsSessionIdUnknownAfterTheResponseTimeout() throws Exception {
        HttpResponse<String> answer = HTTP.send(get("AAAAAAAAAAAAAAAAAAA3"), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("Session ID unknown");
    }

    @Test
    void theNodeHoldingASessionLetsAWebSocketOnAnotherNodeUpgradeItAndRelaysIt() throws Exception {
        String sid = handshake();
        assertThat(HTTP.send(HttpRequest.newBuilder(uri(sid)).POST(HttpRequest.BodyPublishers.ofString("40")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("ok");
        ObjectNode lock = message(0).put("requestId", 11);
        lock.set("data", NODES.objectNode().put("sid", sid).put("transportName", "websocket").put("type", "read"));
        publish("engine.io#", lock);
        JsonNode granted = await(m -> m.path("type").asInt() == 1 && m.path("requestId").asInt() == 11);
        assertThat(granted.path("data").path("success").asBoolean()).isTrue();
        String javaNode = granted.path("senderId").asString();

        // one upgrade at a time
        ObjectNode again = message(0).put("requestId", 12);
        again.set("data", NODES.objectNode().put("sid", sid).put("transportName", "websocket").put("type", "read"));
        publish("engine.io#", again);
        assertThat(await(m -> m.path("type").asInt() == 1 && m.path("requestId").asInt() == 12)
                .path("data").path("success").asBoolean()).isFalse();

        // the WebSocket that had the lock gave up before its upgrade packet: another may try
        ObjectNode abandoned = message(4).put("requestId", 14).put("recipientId", javaNode);
        abandoned.set("data", NODES.objectNode().put("sid", sid).put("success", false));
        publish("engine.io#" + javaNode + "#", abandoned);
        ObjectNode retry = message(0).put("requestId", 15);
        retry.set("data", NODES.objectNode().put("sid", sid).put("transportName", "websocket").put("type", "read"));
        publish("engine.io#", retry);
        assertThat(await(m -> m.path("type").asInt() == 1 && m.path("requestId").asInt() == 15)
                .path("data").path("success").asBoolean()).isTrue();

        // the client upgraded on this node: what waited (the CONNECT's answer) drains here, then the answer
        ObjectNode upgrade = message(4).put("requestId", 13).put("recipientId", javaNode);
        upgrade.set("data", NODES.objectNode().put("sid", sid).put("success", true));
        publish("engine.io#" + javaNode + "#", upgrade);
        JsonNode first = await(m -> m.path("type").asInt() == 5
                || m.path("type").asInt() == 2 && sid.equals(m.path("data").path("sid").asString()));
        assertThat(first.path("type").asInt()).as("the buffer drains before the answer: %s", first).isEqualTo(2);
        assertThat(first.path("data").path("sid").asString()).isEqualTo(sid);
        assertThat(first.path("data").path("packets").get(0).path("data").asString()).startsWith("0{\"sid\":");
        JsonNode answer = await(m -> m.path("type").asInt() == 5 && m.path("requestId").asInt() == 13);
        assertThat(answer.path("$channel").asString()).isEqualTo("engine.io#" + NODE + "#");
        assertThat(answer.path("requestId").asInt()).isEqualTo(13);
        assertThat(answer.path("recipientId").asString()).isEqualTo(NODE);
        assertThat(answer.path("data").path("takeOver").asBoolean(true)).isFalse();
        assertThat(answer.path("data").path("packets").isArray()).isTrue();
        assertThat(answer.path("data").path("packets")).isEmpty();

        // the client's packets come as PACKET, the session's answers go as DRAIN
        ObjectNode packet = message(3).put("recipientId", javaNode);
        ObjectNode data = NODES.objectNode().put("sid", sid);
        data.set("packet", NODES.objectNode().put("type", "message").put("data", "21[\"origin\"]"));
        packet.set("data", data);
        publish("engine.io#" + javaNode + "#", packet);
        JsonNode ack = await(2, sid);
        assertThat(ack.path("data").path("packets").get(0).path("type").asString()).isEqualTo("message");
        assertThat(ack.path("data").path("packets").get(0).path("data").asString()).isEqualTo("31[\"java\"]");

        // the WebSocket on this node closed: so does the session
        ObjectNode close = message(6).put("recipientId", javaNode);
        close.set("data", NODES.objectNode().put("sid", sid).put("reason", "transport close"));
        publish("engine.io#" + javaNode + "#", close);
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> node.io().sockets().sockets().isEmpty());
        assertThat(await(2, sid)
                .path("data").path("packets").get(0).path("type").asString()).as("the close packet, for the client")
                .isEqualTo("close");
    }

    @Test
    void aWebSocketForASessionOfAnotherNodeUpgradesHereAndRelaysThatNodesSession() throws Exception {
        String sid = "AAAAAAAAAAAAAAAAAAA4";
        Frames frames = new Frames();
        WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(webSocketUri(sid), frames).get(10, TimeUnit.SECONDS);
        ws.sendText("2probe", true).get(); // before the lock is granted: it waits

        JsonNode lock = await(m -> m.path("type").asInt() == 0 && sid.equals(m.path("data").path("sid").asString()));
        assertThat(lock.path("$channel").asString()).isEqualTo("engine.io#");
        assertThat(lock.path("data").path("transportName").asString()).isEqualTo("websocket");
        assertThat(lock.path("data").path("type").asString()).isEqualTo("read");
        String javaNode = lock.path("senderId").asString();
        grantLock(javaNode, lock);
        assertThat(frames.next()).isEqualTo("3probe");

        ws.sendText("5", true).get();
        ws.sendText("42[\"early\"]", true).get(); // before the answer: it waits, then goes in order
        JsonNode upgrade = await(4, sid);
        assertThat(upgrade.path("$channel").asString()).isEqualTo("engine.io#" + NODE + "#");
        assertThat(upgrade.path("recipientId").asString()).isEqualTo(NODE);
        assertThat(upgrade.path("data").path("sid").asString()).isEqualTo(sid);
        assertThat(upgrade.path("data").path("success").asBoolean()).isTrue();

        // what the holder drains before its answer reaches the client
        publish("engine.io#" + javaNode + "#", drain(javaNode, sid, NODES.objectNode().put("type", "message")
                .put("data", "2[\"before\"]")));
        assertThat(frames.next()).isEqualTo("42[\"before\"]");
        ObjectNode answer = message(5).put("recipientId", javaNode);
        answer.set("requestId", upgrade.path("requestId"));
        ObjectNode answerData = NODES.objectNode().put("takeOver", false);
        answerData.putArray("packets");
        answer.set("data", answerData);
        publish("engine.io#" + javaNode + "#", answer);

        JsonNode early = await(3, sid);
        assertThat(early.path("data").path("sid").asString()).isEqualTo(sid);
        assertThat(early.path("data").path("packet").path("data").asString()).isEqualTo("2[\"early\"]");
        ws.sendText("3", true).get();
        assertThat(await(3, sid).path("data").path("packet").path("type").asString())
                .isEqualTo("pong");
        publish("engine.io#" + javaNode + "#", drain(javaNode, sid, NODES.objectNode().put("type", "ping")));
        assertThat(frames.next()).isEqualTo("2");

        // the holder closes the session: the close packet, then the WebSocket closes
        publish("engine.io#" + javaNode + "#", drain(javaNode, sid, NODES.objectNode().put("type", "close")));
        assertThat(frames.next()).isEqualTo("1");
        assertThat(frames.closed.get(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(node.io().sockets().sockets()).isEmpty();
    }

    @Test
    void aWebSocketThatGoesAwayBeforeItsUpgradeReleasesTheSessionOnItsNode() throws Exception {
        String sid = "AAAAAAAAAAAAAAAAAAA6";
        Frames frames = new Frames();
        WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(webSocketUri(sid), frames).get(10, TimeUnit.SECONDS);
        JsonNode lock = await(m -> m.path("type").asInt() == 0 && sid.equals(m.path("data").path("sid").asString()));
        String javaNode = lock.path("senderId").asString();
        grantLock(javaNode, lock);
        ws.sendText("2probe", true).get();
        assertThat(frames.next()).isEqualTo("3probe");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get();

        JsonNode abandoned = await(4, sid);
        assertThat(abandoned.path("$channel").asString()).isEqualTo("engine.io#" + NODE + "#");
        assertThat(abandoned.path("recipientId").asString()).isEqualTo(NODE);
        assertThat(abandoned.path("data").path("success").asBoolean(true)).isFalse();
    }

    @Test
    void aSessionHandedOverWithItsUpgradeLivesOnTheWebSocketsNode() throws Exception {
        String sid = "AAAAAAAAAAAAAAAAAAA5";
        Frames frames = new Frames();
        WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(webSocketUri(sid), frames).get(10, TimeUnit.SECONDS);
        JsonNode lock = await(m -> m.path("type").asInt() == 0 && sid.equals(m.path("data").path("sid").asString()));
        String javaNode = lock.path("senderId").asString();
        grantLock(javaNode, lock);
        ws.sendText("2probe", true).get();
        assertThat(frames.next()).isEqualTo("3probe");
        ws.sendText("5", true).get();
        JsonNode upgrade = await(4, sid);

        // a Node holder that had not connected the session to Socket.IO yet hands it over, with the CONNECT it got
        ObjectNode answer = message(5).put("recipientId", javaNode);
        answer.set("requestId", upgrade.path("requestId"));
        ObjectNode answerData = NODES.objectNode().put("takeOver", true);
        answerData.putArray("packets").add(NODES.objectNode().put("type", "message").put("data", "0"));
        answer.set("data", answerData);
        publish("engine.io#" + javaNode + "#", answer);

        assertThat(frames.next()).startsWith("40{\"sid\":");
        ws.sendText("421[\"origin\"]", true).get();
        assertThat(frames.next()).isEqualTo("431[\"java\"]");
        assertThat(node.io().sockets().sockets()).hasSize(1);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get();
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> node.io().sockets().sockets().isEmpty());
    }

    /** The text frames a WebSocket client receives, and its close. */
    static final class Frames implements WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public java.util.concurrent.CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }

        String next() throws InterruptedException {
            String text = texts.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(text).as("a frame within %s", WAIT).isNotNull();
            return text;
        }
    }

    static ObjectNode drain(String javaNode, String sid, ObjectNode... packets) {
        ObjectNode drain = message(2).put("recipientId", javaNode);
        ObjectNode data = NODES.objectNode().put("sid", sid);
        data.putArray("packets").addAll(List.of(packets));
        drain.set("data", data);
        return drain;
    }

    static URI webSocketUri(String sid) {
        return webSocketUri(node, sid);
    }

    static URI webSocketUri(ClusterNode on, String sid) {
        return URI.create(on.url().replace("http:", "ws:") + "/socket.io/?EIO=4&transport=websocket&sid=" + sid);
    }

    static void grantLock(String javaNode, JsonNode lock) {
        ObjectNode response = message(1).put("recipientId", javaNode);
        response.set("requestId", lock.path("requestId"));
        response.set("data", NODES.objectNode().put("success", true));
        publish("engine.io#" + javaNode + "#", response);
    }

    private static String handshake() throws Exception {
        HttpResponse<String> open = HTTP.send(HttpRequest.newBuilder(URI.create(node.url()
                + "/socket.io/?EIO=4&transport=polling")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(open.body()).startsWith("0{");
        String sid = open.body().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
        assertThat(sid).hasSize(20);
        return sid;
    }

    private static URI uri(String sid) {
        return URI.create(node.url() + "/socket.io/?EIO=4&transport=polling&sid=" + sid);
    }

    private static HttpRequest get(String sid) {
        return HttpRequest.newBuilder(uri(sid)).timeout(WAIT).build();
    }

    /** A message as {@code ClusterEngine} builds it, from this test's node. */
    static ObjectNode message(int type) {
        return NODES.objectNode().put("senderId", NODE).put("type", type);
    }

    static void publish(String channel, ObjectNode message) {
        message.put("_source", "_eio");
        pub.sync().publish(bytes(channel), MsgPack.encode(message));
    }

    /** The next message of {@code type} about session {@code sid}. */
    static JsonNode await(int type, String sid) throws InterruptedException {
        return await(m -> m.path("type").asInt() == type && sid.equals(m.path("data").path("sid").asString()));
    }

    static JsonNode await(Predicate<JsonNode> condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<JsonNode> skipped = new ArrayList<>();
        try {
            while (System.nanoTime() < deadline) {
                JsonNode message = received.poll(100, TimeUnit.MILLISECONDS);
                if (message == null) {
                    continue;
                }
                if (!NODE.equals(message.path("senderId").asString("")) && condition.test(message)) {
                    return message;
                }
                skipped.add(message);
            }
        } finally {
            // messages this wait did not want stay for the next one, in order
            List<JsonNode> rest = new ArrayList<>();
            received.drainTo(rest);
            skipped.stream().filter(m -> !NODE.equals(m.path("senderId").asString(""))).forEach(received::add);
            received.addAll(rest);
        }
        throw new AssertionError("no such message within " + WAIT + "; received " + skipped);
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
