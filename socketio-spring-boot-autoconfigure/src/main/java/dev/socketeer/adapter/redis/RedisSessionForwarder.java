package dev.socketeer.adapter.redis;

import dev.socketeer.adapter.cluster.MsgPack;
import dev.socketeer.engine.EngineRequest;
import dev.socketeer.engine.EngineServer;
import dev.socketeer.engine.ForwardedUpgrade;
import dev.socketeer.engine.PollingExchange;
import dev.socketeer.engine.SessionForwarder;
import dev.socketeer.protocol.engineio.EngineCodec;
import dev.socketeer.protocol.engineio.EnginePacket;
import dev.socketeer.protocol.engineio.EnginePacketType;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Long-polling without sticky sessions over Redis pub/sub, in the messages of {@code @socket.io/cluster-engine}'s
 * {@code RedisEngine} (0.1.0), so Java and Node nodes serve each other's sessions.
 *
 * <p>A polling request for a session not held here asks every node ({@code ACQUIRE_LOCK} on {@code <prefix>#}); the
 * holder answers on {@code <prefix>#<nodeId>#}. A GET then waits for what the holder sends ({@code DRAIN}), a POST's
 * packets go to the holder ({@code PACKET}), a GET aborted here closes the session there ({@code CLOSE}). No answer
 * within the response timeout, or a refusal, gives the client the usual {@code 400 Session ID unknown}; a forwarded
 * GET that hears nothing for a ping interval plus a ping timeout (the holder is gone) gets it too.
 *
 * <p>A WebSocket upgrade that reaches another node asks for a WebSocket lock the same way; once the client sent its
 * {@code upgrade} packet there, that node says so to the holder ({@code UPGRADE}), which switches the session to
 * that WebSocket and answers {@code UPGRADE_RESPONSE}: the session stays on the holder ({@code takeOver: false},
 * what Socketeer always answers, since its Socket.IO state cannot move), and its packets travel both ways as
 * {@code DRAIN} and {@code PACKET} for as long as the WebSocket lasts; or, from a Node holder that had not yet
 * connected the session to Socket.IO, the session moves with the packets it had received ({@code takeOver: true}).
 * A WebSocket that goes away between its lock and its upgrade packet sends {@code UPGRADE} with {@code success:
 * false} (which Node's holder also understands), so the holder stops waiting for it.
 * Messages are msgpack maps marked {@code _source: "_eio"}; a node ignores its own.
 *
 * <p>Requests for sessions held here never come here: the common case costs nothing.
 */
final class RedisSessionForwarder implements SessionForwarder, AutoCloseable {

    private static final Logger log = Loggers.getLogger(RedisSessionForwarder.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String SOURCE = "_eio";
    private static final int ACQUIRE_LOCK = 0;
    private static final int ACQUIRE_LOCK_RESPONSE = 1;
    private static final int DRAIN = 2;
    private static final int PACKET = 3;
    private static final int UPGRADE = 4;
    private static final int UPGRADE_RESPONSE = 5;
    private static final int CLOSE = 6;
    private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);
    private static final String TEXT = "text/plain; charset=UTF-8";

    private final RedisPubSub pubSub;
    private final EngineServer engine;
    private final String nodeId;
    private final String prefix;
    private final Duration responseTimeout;
    private final AtomicInteger requestIds = new AtomicInteger();
    private final Map<Integer, PendingLock> locks = new ConcurrentHashMap<>();
    private final Map<String, ForwardedPoll> polls = new ConcurrentHashMap<>();
    private final Map<Integer, PendingUpgrade> upgrades = new ConcurrentHashMap<>();
    private final Map<String, ForwardedUpgrade> relayed = new ConcurrentHashMap<>();

    RedisSessionForwarder(RedisPubSub pubSub, EngineServer engine, String prefix, Duration responseTimeout) {
        this.pubSub = pubSub;
        this.engine = engine;
        this.prefix = prefix;
        this.responseTimeout = responseTimeout;
        byte[] id = new byte[3];
        new SecureRandom().nextBytes(id);
        this.nodeId = HexFormat.of().formatHex(id);
        pubSub.subscribe(channel(null), (channel, message) -> onMessage(message));
        pubSub.subscribe(channel(nodeId), (channel, message) -> onMessage(message));
    }

    String nodeId() {
        return nodeId;
    }

    private String channel(String recipient) {
        return recipient == null ? prefix + "#" : prefix + "#" + recipient + "#";
    }

    // ---- this node received a request for a session held elsewhere

    @Override
    public void forward(String sid, EngineRequest request, PollingExchange exchange, Runnable unknown) {
        boolean read = "GET".equals(exchange.method());
        if (sid.length() != 20 || !(read || "POST".equals(exchange.method())) || !pubSub.isConnected()) {
            unknown.run();
            return;
        }
        acquireLock(sid, "polling", read ? "read" : "write", owner -> {
            if (read) {
                pollThrough(sid, owner, exchange, unknown);
            } else {
                postThrough(sid, owner, exchange);
            }
        }, unknown);
    }

    @Override
    public void forwardUpgrade(String sid, EngineRequest request, ForwardedUpgrade upgrade) {
        if (sid.length() != 20 || !pubSub.isConnected()) {
            upgrade.refused();
            return;
        }
        acquireLock(sid, "websocket", "read", owner -> upgrade.granted(new WebSocketRelay(sid, owner, upgrade)),
                upgrade::refused);
    }

    /** Asks every node for a lock on {@code sid} (its holder answers); {@code onFailure} on refusal or silence. */
    private void acquireLock(String sid, String transportName, String type, Consumer<String> onSuccess,
            Runnable onFailure) {
        int requestId = requestIds.incrementAndGet();
        PendingLock pending = new PendingLock(onSuccess, onFailure);
        locks.put(requestId, pending);
        pending.timer = Schedulers.parallel().schedule(() -> {
            if (locks.remove(requestId, pending)) {
                onFailure.run();
            }
        }, responseTimeout.toMillis(), TimeUnit.MILLISECONDS);
        ObjectNode data = NODES.objectNode().put("sid", sid).put("transportName", transportName).put("type", type);
        publish(null, message(ACQUIRE_LOCK, null).put("requestId", requestId).set("data", data))
                .whenComplete((receivers, error) -> {
                    if (error != null && locks.remove(requestId, pending)) {
                        pending.timer.dispose();
                        onFailure.run();
                    }
                });
    }

    private void pollThrough(String sid, String owner, PollingExchange exchange, Runnable unknown) {
        ForwardedPoll poll = new ForwardedPoll(exchange);
        ForwardedPoll previous = polls.put(sid, poll);
        if (previous != null) {
            // two polls of one session at once: the older one gets what a duplicate poll gets
            previous.timer.dispose();
            previous.exchange.respond(400, null, null, false);
        }
        exchange.onAbort(() -> {
            if (polls.remove(sid, poll)) {
                poll.timer.dispose();
                publishClose(owner, sid, "transport error");
            }
        });
        // a holder that is alive answers within a ping interval (a ping at least); past its timeout, it is gone
        long patience = engine.options().pingInterval().plus(engine.options().pingTimeout()).toMillis();
        poll.timer = Schedulers.parallel().schedule(() -> {
            if (polls.remove(sid, poll)) {
                unknown.run();
            }
        }, patience, TimeUnit.MILLISECONDS);
    }

    private void postThrough(String sid, String owner, PollingExchange exchange) {
        exchange.readBody(engine.options().maxHttpBufferSize(), new PollingExchange.BodyCallback() {
            @Override
            public void onBody(byte[] body) {
                EngineCodec.DecodedPayload payload = EngineCodec.decodePayload(new String(body, StandardCharsets.UTF_8));
                List<CompletableFuture<Long>> sent = new ArrayList<>(payload.packets().size() + 1);
                for (EnginePacket packet : payload.packets()) {
                    ObjectNode data = NODES.objectNode().put("sid", sid);
                    data.set("packet", toNode(packet));
                    sent.add(publish(owner, message(PACKET, owner).set("data", data)));
                }
                if (payload.malformed()) {
                    sent.add(publishClose(owner, sid, "parse error"));
                }
                // answered once Redis took the packets: the client's next POST cannot overtake them
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).whenComplete((done, error) -> {
                    if (error == null && !payload.malformed()) {
                        exchange.respond(200, "text/html", OK, false);
                    } else {
                        exchange.respond(400, "application/json",
                                "{\"code\":3,\"message\":\"Bad request\"}".getBytes(StandardCharsets.UTF_8), false);
                    }
                });
            }

            @Override
            public void onTooLarge() {
                exchange.respond(413, null, null, false);
            }

            @Override
            public void onError(Throwable error) {
                publishClose(owner, sid, "transport error");
            }
        });
    }

    // ---- messages

    private void onMessage(byte[] bytes) {
        JsonNode message;
        try {
            message = MsgPack.decode(bytes);
        } catch (IllegalArgumentException malformed) {
            return;
        }
        if (!SOURCE.equals(message.path("_source").asString(null)) || nodeId.equals(message.path("senderId").asString(null))) {
            return;
        }
        try {
            switch (message.path("type").asInt(-1)) {
                case ACQUIRE_LOCK -> onAcquireLock(message);
                case ACQUIRE_LOCK_RESPONSE -> onLockResponse(message);
                case DRAIN -> onDrain(message.path("data"));
                case PACKET -> onPacket(message.path("data"));
                case UPGRADE -> onUpgrade(message);
                case UPGRADE_RESPONSE -> onUpgradeResponse(message);
                case CLOSE -> engine.closeRemote(message.path("data").path("sid").asString(""),
                        message.path("data").path("reason").asString("transport close"));
                default -> {
                    // a type of a later version: ignored
                }
            }
        } catch (RuntimeException e) {
            log.warn("Socket.IO cluster engine message failed: " + message, e);
        }
    }

    /** On the node that may hold the session: lend it, or refuse; a node that does not hold it stays silent. */
    private void onAcquireLock(JsonNode message) {
        JsonNode data = message.path("data");
        String sid = data.path("sid").asString("");
        if (engine.socket(sid) == null) {
            return;
        }
        String sender = message.path("senderId").asString("");
        JsonNode requestId = message.path("requestId");
        String transportName = data.path("transportName").asString("");
        if ("websocket".equals(transportName)) {
            respondToLock(sender, requestId, engine.lendUpgrade(sid));
            return;
        }
        if (!"polling".equals(transportName)) {
            respondToLock(sender, requestId, false);
            return;
        }
        if ("write".equals(data.path("type").asString(""))) {
            respondToLock(sender, requestId, engine.acceptsRemoteData(sid));
            return;
        }
        LentPoll lent = new LentPoll(sid, sender);
        boolean lentOut = engine.lendPoll(sid, lent);
        respondToLock(sender, requestId, lentOut);
        if (lentOut) {
            lent.release();
        }
    }

    private void respondToLock(String recipient, JsonNode requestId, boolean success) {
        ObjectNode message = message(ACQUIRE_LOCK_RESPONSE, recipient);
        message.set("requestId", requestId);
        message.set("data", NODES.objectNode().put("success", success));
        publish(recipient, message);
    }

    private void onLockResponse(JsonNode message) {
        PendingLock pending = locks.remove(message.path("requestId").asInt(-1));
        if (pending == null) {
            return;
        }
        Disposable timer = pending.timer;
        if (timer != null) {
            timer.dispose();
        }
        if (message.path("data").path("success").asBoolean(false)) {
            pending.onSuccess.accept(message.path("senderId").asString(""));
        } else {
            pending.onFailure.run();
        }
    }

    /**
     * On the holder: the client upgraded to a WebSocket on the sender's node. The session stays here and goes on
     * through that WebSocket; what was buffered drains there before the answer.
     */
    private void onUpgrade(JsonNode message) {
        JsonNode data = message.path("data");
        String sid = data.path("sid").asString("");
        if (!data.path("success").asBoolean(false)) {
            // the WebSocket gave up before its upgrade packet: the session may be upgraded again
            engine.abandonUpgrade(sid);
            return;
        }
        String sender = message.path("senderId").asString("");
        if (!engine.relayUpgraded(sid, packets -> publishDrain(sender, sid, packets))) {
            // the session is gone: the sender's WebSocket closes when no answer comes
            return;
        }
        ObjectNode response = message(UPGRADE_RESPONSE, sender);
        response.set("requestId", message.path("requestId"));
        ObjectNode answer = NODES.objectNode().put("takeOver", false);
        answer.putArray("packets");
        response.set("data", answer);
        publish(sender, response);
    }

    /** On the node where the WebSocket is: the holder switched the session to it, or handed it over. */
    private void onUpgradeResponse(JsonNode message) {
        PendingUpgrade pending = upgrades.remove(message.path("requestId").asInt(-1));
        if (pending == null) {
            return;
        }
        Disposable timer = pending.timer;
        if (timer != null) {
            timer.dispose();
        }
        boolean takeOver = message.path("data").path("takeOver").asBoolean(false);
        List<EnginePacket> packets = new ArrayList<>();
        for (JsonNode packet : message.path("data").path("packets")) {
            EnginePacket decoded = toPacket(packet);
            if (decoded != null) {
                packets.add(decoded);
            }
        }
        if (takeOver) {
            relayed.remove(pending.upgrade.sid(), pending.upgrade);
        }
        pending.upgrade.completed(takeOver, packets);
    }

    /** On the node where a forwarded poll waits, or a relayed WebSocket is: what the holder sent goes to the client. */
    private void onDrain(JsonNode data) {
        String sid = data.path("sid").asString("");
        ForwardedPoll poll = polls.remove(sid);
        if (poll == null) {
            ForwardedUpgrade upgrade = relayed.get(sid);
            if (upgrade != null) {
                List<EnginePacket> packets = new ArrayList<>();
                boolean close = false;
                for (JsonNode packet : data.path("packets")) {
                    EnginePacket decoded = toPacket(packet);
                    if (decoded != null) {
                        packets.add(decoded);
                        close |= decoded.type() == EnginePacketType.CLOSE;
                    }
                }
                if (close) {
                    relayed.remove(sid, upgrade);
                }
                upgrade.deliver(packets);
            }
            return;
        }
        poll.timer.dispose();
        List<byte[]> encoded = new ArrayList<>();
        for (JsonNode packet : data.path("packets")) {
            encoded.add(pollingBytes(packet));
        }
        poll.exchange.respond(200, TEXT, EngineCodec.encodePayload(encoded), true);
    }

    private void onPacket(JsonNode data) {
        EnginePacket packet = toPacket(data.path("packet"));
        if (packet != null) {
            engine.receiveRemoteData(data.path("sid").asString(""), List.of(packet));
        }
    }

    private void publishDrain(String recipient, String sid, List<EnginePacket> packets) {
        ArrayNode nodes = NODES.arrayNode();
        for (EnginePacket packet : packets) {
            nodes.add(toNode(packet));
        }
        ObjectNode data = NODES.objectNode().put("sid", sid);
        data.set("packets", nodes);
        publish(recipient, message(DRAIN, recipient).set("data", data));
    }

    private CompletableFuture<Long> publishClose(String recipient, String sid, String reason) {
        ObjectNode data = NODES.objectNode().put("sid", sid).put("reason", reason);
        return publish(recipient, message(CLOSE, recipient).set("data", data));
    }

    private ObjectNode message(int type, String recipient) {
        ObjectNode message = NODES.objectNode().put("senderId", nodeId).put("type", type);
        if (recipient != null) {
            message.put("recipientId", recipient);
        }
        return message;
    }

    private CompletableFuture<Long> publish(String recipient, JsonNode message) {
        ((ObjectNode) message).put("_source", SOURCE);
        return pubSub.publish(channel(recipient), MsgPack.encode(message));
    }

    // ---- engine.io-parser packet objects: {type: "message", data: "text" | <bin>}

    private static JsonNode toNode(EnginePacket packet) {
        ObjectNode node = NODES.objectNode().put("type", packet.type().name().toLowerCase(Locale.ROOT));
        if (packet.isBinary()) {
            node.put("data", packet.binary());
        } else if (!packet.data().isEmpty() || packet.type() == EnginePacketType.MESSAGE) {
            node.put("data", packet.data());
        }
        return node;
    }

    private static EnginePacket toPacket(JsonNode node) {
        EnginePacketType type;
        try {
            type = EnginePacketType.valueOf(node.path("type").asString("").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            return null;
        }
        JsonNode data = node.path("data");
        if (data.isBinary()) {
            return EnginePacket.binary(data.binaryValue());
        }
        return EnginePacket.text(type, data.isString() ? data.asString() : "");
    }

    private static byte[] pollingBytes(JsonNode packet) {
        EnginePacket decoded = toPacket(packet);
        if (decoded == null) {
            return EngineCodec.encodeText(EnginePacketType.NOOP, "");
        }
        if (decoded.isBinary()) {
            byte[] base64 = java.util.Base64.getEncoder().encode(decoded.binary());
            byte[] bytes = new byte[base64.length + 1];
            bytes[0] = 'b';
            System.arraycopy(base64, 0, bytes, 1, base64.length);
            return bytes;
        }
        return EngineCodec.encodeText(decoded.type(), decoded.data());
    }

    @Override
    public void close() {
        pubSub.unsubscribe(channel(null));
        pubSub.unsubscribe(channel(nodeId));
        locks.values().forEach(pending -> pending.timer.dispose());
        polls.values().forEach(poll -> poll.timer.dispose());
        upgrades.values().forEach(pending -> pending.timer.dispose());
    }

    /** On the node where the WebSocket is: carries its traffic to the session's node. */
    private final class WebSocketRelay implements SessionForwarder.Relay {
        private final String sid;
        private final String owner;
        private final ForwardedUpgrade upgrade;

        WebSocketRelay(String sid, String owner, ForwardedUpgrade upgrade) {
            this.sid = sid;
            this.owner = owner;
            this.upgrade = upgrade;
        }

        @Override
        public void upgraded() {
            // what the holder drains may come before its answer: the WebSocket takes it from now on
            relayed.put(sid, upgrade);
            int requestId = requestIds.incrementAndGet();
            PendingUpgrade pending = new PendingUpgrade(upgrade);
            upgrades.put(requestId, pending);
            pending.timer = Schedulers.parallel().schedule(() -> {
                if (upgrades.remove(requestId, pending)) {
                    relayed.remove(sid, upgrade);
                    upgrade.failed();
                }
            }, responseTimeout.toMillis(), TimeUnit.MILLISECONDS);
            ObjectNode data = NODES.objectNode().put("sid", sid).put("success", true);
            publish(owner, message(UPGRADE, owner).put("requestId", requestId).set("data", data));
        }

        @Override
        public void abandoned() {
            // cluster-engine's UPGRADE with success false: its holder stops waiting for this upgrade
            ObjectNode data = NODES.objectNode().put("sid", sid).put("success", false);
            publish(owner, message(UPGRADE, owner).put("requestId", requestIds.incrementAndGet()).set("data", data));
        }

        @Override
        public void packet(EnginePacket packet) {
            ObjectNode data = NODES.objectNode().put("sid", sid);
            data.set("packet", toNode(packet));
            publish(owner, message(PACKET, owner).set("data", data));
        }

        @Override
        public void close(String reason) {
            relayed.remove(sid, upgrade);
            publishClose(owner, sid, reason);
        }
    }

    private static final class PendingUpgrade {
        final ForwardedUpgrade upgrade;
        volatile Disposable timer;

        PendingUpgrade(ForwardedUpgrade upgrade) {
            this.upgrade = upgrade;
        }
    }

    private static final class PendingLock {
        final Consumer<String> onSuccess;
        final Runnable onFailure;
        volatile Disposable timer;

        PendingLock(Consumer<String> onSuccess, Runnable onFailure) {
            this.onSuccess = onSuccess;
            this.onFailure = onFailure;
        }
    }

    private static final class ForwardedPoll {
        final PollingExchange exchange;
        volatile Disposable timer;

        ForwardedPoll(PollingExchange exchange) {
            this.exchange = exchange;
        }
    }

    /**
     * On the holder: a poll that waits on another node. Its answer travels there as a {@code DRAIN}, never before
     * the lock's answer (both go out on one connection, in order).
     */
    private final class LentPoll implements PollingExchange {
        private final String sid;
        private final String requester;
        private boolean released;
        private byte[] waiting;
        private int waitingStatus;
        private boolean answered;

        LentPoll(String sid, String requester) {
            this.sid = sid;
            this.requester = requester;
        }

        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String contentType() {
            return null;
        }

        @Override
        public void readBody(long maxBytes, BodyCallback callback) {
            callback.onError(new UnsupportedOperationException("a lent poll has no body"));
        }

        @Override
        public void respond(int status, String contentType, byte[] body, boolean compressible) {
            synchronized (this) {
                if (answered) {
                    return;
                }
                answered = true;
                if (!released) {
                    waiting = body;
                    waitingStatus = status;
                    return;
                }
            }
            drain(status, body);
        }

        void release() {
            byte[] body;
            int status;
            synchronized (this) {
                released = true;
                if (!answered) {
                    return;
                }
                body = waiting;
                status = waitingStatus;
            }
            drain(status, body);
        }

        private void drain(int status, byte[] body) {
            ArrayNode packets = NODES.arrayNode();
            if (status == 200 && body != null) {
                for (EnginePacket packet : EngineCodec.decodePayload(new String(body, StandardCharsets.UTF_8)).packets()) {
                    packets.add(toNode(packet));
                }
            } else {
                // the poll was refused here (the session closed): the client learns it at once
                packets.add(NODES.objectNode().put("type", "close"));
            }
            ObjectNode data = NODES.objectNode().put("sid", sid);
            data.set("packets", packets);
            publish(requester, message(DRAIN, requester).set("data", data));
        }

        @Override
        public void onAbort(Runnable onAbort) {
            // the requesting node sends CLOSE when its request goes away
        }
    }
}
