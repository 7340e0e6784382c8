package dev.socketeer.engine;

/**
 * One long-polling HTTP request, as the mounting layer (e.g. {@code engine.netty}) hands it to
 * {@link EngineServer#handlePolling}. Implementations must tolerate calls from any thread.
 */
public interface PollingExchange {

    /** The HTTP method, upper case. */
    String method();

    /** The request's {@code Content-Type} header, or {@code null}. */
    String contentType();

    /**
     * Reads the whole request body, then calls exactly one method of the callback. A body longer
     * than {@code maxBytes} is not read further and {@link BodyCallback#onTooLarge()} is called.
     */
    void readBody(long maxBytes, BodyCallback callback);

    /**
     * Sends the response; only the first call has an effect.
     *
     * @param compressible whether HTTP compression may apply (per the options' threshold)
     */
    void respond(int status, String contentType, byte[] body, boolean compressible);

    /** Runs {@code onAbort} if the client goes away before the response is sent. */
    void onAbort(Runnable onAbort);

    /**
     * When the request reached the server, in nanoseconds on any clock shared by every exchange of
     * one mounting layer, taken as early as that layer can: two polls of one session that race on
     * two connections are told apart by arrival, not by the order their threads get to the engine.
     */
    default long arrivalNanos() {
        return System.nanoTime();
    }

    /** Called on a handshake before the response, with the new session id (for the sticky-session cookie). */
    default void sessionCreated(String sid) {
    }

    /** Receives the request body. */
    interface BodyCallback {
        void onBody(byte[] body);

        void onTooLarge();

        void onError(Throwable error);
    }
}
