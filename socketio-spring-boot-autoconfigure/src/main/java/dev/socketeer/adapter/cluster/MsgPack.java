package dev.socketeer.adapter.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.POJONode;

/**
 * MessagePack as the Node adapters write it with notepack.io: JSON trees with binary values
 * ({@code BinaryNode}) as msgpack {@code bin}, integers in the smallest form, other numbers as
 * float64. A notepack {@code Date} (ext type -1) decodes to its ISO-8601 string, as
 * {@code JSON.stringify} would have written it.
 */
public final class MsgPack {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private MsgPack() {
    }

    /** Encodes a JSON tree. */
    public static byte[] encode(JsonNode node) {
        try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
            write(packer, node);
            return packer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes one msgpack value into a JSON tree. */
    public static JsonNode decode(byte[] bytes) {
        try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes)) {
            return read(unpacker);
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid msgpack: " + e.getMessage(), e);
        }
    }

    /** Whether the tree holds a binary value anywhere. */
    public static boolean hasBinary(JsonNode node) {
        if (node == null) {
            return false;
        }
        if (node.isBinary() || binaryPojo(node) != null) {
            return true;
        }
        if (node.isContainer()) {
            for (JsonNode child : node.values()) {
                if (hasBinary(child)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Jackson keeps {@code byte[]} and {@code ByteBuffer} inside converted trees as POJO nodes. */
    private static byte[] binaryPojo(JsonNode node) {
        if (node instanceof POJONode pojo) {
            Object value = pojo.getPojo();
            if (value instanceof byte[] bytes) {
                return bytes;
            }
            if (value instanceof java.nio.ByteBuffer buffer) {
                byte[] bytes = new byte[buffer.remaining()];
                buffer.duplicate().get(bytes);
                return bytes;
            }
        }
        return null;
    }

    private static void write(MessageBufferPacker packer, JsonNode node) throws IOException {
        if (node == null || node.isNull() || node.isMissingNode()) {
            packer.packNil();
        } else if (node.isObject()) {
            packer.packMapHeader(node.size());
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                packer.packString(entry.getKey());
                write(packer, entry.getValue());
            }
        } else if (node.isArray()) {
            packer.packArrayHeader(node.size());
            for (JsonNode child : node.values()) {
                write(packer, child);
            }
        } else if (node.isString()) {
            packer.packString(node.stringValue());
        } else if (node.isBoolean()) {
            packer.packBoolean(node.booleanValue());
        } else if (node.isBinary()) {
            byte[] bytes = node.binaryValue();
            packer.packBinaryHeader(bytes.length);
            packer.writePayload(bytes);
        } else if (node.isIntegralNumber()) {
            if (node.canConvertToLong()) {
                packer.packLong(node.longValue());
            } else {
                packer.packBigInteger(node.bigIntegerValue());
            }
        } else if (node.isNumber()) {
            double value = node.doubleValue();
            if (value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 9.007199254740992E15) {
                packer.packLong((long) value); // JavaScript has no separate integer type
            } else {
                packer.packDouble(value);
            }
        } else if (binaryPojo(node) != null) {
            byte[] bytes = binaryPojo(node);
            packer.packBinaryHeader(bytes.length);
            packer.writePayload(bytes);
        } else if (node.isPojo()) {
            throw new IllegalArgumentException("cannot encode a " + ((POJONode) node).getPojo().getClass().getName()
                    + " in msgpack: convert it to a tree first");
        } else {
            packer.packString(node.asString());
        }
    }

    private static JsonNode read(MessageUnpacker unpacker) throws IOException {
        MessageFormat format = unpacker.getNextFormat();
        ValueType type = format.getValueType();
        switch (type) {
            case NIL:
                unpacker.unpackNil();
                return NODES.nullNode();
            case BOOLEAN:
                return NODES.booleanNode(unpacker.unpackBoolean());
            case INTEGER:
                if (format == MessageFormat.UINT64) {
                    BigInteger big = unpacker.unpackBigInteger();
                    return big.bitLength() < 64 ? NODES.numberNode(big.longValue()) : NODES.numberNode(big);
                }
                long value = unpacker.unpackLong();
                // as a JSON parser would: int when it fits, so that trees compare equal
                return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
            case FLOAT:
                return NODES.numberNode(unpacker.unpackDouble());
            case STRING:
                return NODES.stringNode(unpacker.unpackString());
            case BINARY: {
                int length = unpacker.unpackBinaryHeader();
                return NODES.binaryNode(unpacker.readPayload(length));
            }
            case ARRAY: {
                int size = unpacker.unpackArrayHeader();
                ArrayNode array = NODES.arrayNode(size);
                for (int i = 0; i < size; i++) {
                    array.add(read(unpacker));
                }
                return array;
            }
            case MAP: {
                int size = unpacker.unpackMapHeader();
                ObjectNode object = NODES.objectNode();
                for (int i = 0; i < size; i++) {
                    JsonNode key = read(unpacker);
                    object.set(key.isString() ? key.stringValue() : key.toString(), read(unpacker));
                }
                return object;
            }
            case EXTENSION: {
                var header = unpacker.unpackExtensionTypeHeader();
                byte[] payload = unpacker.readPayload(header.getLength());
                if (header.getType() == -1) {
                    return NODES.stringNode(timestamp(payload).toString());
                }
                return NODES.binaryNode(payload);
            }
            default:
                throw new IOException("unsupported msgpack type " + type);
        }
    }

    private static Instant timestamp(byte[] payload) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(payload);
        return switch (payload.length) {
            case 4 -> Instant.ofEpochSecond(Integer.toUnsignedLong(buffer.getInt()));
            case 8 -> {
                long value = buffer.getLong();
                yield Instant.ofEpochSecond(value & 0x3ffffffffL, value >>> 34);
            }
            case 12 -> {
                int nanos = buffer.getInt();
                yield Instant.ofEpochSecond(buffer.getLong(), nanos);
            }
            default -> Instant.EPOCH;
        };
    }
}
