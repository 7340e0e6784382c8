package dev.socketeer.protocol.engineio;

/** The seven Engine.IO v4 packet types, with the digit that starts their text form. */
public enum EnginePacketType {
    OPEN, CLOSE, PING, PONG, MESSAGE, UPGRADE, NOOP;

    private static final EnginePacketType[] VALUES = values();

    /** The digit written before the data of a text packet. */
    public char code() {
        return (char) ('0' + ordinal());
    }

    /** The type for a digit, or {@code null} when the character names no type. */
    public static EnginePacketType fromCode(char code) {
        int index = code - '0';
        return index >= 0 && index < VALUES.length ? VALUES[index] : null;
    }
}
