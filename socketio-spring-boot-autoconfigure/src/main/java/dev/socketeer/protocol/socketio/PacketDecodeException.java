package dev.socketeer.protocol.socketio;

/**
 * Thrown by {@link PacketDecoder} when the client sent something that is not a valid Socket.IO
 * packet; the server closes the connection. Messages equal the reference parser's.
 */
public final class PacketDecodeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PacketDecodeException(String message) {
        super(message);
    }
}
