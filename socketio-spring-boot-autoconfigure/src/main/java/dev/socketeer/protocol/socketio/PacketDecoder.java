package dev.socketeer.protocol.socketio;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.BinaryNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stateful Socket.IO v5 decoder, one per client connection, not thread-safe (an engine socket
 * delivers its messages one at a time). Reassembles binary packets from their text part and the
 * attachments that follow, and validates packets as the reference parser (socket.io-parser 4.2) does.
 *
 * <p>Decoded packets carry {@link JsonNode} data; attachments become {@link BinaryNode}s;
 * {@code BINARY_EVENT}/{@code BINARY_ACK} come out as {@code EVENT}/{@code ACK}.
 */
public final class PacketDecoder {

    /** The reference parser's default attachment limit. */
    public static final int DEFAULT_MAX_ATTACHMENTS = 10;

    private final Settings settings;
    private Packet pending;
    private int pendingAttachments;
    private List<byte[]> buffers;

    /**
     * What the decoders of one server share, built once: the mapper that reads payloads, and a parser factory with
     * the limits (the mapper's own factory, re-built with them; the application's mapper is left as it is).
     */
    public static final class Settings {

        private final JsonMapper mapper;
        private final JsonFactory factory;
        private final int maxAttachments;
        private final int maxAckIdDigits;

        public Settings(JsonMapper mapper, DecoderLimits limits, int maxAttachments) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            StreamReadConstraints constraints = mapper.tokenStreamFactory().streamReadConstraints().rebuild()
                    .maxNestingDepth(limits.maxNestingDepth()).maxNumberLength(limits.maxNumberLength()).build();
            this.factory = mapper.tokenStreamFactory().rebuild().streamReadConstraints(constraints).build();
            this.maxAttachments = maxAttachments;
            this.maxAckIdDigits = limits.maxAckIdDigits();
        }

