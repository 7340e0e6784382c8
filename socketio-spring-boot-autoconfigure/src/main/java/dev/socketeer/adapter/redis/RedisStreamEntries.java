package dev.socketeer.adapter.redis;

import dev.socketeer.adapter.cluster.ClusterMessage;
import dev.socketeer.adapter.cluster.ClusterMessageCodec;
import dev.socketeer.adapter.cluster.MsgPack;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A cluster message as one stream entry, as {@code @socket.io/redis-streams-adapter} and its emitter
 * flatten it: fields {@code uid, nsp, type} (the number as text) and, when the message has data,
 * {@code data}: its JSON, or base64 MessagePack when a type that may carry binary values does.
 */
final class RedisStreamEntries {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RedisStreamEntries() {
    }

    /** The fields to {@code XADD}, as alternating names and values (bytes). */
    static Object[] fields(ClusterMessageCodec codec, ClusterMessage message, boolean onlyPlaintext) {
        JsonNode data = codec.toTree(message).get("data");
        Object[] fields = new Object[data == null ? 6 : 8];
        fields[0] = bytes("uid");
        fields[1] = bytes(message.uid());
        fields[2] = bytes("nsp");
        fields[3] = bytes(message.nsp());
        fields[4] = bytes("type");
        fields[5] = bytes(Integer.toString(message.type()));
        if (data != null) {
            fields[6] = bytes("data");
            fields[7] = !onlyPlaintext && ClusterMessageCodec.mayCarryBinary(message.type()) && MsgPack.hasBinary(data)
                    ? bytes(Base64.getEncoder().encodeToString(MsgPack.encode(data)))
                    : codec.encodeJson(data);
        }
        return fields;
    }

    /** Reads an entry's fields back into a message; {@code null} when it is not one. */
    static ClusterMessage decode(ClusterMessageCodec codec, Map<String, String> fields) {
        String type = fields.get("type");
        if (type == null) {
            return null;
        }
        ObjectNode tree = NODES.objectNode();
        tree.put("uid", fields.get("uid"));
        tree.put("nsp", fields.get("nsp"));
        try {
            tree.put("type", Integer.parseInt(type));
        } catch (NumberFormatException e) {
            return null;
        }
        String data = fields.get("data");
        if (data != null && !data.isEmpty()) {
            tree.set("data", data.startsWith("{") ? codec.mapper().readTree(data)
                    : MsgPack.decode(Base64.getDecoder().decode(data)));
        }
        return codec.fromTree(tree, fields.get("nsp"));
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
