package dev.socketeer.engine;

/**
 * Receives what happens on one {@link EngineSocket}. Callbacks for one socket are never
 * concurrent and arrive in order, usually on a Netty event loop: they must not block.
 */
public interface EngineSocketListener {

    /** A text {@code message} packet arrived (the data after the {@code 4}). */
    void onMessage(EngineSocket socket, String text);

    /** A binary {@code message} packet arrived; the array is owned by the listener. */
    void onMessage(EngineSocket socket, byte[] binary);

    /**
     * The session closed. Called exactly once.
     *
     * @param reason one of the reference server's reasons: {@code "transport close"},
     *     {@code "transport error"}, {@code "ping timeout"}, {@code "parse error"},
     *     {@code "forced close"}, {@code "server shutting down"}, and {@code "slow client"} (not in the reference:
     *     the client fell further behind than the backpressure policy allows)
     */
    void onClose(EngineSocket socket, String reason);

    /** The socket moved from long-polling to WebSocket. Optional. */
    default void onUpgrade(EngineSocket socket) {
    }

    /**
     * The socket was {@linkplain EngineSocket#isLagging() lagging} and has caught up: less than half of the
     * high-water mark waits for its client now. Optional.
     */
    default void onDrain(EngineSocket socket) {
    }
}
