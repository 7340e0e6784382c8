package dev.socketeer.server;

/**
 * Refuses a connection from a connection middleware: the client receives a CONNECT_ERROR packet
 * {@code {"message":<message>,"data":<data>}} ({@code data} omitted when {@code null}). Any other
 * exception refuses with its message only.
 */
public final class ConnectionRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Object data;

    public ConnectionRefusedException(String message) {
        this(message, null);
    }

    public ConnectionRefusedException(String message, Object data) {
        super(message, null, false, false);
        this.data = data;
    }

    /** Extra details sent to the client, or {@code null}. */
    public Object data() {
        return data;
    }
}
