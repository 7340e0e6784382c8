package dev.socketeer.protocol.engineio;

import java.util.Objects;

/**
 * One decoded inbound Engine.IO packet.
 *
 * @param type the packet type
 * @param data the text after the type digit (empty when none), or {@code null} for a binary message
 * @param binary the bytes of a binary message, or {@code null}
 */
public record EnginePacket(EnginePacketType type, String data, byte[] binary) {

    public EnginePacket {
        Objects.requireNonNull(type, "type");
    }

    /** A text packet. */
    public static EnginePacket text(EnginePacketType type, String data) {
        return new EnginePacket(type, data, null);
    }

    /** A binary message packet. */
    public static EnginePacket binary(byte[] binary) {
        return new EnginePacket(EnginePacketType.MESSAGE, null, binary);
    }

    public boolean isBinary() {
        return binary != null;
    }
}
