package dev.socketeer.protocol.socketio;

/**
 * Limits on what a client's packets may contain; a packet over one is invalid (its connection is closed). The JSON
 * limits are Jackson's defaults, stricter than {@code JSON.parse} in the reference server, which has none.
 *
 * @param maxNestingDepth the deepest nesting of JSON arrays and objects (500)
 * @param maxNumberLength the most characters in one JSON number (1000)
 * @param maxAckIdDigits the most digits in an acknowledgement id (15: every such id is exact as a JavaScript number)
 */
public record DecoderLimits(int maxNestingDepth, int maxNumberLength, int maxAckIdDigits) {

    public DecoderLimits {
        if (maxNestingDepth <= 0 || maxNumberLength <= 0) {
            throw new IllegalArgumentException("JSON limits must be positive, were maxNestingDepth=" + maxNestingDepth
                    + ", maxNumberLength=" + maxNumberLength);
        }
        if (maxAckIdDigits < 1 || maxAckIdDigits > 18) {
            throw new IllegalArgumentException("maxAckIdDigits must be between 1 and 18 (a long), was " + maxAckIdDigits);
        }
    }

    /** 500 levels, 1000-character numbers, 15-digit acknowledgement ids. */
    public static DecoderLimits defaults() {
        return new DecoderLimits(500, 1000, 15);
    }
}
