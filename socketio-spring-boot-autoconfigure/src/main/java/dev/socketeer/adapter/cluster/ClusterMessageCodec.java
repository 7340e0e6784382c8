package dev.socketeer.adapter.cluster;

import dev.socketeer.adapter.BroadcastFlags;
import dev.socketeer.adapter.BroadcastOptions;
import dev.socketeer.adapter.SocketDetails;
import dev.socketeer.adapter.cluster.ClusterMessage.AdapterClose;
import dev.socketeer.adapter.cluster.ClusterMessage.Broadcast;
import dev.socketeer.adapter.cluster.ClusterMessage.BroadcastAck;
import dev.socketeer.adapter.cluster.ClusterMessage.BroadcastClientCount;
import dev.socketeer.adapter.cluster.ClusterMessage.DisconnectSockets;
import dev.socketeer.adapter.cluster.ClusterMessage.FetchSockets;
import dev.socketeer.adapter.cluster.ClusterMessage.FetchSocketsResponse;
import dev.socketeer.adapter.cluster.ClusterMessage.Heartbeat;
import dev.socketeer.adapter.cluster.ClusterMessage.InitialHeartbeat;
import dev.socketeer.adapter.cluster.ClusterMessage.ServerSideEmit;
import dev.socketeer.adapter.cluster.ClusterMessage.ServerSideEmitResponse;
import dev.socketeer.adapter.cluster.ClusterMessage.SocketsJoin;
import dev.socketeer.adapter.cluster.ClusterMessage.SocketsLeave;
import dev.socketeer.protocol.socketio.Packet;
import dev.socketeer.protocol.socketio.PacketType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Encodes and decodes {@link ClusterMessage}s as the Node adapters do: JSON
 * ({@code {"type":3,"data":{...},"uid":"...","nsp":"/"}}) or MessagePack (notepack.io) of the same
 * object. Decoding sniffs the first byte: <code>'{'</code> means JSON, anything else MessagePack.
 * Thread-safe.
 */
public final class ClusterMessageCodec {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonMapper mapper;

