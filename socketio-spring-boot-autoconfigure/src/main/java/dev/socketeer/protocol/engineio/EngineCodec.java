package dev.socketeer.protocol.engineio;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Encodes and decodes Engine.IO v4 packets: single WebSocket frames and long-polling payloads
 * (packets separated by the record separator {@code 0x1E}, binary messages as {@code b} + base64).
 * Stateless; every method is thread-safe.
 */
public final class EngineCodec {

    /** The byte that separates the packets of a polling payload. */
    public static final byte SEPARATOR = 0x1E;

    private static final char SEPARATOR_CHAR = (char) SEPARATOR;

    private EngineCodec() {
    }

    /**
     * Decodes the text of one packet ({@code <digit><data>}).
     *
     * @throws IllegalArgumentException when the text is empty or starts with an unknown type
     */
    public static EnginePacket decodeText(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("Empty Engine.IO packet");
        }
        EnginePacketType type = EnginePacketType.fromCode(text.charAt(0));
        if (type == null) {
            throw new IllegalArgumentException("Unknown Engine.IO packet type '" + text.charAt(0) + "'");
        }
        return EnginePacket.text(type, text.substring(1));
    }

    /** Decodes a binary WebSocket frame: always a message; the array is not copied. */
    public static EnginePacket decodeBinary(byte[] frame) {
        return EnginePacket.binary(frame);
    }

    /**
     * Decodes a polling payload. Decoding stops at the first invalid packet: the packets before it
     * are returned and {@link DecodedPayload#malformed()} is set, as the reference parser does.
     */
    public static DecodedPayload decodePayload(String payload) {
        List<EnginePacket> packets = new ArrayList<>();
        int start = 0;
        int length = payload.length();
        while (true) {
            int end = payload.indexOf(SEPARATOR_CHAR, start);
            String segment = payload.substring(start, end < 0 ? length : end);
            EnginePacket packet = decodeSegment(segment);
            if (packet == null) {
                return new DecodedPayload(List.copyOf(packets), true);
            }
            packets.add(packet);
            if (end < 0) {
                return new DecodedPayload(List.copyOf(packets), false);
            }
            start = end + 1;
        }
    }

    private static EnginePacket decodeSegment(String segment) {
        if (segment.isEmpty()) {
            return null;
        }
        if (segment.charAt(0) == 'b') {
            try {
                // Lenient like Node's Buffer.from(s, "base64"): the Java client (Android's Base64.DEFAULT)
                // ends its base64 with a line feed.
                return EnginePacket.binary(Base64.getMimeDecoder().decode(segment.substring(1)));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        EnginePacketType type = EnginePacketType.fromCode(segment.charAt(0));
        return type == null ? null : EnginePacket.text(type, segment.substring(1));
    }

    /** The UTF-8 bytes of a text packet: the type digit followed by the data. */
    public static byte[] encodeText(EnginePacketType type, String data) {
        return (type.code() + data).getBytes(StandardCharsets.UTF_8);
    }

    /** Joins encoded packets (see {@link EngineMessage#pollingBytes()}) into one polling payload. */
    public static byte[] encodePayload(List<byte[]> packets) {
        int size = Math.max(0, packets.size() - 1);
        for (byte[] packet : packets) {
            size += packet.length;
        }
        byte[] payload = new byte[size];
        int offset = 0;
        for (int i = 0; i < packets.size(); i++) {
            if (i > 0) {
                payload[offset++] = SEPARATOR;
            }
            byte[] packet = packets.get(i);
            System.arraycopy(packet, 0, payload, offset, packet.length);
            offset += packet.length;
        }
        return payload;
    }

    /**
     * The result of decoding a polling payload.
     *
     * @param packets the valid packets, in order, up to the first invalid one
     * @param malformed whether decoding stopped at an invalid packet
     */
    public record DecodedPayload(List<EnginePacket> packets, boolean malformed) {
    }
}
