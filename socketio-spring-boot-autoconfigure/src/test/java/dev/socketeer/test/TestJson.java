package dev.socketeer.test;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.ArrayList;
import java.util.Map;
import java.util.Map.Entry;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.BinaryNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON conversions for the Node harness. Binary values cross the process boundary as {@code {"$bin":"<base64>"}};
 * on the Java side they are {@code byte[]} going out and {@link BinaryNode} coming in.
 */
public final class TestJson {

    /** The mapper the harness uses; Jackson 3 defaults. */
    public static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TestJson() {
    }

    /** Converts a Java value to a JSON tree, turning {@code byte[]} and {@link ByteBuffer} into {@code $bin} objects. */
    public static JsonNode toNode(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof byte[] bytes) {
            return binMarker(bytes);
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return binMarker(bytes);
        }
        if (value instanceof BinaryNode binary) {
            return binMarker(binary.binaryValue());
        }
        if (value instanceof ObjectNode object) {
            ObjectNode out = NODES.objectNode();
            for (Entry<String, JsonNode> e : object.properties()) {
                out.set(e.getKey(), toNode(e.getValue()));
            }
            return out;
        }
        if (value instanceof ArrayNode array) {
            ArrayNode out = NODES.arrayNode();
            array.values().forEach(v -> out.add(toNode(v)));
            return out;
        }
        if (value instanceof JsonNode node) {
            return node;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode out = NODES.objectNode();
            map.forEach((k, v) -> out.set(String.valueOf(k), toNode(v)));
            return out;
        }
        if (value instanceof Iterable<?> iterable) {
            ArrayNode out = NODES.arrayNode();
            iterable.forEach(v -> out.add(toNode(v)));
            return out;
        }
        if (value instanceof Object[] array) {
            return arrayOf(array);
        }
        return MAPPER.valueToTree(value);
    }

    /** Converts each value with {@link #toNode(Object)} into one JSON array. */
    public static ArrayNode arrayOf(Object... values) {
        ArrayNode out = NODES.arrayNode();
        for (Object v : values) {
            out.add(toNode(v));
        }
        return out;
    }

    /** Parses one line and replaces every {@code $bin} object in it by a {@link BinaryNode}. */
    public static JsonNode parseLine(String line) {
        return decodeBinary(MAPPER.readTree(line));
    }

    /** Replaces {@code $bin} objects by {@link BinaryNode}s, in place where the tree is mutable; returns the result. */
    public static JsonNode decodeBinary(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode bin = object.get("$bin");
            if (object.size() == 1 && bin != null && bin.isString()) {
                return BinaryNode.valueOf(Base64.getDecoder().decode(bin.stringValue()));
            }
            for (String name : new ArrayList<>(object.propertyNames())) {
                JsonNode child = object.get(name);
                JsonNode decoded = decodeBinary(child);
                if (decoded != child) {
                    object.set(name, decoded);
                }
            }
            return object;
        }
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode decoded = decodeBinary(array.get(i));
                if (decoded != array.get(i)) {
                    array.set(i, decoded);
                }
            }
            return array;
        }
        return node;
    }

    /** The bytes of a decoded binary value; fails with the node's text when it is not binary. */
    public static byte[] bytes(JsonNode node) {
        if (node == null || !node.isBinary()) {
            throw new AssertionError("expected a binary value but got " + node);
        }
        return node.binaryValue();
    }

    private static ObjectNode binMarker(byte[] bytes) {
        ObjectNode marker = NODES.objectNode();
        marker.put("$bin", Base64.getEncoder().encodeToString(bytes));
        return marker;
    }
}