    public ClusterMessageCodec(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** The mapper turning application values into trees. */
    public JsonMapper mapper() {
        return mapper;
    }

    /** An application value (packet data, ack argument, socket data) as a tree; binary stays binary. */
    public JsonNode tree(Object value) {
        if (value instanceof JsonNode node) {
            return node;
        }
        return value == null ? NODES.nullNode() : mapper.valueToTree(value);
    }

    /**
     * Encodes a message: MessagePack when its type may carry binary and it does, JSON otherwise (the
     * choice of the sharded Redis and Redis Streams adapters).
     */
    public byte[] encode(ClusterMessage message) {
        ObjectNode tree = toTree(message);
        if (mayCarryBinary(message.type()) && MsgPack.hasBinary(tree.get("data"))) {
            return MsgPack.encode(tree);
        }
        return encodeJson(tree);
    }

    /** Encodes as MessagePack. */
    public byte[] encodeMsgPack(ClusterMessage message) {
        return MsgPack.encode(toTree(message));
    }

    /** Encodes a tree as JSON text. */
    public byte[] encodeJson(JsonNode tree) {
        return mapper.writeValueAsBytes(tree);
    }

    /** Decodes a JSON or MessagePack message; {@code null} when it is not a cluster message. */
    public ClusterMessage decode(byte[] bytes) {
        return fromTree(parse(bytes), null);
    }

    /** Parses JSON or MessagePack into a tree, sniffing the first byte. */
    public JsonNode parse(byte[] bytes) {
        if (bytes.length > 0 && bytes[0] == '{') {
            return mapper.readTree(new String(bytes, StandardCharsets.UTF_8));
        }
        return MsgPack.decode(bytes);
    }

    /** Whether a message type may carry binary values (BROADCAST, FETCH_SOCKETS_RESPONSE, SERVER_SIDE_EMIT(_RESPONSE), BROADCAST_ACK). */
    public static boolean mayCarryBinary(int type) {
        return type == 3 || type == 8 || type == 9 || type == 10 || type == 12;
    }

    /** The wire object {@code {type, data?, uid, nsp}}. */
    public ObjectNode toTree(ClusterMessage message) {
        ObjectNode tree = NODES.objectNode();
        tree.put("type", message.type());
        ObjectNode data = NODES.objectNode();
        if (message instanceof Broadcast m) {
            data.set("packet", m.packet());
            data.set("opts", options(m.options()));
            if (m.requestId() != null) {
                data.put("requestId", m.requestId());
            }
        } else if (message instanceof SocketsJoin m) {
            data.set("opts", options(m.options()));
            data.set("rooms", strings(m.rooms()));
        } else if (message instanceof SocketsLeave m) {
            data.set("opts", options(m.options()));
            data.set("rooms", strings(m.rooms()));
        } else if (message instanceof DisconnectSockets m) {
            data.set("opts", options(m.options()));
            data.put("close", m.close());
        } else if (message instanceof FetchSockets m) {
            data.set("opts", options(m.options()));
            data.put("requestId", m.requestId());
        } else if (message instanceof FetchSocketsResponse m) {
            data.put("requestId", m.requestId());
            ArrayNode sockets = data.putArray("sockets");
            m.sockets().forEach(sockets::add);
        } else if (message instanceof ServerSideEmit m) {
            if (m.requestId() != null) {
                data.put("requestId", m.requestId());
            }
            data.set("packet", m.packet());
        } else if (message instanceof ServerSideEmitResponse m) {
            data.put("requestId", m.requestId());
            data.set("packet", m.packet());
        } else if (message instanceof BroadcastClientCount m) {
            data.put("requestId", m.requestId());
            data.put("clientCount", m.clientCount());
        } else if (message instanceof BroadcastAck m) {
            data.put("requestId", m.requestId());
            data.set("packet", m.packet());
        } else {
            data = null; // heartbeats and goodbyes carry no data
        }
        if (data != null) {
            tree.set("data", data);
        }
        tree.put("uid", message.uid());
        tree.put("nsp", message.nsp());
        return tree;
    }

    /**
     * Reads the wire object; {@code defaultNsp} is used when it has no {@code nsp} (emitters may
     * omit it). Returns {@code null} for unknown types or malformed messages.
     */
    public ClusterMessage fromTree(JsonNode tree, String defaultNsp) {
        if (tree == null || !tree.isObject() || !tree.path("type").isNumber()) {
            return null;
        }
        String uid = text(tree.get("uid"));
        String nsp = text(tree.get("nsp"));
        JsonNode data = tree.path("data");
        if (nsp == null) {
            nsp = text(data.path("packet").get("nsp"));
        }
        if (nsp == null) {
            nsp = defaultNsp;
        }
        String requestId = text(data.get("requestId"));
        return switch (tree.get("type").intValue()) {
            case 1 -> new InitialHeartbeat(uid, nsp);
            case 2 -> new Heartbeat(uid, nsp);
            case 3 -> new Broadcast(uid, nsp, data.path("packet"), options(data.path("opts")), requestId);
            case 4 -> new SocketsJoin(uid, nsp, options(data.path("opts")), stringList(data.path("rooms")));
            case 5 -> new SocketsLeave(uid, nsp, options(data.path("opts")), stringList(data.path("rooms")));
            case 6 -> new DisconnectSockets(uid, nsp, options(data.path("opts")), data.path("close").asBoolean(false));
            case 7 -> new FetchSockets(uid, nsp, options(data.path("opts")), requestId);
            case 8 -> {
                List<JsonNode> sockets = new ArrayList<>();
                data.path("sockets").forEach(sockets::add);
                yield new FetchSocketsResponse(uid, nsp, requestId, sockets);
            }
            case 9 -> new ServerSideEmit(uid, nsp, data.path("packet"), requestId);
            case 10 -> new ServerSideEmitResponse(uid, nsp, requestId, orNull(data.get("packet")));
            case 11 -> new BroadcastClientCount(uid, nsp, requestId, data.path("clientCount").asInt(0));
            case 12 -> new BroadcastAck(uid, nsp, requestId, orNull(data.get("packet")));
            case 13 -> new AdapterClose(uid, nsp);
            default -> null;
        };
    }

    /** Broadcast options as {@code {rooms:[], except:[], flags:{}}}. */
    public static ObjectNode options(BroadcastOptions options) {
        ObjectNode tree = NODES.objectNode();
        tree.set("rooms", strings(options.rooms()));
        tree.set("except", strings(options.except()));
        ObjectNode flags = tree.putObject("flags");
        BroadcastFlags f = options.flags();
        if (f.isVolatile()) {
            flags.put("volatile", true);
        }
        if (!f.compress()) {
            flags.put("compress", false);
        }
        if (f.timeout() != null) {
            flags.put("timeout", f.timeout().toMillis());
        }
        return tree;
    }

    /** Reads {@code {rooms, except, flags}}; missing parts mean "none". */
    public static BroadcastOptions options(JsonNode tree) {
        JsonNode flags = tree.path("flags");
        JsonNode timeout = flags.get("timeout");
        BroadcastFlags f = new BroadcastFlags(flags.path("volatile").asBoolean(false),
                !(flags.has("compress") && !flags.get("compress").asBoolean(true)), false,
                timeout != null && timeout.isNumber() ? Duration.ofMillis(timeout.longValue()) : null);
        return new BroadcastOptions(stringSet(tree.path("rooms")), stringSet(tree.path("except")), f);
    }

    /** A Socket.IO packet as the Node adapters publish it: {@code {type, data, nsp, id?}}. */
    public ObjectNode packetTree(Packet packet) {
        ObjectNode tree = NODES.objectNode();
        PacketType type = switch (packet.type()) {
            case BINARY_EVENT -> PacketType.EVENT;
            case BINARY_ACK -> PacketType.ACK;
            default -> packet.type();
        };
        tree.put("type", type.code());
        tree.set("data", tree(packet.data()));
        tree.put("nsp", packet.namespace());
        if (packet.id() != null) {
            tree.put("id", packet.id());
        }
        return tree;
    }

    /** Reads a published packet; {@code null} when it is not an EVENT. */
    public static Packet packet(JsonNode tree, String nsp) {
        int code = tree.path("type").asInt(-1);
        PacketType type = PacketType.fromCode(code);
        if (type == PacketType.BINARY_EVENT) {
            type = PacketType.EVENT;
        }
        if (type != PacketType.EVENT || !tree.path("data").isArray()) {
            return null;
        }
        JsonNode id = tree.get("id");
        return new Packet(type, nsp, id != null && id.isNumber() ? id.longValue() : null, tree.get("data"));
    }

    static ArrayNode strings(Iterable<String> values) {
        ArrayNode array = NODES.arrayNode();
        values.forEach(array::add);
        return array;
    }

    private static Set<String> stringSet(JsonNode array) {
        return new LinkedHashSet<>(stringList(array));
    }

    private static List<String> stringList(JsonNode array) {
        List<String> values = new ArrayList<>();
        // numeric room names are legal in Node; they are strings here
        array.forEach(value -> values.add(value.isString() ? value.stringValue() : value.asString()));
        return values;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null
                : node.isString() ? node.stringValue() : node.asString();
    }

    private static JsonNode orNull(JsonNode node) {
        return node == null || node.isMissingNode() ? NODES.nullNode() : node;
    }

    /** A socket as it travels in a fetch-sockets response: {@code {id, handshake, rooms, data}}. */
    public JsonNode socketTree(SocketDetails details) {
        ObjectNode socket = NODES.objectNode();
        socket.put("id", details.id());
        socket.set("handshake", tree(details.handshake()));
        ArrayNode rooms = socket.putArray("rooms");
        details.rooms().forEach(rooms::add);
        socket.set("data", tree(details.data() == null ? Map.of() : details.data()));
        return socket;
    }

    /** A socket of another server, read from a fetch-sockets response. */
    @SuppressWarnings("unchecked")
    public SocketDetails socketDetails(JsonNode socket) {
        Set<String> rooms = new LinkedHashSet<>();
        socket.path("rooms").forEach(room -> rooms.add(room.asString()));
        JsonNode data = socket.path("data");
        Map<String, Object> dataMap = data.isObject()
                ? mapper().convertValue(data, LinkedHashMap.class) : new LinkedHashMap<>();
        Object handshake = socket.path("handshake").isObject()
                ? mapper().convertValue(socket.get("handshake"), LinkedHashMap.class) : Map.of();
        return new SocketDetails(socket.path("id").asString(), handshake, rooms, dataMap, false);
    }
}
