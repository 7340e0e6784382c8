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

    /** Above this capacity a thread's encoding buffer is dropped after use rather than kept. */
    private static final int SCRATCH_KEPT = 16 * 1024;
    private static final ThreadLocal<StringBuilder> SCRATCH = ThreadLocal.withInitial(() -> new StringBuilder(256));

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
        // One reused buffer per thread: the header goes first, assuming no attachments (the common case), and the
        // JSON straight after it; the text is copied once, into the result.
        StringBuilder text = scratch();
        List<byte[]> attachments = new ArrayList<>(0);
        PacketType plain = switch (packet.type()) {
            case BINARY_EVENT -> PacketType.EVENT;
            case BINARY_ACK -> PacketType.ACK;
            default -> packet.type();
        };
        appendHeader(text, plain, 0, packet);
        int headerLength = text.length();
        if (packet.data() != null) {
            writer.write(packet.data(), text, attachments);
        }
        String encoded;
        if (attachments.isEmpty()) {
            encoded = text.toString();
        } else {
            PacketType binary = switch (plain) {
                case EVENT -> PacketType.BINARY_EVENT;
                case ACK -> PacketType.BINARY_ACK;
                default -> throw new IllegalArgumentException(
                        "Binary data is only allowed in EVENT and ACK packets, not in " + packet.type());
            };
            String json = text.substring(headerLength);
            text.setLength(0);
            appendHeader(text, binary, attachments.size(), packet);
            encoded = text.append(json).toString();
        }
        release(text);
        return new EncodedPacket(encoded, attachments);
    }

    private static void appendHeader(StringBuilder text, PacketType type, int attachments, Packet packet) {
        text.append(type.code());
        if (type == PacketType.BINARY_EVENT || type == PacketType.BINARY_ACK) {
            text.append(attachments).append('-');
        }
        if (!"/".equals(packet.namespace())) {
            text.append(packet.namespace()).append(',');
        }
        if (packet.id() != null) {
            text.append(packet.id().longValue());
        }
    }

    private static StringBuilder scratch() {
        StringBuilder text = SCRATCH.get();
        text.setLength(0);
        return text;
    }

    private static void release(StringBuilder text) {
        // a rare large packet must not pin its buffer to the thread for good
        if (text.capacity() > SCRATCH_KEPT) {
            SCRATCH.set(new StringBuilder(256));
        }
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
