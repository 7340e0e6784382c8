package dev.socketeer.handler;

/**
 * Thrown by a handler method to answer the acknowledgement with an error the client may see:
 * {@code {"error":{"type":"rejected","message":<message>,"data":<data>}}} ({@code data} omitted when
 * {@code null}). Other exceptions answer with a generic message unless
 * {@code socketio.handler.include-exception-message} is on.
 */
public class SocketIoEventException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Object data;

    public SocketIoEventException(String message) {
        this(message, null);
    }

    public SocketIoEventException(String message, Object data) {
        super(message);
        this.data = data;
    }

    /** Extra details sent to the client, or {@code null}. */
    public Object data() {
        return data;
    }
}