        public Settings(JsonMapper mapper, DecoderLimits limits) {
            this(mapper, limits, DEFAULT_MAX_ATTACHMENTS);
        }
    }

    public PacketDecoder(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public PacketDecoder(JsonMapper mapper, int maxAttachments) {
        this(new Settings(mapper, DecoderLimits.defaults(), maxAttachments));
    }

    public PacketDecoder(JsonMapper mapper) {
        this(mapper, DEFAULT_MAX_ATTACHMENTS);
    }

    /**
     * Builds and caches, once, what {@code mapper} needs to read packet payloads. Jackson creates a
     * deserializer under a lock the first time a type is read; called at startup, so that event loops
     * decoding their first packets at the same moment never wait on each other for it.
     */
    public static void warmUp(JsonMapper mapper) {
        try (JsonParser parser = mapper.createParser("[\"e\",{\"k\":[1,2.5,true,null]}]")) {
            mapper.readTree(parser);
        }
    }

    /**
     * Decodes a text message.
     *
     * @return the packet, or {@code null} when it announced attachments that have not arrived yet
     * @throws PacketDecodeException when the text is not a valid packet, or a binary packet is
     *     still waiting for its attachments
     */
    public Packet decode(String text) {
        if (pending != null) {
            throw new PacketDecodeException("got plaintext data when reconstructing a packet");
        }
        int length = text.length();
        // like the reference, an empty string reads as type 0 (Number("") === 0)
        PacketType type = length == 0 ? PacketType.CONNECT : typeOf(text.charAt(0));
        if (type == null) {
            char c = text.charAt(0);
            throw new PacketDecodeException("unknown packet type " + (c >= '0' && c <= '9' ? String.valueOf(c) : "NaN"));
        }
        int i = 0;
        int attachments = 0;
        boolean binary = type == PacketType.BINARY_EVENT || type == PacketType.BINARY_ACK;
        if (binary) {
            int start = 1;
            while (++i < length && text.charAt(i) != '-') {
                // scan up to the dash
            }
            if (i >= length) {
                throw new PacketDecodeException("Illegal attachments");
            }
            String count = text.substring(start, i);
            for (int k = 0; k < count.length(); k++) {
                if (!isDigit(count.charAt(k))) {
                    throw new PacketDecodeException("Illegal attachments");
                }
            }
            if (count.length() > 9) {
                throw new PacketDecodeException("too many attachments");
            }
            attachments = count.isEmpty() ? 0 : Integer.parseInt(count);
            if (attachments > settings.maxAttachments) {
                throw new PacketDecodeException("too many attachments");
            }
        }

        String namespace = "/";
        if (i + 1 < length && text.charAt(i + 1) == '/') {
            int start = i + 1;
            while (++i < length && text.charAt(i) != ',') {
                // namespace ends at a comma or at the end of the text
            }
            namespace = text.substring(start, i);
        }

        Long id = null;
        if (i + 1 < length && isDigit(text.charAt(i + 1))) {
            int start = i + 1;
            while (i + 1 < length && isDigit(text.charAt(i + 1))) {
                i++;
            }
            String digits = text.substring(start, i + 1);
            if (digits.length() > settings.maxAckIdDigits) {
                throw new PacketDecodeException("invalid ack id");
            }
            id = Long.parseLong(digits);
        }

        JsonNode data = null;
        if (++i < length) {
            data = tryParse(text.substring(i));
            if (data == null || !isPayloadValid(type, data)) {
                throw new PacketDecodeException("invalid payload");
            }
        }

        if (binary) {
            Packet packet = new Packet(type == PacketType.BINARY_EVENT ? PacketType.EVENT : PacketType.ACK,
                    namespace, id, data);
            if (attachments == 0) {
                return reconstruct(packet, List.of());
            }
            pending = packet;
            pendingAttachments = attachments;
            buffers = new ArrayList<>(attachments);
            return null;
        }
        return new Packet(type, namespace, id, data);
    }

    /**
     * Decodes a binary message (an attachment of the pending binary packet).
     *
     * @return the completed packet, or {@code null} while more attachments are expected
     * @throws PacketDecodeException when no binary packet is pending, or a placeholder is invalid
     */
    public Packet decode(byte[] binary) {
        if (pending == null) {
            throw new PacketDecodeException("got binary data when not reconstructing a packet");
        }
        buffers.add(binary);
        if (buffers.size() < pendingAttachments) {
            return null;
        }
        Packet packet = pending;
        List<byte[]> received = buffers;
        reset();
        return reconstruct(packet, received);
    }

    /** Whether a binary packet is waiting for attachments. */
    public boolean isReconstructing() {
        return pending != null;
    }

    /** Drops a partially received binary packet. */
    public void reset() {
        pending = null;
        pendingAttachments = 0;
        buffers = null;
    }

    private static PacketType typeOf(char c) {
        return isDigit(c) ? PacketType.fromCode(c - '0') : null;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private JsonNode tryParse(String json) {
        // the limits' factory, and the mapper's deserialization settings (its stream-level read features stay out:
        // a payload is strict JSON, as JSON.parse reads it)
        try (JsonParser parser = settings.factory.createParser(ObjectReadContext.empty(), json)) {
            JsonNode node = settings.mapper.readTree(parser);
            if (node == null || node.isMissingNode() || parser.nextToken() != null) {
                return null;
            }
            return node;
        } catch (JacksonException e) {
            return null;
        }
    }

    private static boolean isPayloadValid(PacketType type, JsonNode payload) {
        return switch (type) {
            case CONNECT -> payload.isObject();
            case DISCONNECT -> false;
            case CONNECT_ERROR -> payload.isString() || payload.isObject();
            case EVENT, BINARY_EVENT -> payload.isArray() && !payload.isEmpty()
                    && (payload.get(0).isNumber()
                            || (payload.get(0).isString() && !Packet.RESERVED_EVENTS.contains(payload.get(0).stringValue())));
            case ACK, BINARY_ACK -> payload.isArray();
        };
    }

    private static Packet reconstruct(Packet packet, List<byte[]> buffers) {
        JsonNode data = (JsonNode) packet.data();
        if (data == null) {
            return packet;
        }
        return packet.withData(replacePlaceholders(data, buffers));
    }

    private static JsonNode replacePlaceholders(JsonNode node, List<byte[]> buffers) {
        if (node instanceof ObjectNode object) {
            JsonNode marker = object.get("_placeholder");
            if (marker != null && marker.isBoolean() && marker.booleanValue()) {
                JsonNode num = object.get("num");
                if (num != null && num.isNumber() && num.canConvertToExactIntegral()
                        && num.doubleValue() >= 0 && num.doubleValue() < buffers.size()) {
                    return BinaryNode.valueOf(buffers.get(num.intValue()));
                }
                throw new PacketDecodeException("illegal attachments");
            }
            for (Map.Entry<String, JsonNode> entry : object.properties()) {
                JsonNode replaced = replacePlaceholders(entry.getValue(), buffers);
                if (replaced != entry.getValue()) {
                    entry.setValue(replaced);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int k = 0; k < array.size(); k++) {
                JsonNode element = array.get(k);
                JsonNode replaced = replacePlaceholders(element, buffers);
                if (replaced != element) {
                    array.set(k, replaced);
                }
            }
        }
        return node;
    }
}
