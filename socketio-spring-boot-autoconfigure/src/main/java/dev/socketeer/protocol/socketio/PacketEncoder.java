package dev.socketeer.protocol.socketio;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stateless Socket.IO v5 encoder, safe to share between threads: {@code <type>[<n>-][<nsp>,][<id>][<json>]}
 * plus one binary attachment per binary value, numbered depth-first. The JSON text is what
 * JavaScript's {@code JSON.stringify} would produce for the same value.
 */
public final class PacketEncoder {

    private final JsonWriter writer;

    /** An encoder that serializes application objects (records, POJOs) with {@code mapper}. */
    public PacketEncoder(JsonMapper mapper) {
        this.writer = new JsonWriter(Objects.requireNonNull(mapper, "mapper"));
    }

    /** An encoder with a default {@link JsonMapper}. */
    public PacketEncoder() {
        this(JsonMapper.builder().build());
    }

    /**
     * Encodes one packet.
     *
     * @throws IllegalArgumentException if binary data is found in a packet other than EVENT or ACK
     */
    public EncodedPacket encode(Packet packet) {
        List<byte[]> attachments = new ArrayList<>(0);
        String json = null;
        if (packet.data() != null) {
            StringBuilder out = new StringBuilder(64);
            writer.write(packet.data(), out, attachments);
            json = out.toString();
        }
        PacketType type = switch (packet.type()) {
            case EVENT, BINARY_EVENT -> attachments.isEmpty() ? PacketType.EVENT : PacketType.BINARY_EVENT;
            case ACK, BINARY_ACK -> attachments.isEmpty() ? PacketType.ACK : PacketType.BINARY_ACK;
            default -> {
                if (!attachments.isEmpty()) {
                    throw new IllegalArgumentException(
                            "Binary data is only allowed in EVENT and ACK packets, not in " + packet.type());
                }
                yield packet.type();
            }
        };
        StringBuilder text = new StringBuilder(16 + (json == null ? 0 : json.length()));
        text.append(type.code());
        if (type == PacketType.BINARY_EVENT || type == PacketType.BINARY_ACK) {
            text.append(attachments.size()).append('-');
        }
        if (!"/".equals(packet.namespace())) {
            text.append(packet.namespace()).append(',');
        }
        if (packet.id() != null) {
            text.append(packet.id().longValue());
        }
        if (json != null) {
            text.append(json);
        }
        return new EncodedPacket(text.toString(), attachments);
    }

    /** The JSON text of a value, as JSON.stringify would write it (binary values are not allowed). */
    public String toJson(Object value) {
        List<byte[]> attachments = new ArrayList<>(0);
        StringBuilder out = new StringBuilder();
        writer.write(value, out, attachments);
        if (!attachments.isEmpty()) {
            throw new IllegalArgumentException("Binary data cannot be written as plain JSON");
        }
        return out.toString();
    }
}
