package dev.socketeer.engine;

/**
 * A refused Engine.IO request: the reference server's error code and message, sent as the JSON
 * body {@code {"code":N,"message":"..."}} with {@link #httpStatus()}.
 *
 * @param code the reference error code (0 to 5)
 * @param message the message sent to the client
 */
public record EngineError(int code, String message) {

    public static final EngineError UNKNOWN_TRANSPORT = new EngineError(0, "Transport unknown");
    public static final EngineError UNKNOWN_SID = new EngineError(1, "Session ID unknown");
    public static final EngineError BAD_HANDSHAKE_METHOD = new EngineError(2, "Bad handshake method");
    public static final EngineError BAD_REQUEST = new EngineError(3, "Bad request");
    public static final EngineError FORBIDDEN = new EngineError(4, "Forbidden");
    public static final EngineError UNSUPPORTED_PROTOCOL_VERSION = new EngineError(5, "Unsupported protocol version");

    /** 403 for a forbidden request, 400 otherwise. */
    public int httpStatus() {
        return code == FORBIDDEN.code ? 403 : 400;
    }

    /** The JSON body of the error response. */
    public String toJson() {
        StringBuilder json = new StringBuilder(message.length() + 32).append("{\"code\":").append(code).append(",\"message\":\"");
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append("\"}").toString();
    }
}
