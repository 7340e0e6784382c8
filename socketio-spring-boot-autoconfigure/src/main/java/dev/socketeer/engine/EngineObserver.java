package dev.socketeer.engine;

/**
 * Sees what the engine does to protect itself, for metrics: set one with {@link EngineServer#observer}. Every method
 * is a no-op by default, is called on the thread doing the work (often a Netty event loop), and must be as cheap as a
 * counter increment: never block, never throw.
 */
public interface EngineObserver {

    /** The observer that observes nothing. */
    EngineObserver NONE = new EngineObserver() {
    };

    /**
     * A session was closed with reason {@code "slow client"}.
     *
     * @param transport {@code "polling"} or {@code "websocket"}
     * @param stalled {@code true} when the client read nothing for the policy's {@code maxLag}, {@code false} when
     *     more than its {@code maxBuffer} bytes waited
     */
    default void slowClientClosed(String transport, boolean stalled) {
    }

    /**
     * A WebSocket connection broke RFC 6455 (a reserved bit set, invalid UTF-8, a message over the size limit, a bad
     * close code, a data frame inside a fragmented message...) and was closed with {@code closeCode}.
     */
    default void webSocketProtocolError(int closeCode) {
    }
}
