package dev.socketeer.protocol.socketio;

/** Socket.IO v5 packet types, with their wire digits. */
public enum PacketType {
    CONNECT,
    DISCONNECT,
    EVENT,
    ACK,
    CONNECT_ERROR,
    BINARY_EVENT,
    BINARY_ACK;

    private static final PacketType[] VALUES = values();

    /** The digit written on the wire. */
    public int code() {
        return ordinal();
    }

    /** The type for a wire digit, or {@code null} when the digit is unknown. */
    public static PacketType fromCode(int code) {
        return code >= 0 && code < VALUES.length ? VALUES[code] : null;
    }
}
