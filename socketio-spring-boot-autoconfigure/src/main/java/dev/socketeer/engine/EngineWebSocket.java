package dev.socketeer.engine;

import dev.socketeer.protocol.engineio.EngineMessage;

/**
 * A WebSocket connection, as the mounting layer hands it to {@link EngineServer#onWebSocket}.
 * Implementations must accept calls from any thread and write frames in call order.
 */
public interface EngineWebSocket {

    /** Queues one frame (text frames carry UTF-8). The array is not modified; it may be shared. */
    void write(byte[] frame, boolean binary);

    /**
     * Queues one message frame. The message may be shared by every recipient of a broadcast: an implementation
     * may keep a ready-to-write form of it in {@link EngineMessage#transportForm()}.
     */
    default void write(EngineMessage message) {
        write(message.frameBytes(), message.isBinary());
    }

    /**
     * Writes a small text frame ahead of the frames held back for a lagging client, and flushes it (the heartbeat's
     * ping). It may overtake frames written before it; the array is not modified.
     */
    default void writeAhead(byte[] frame) {
        write(frame, false);
        flush();
    }

    /** Flushes queued frames. */
    void flush();

    /**
     * Whether frames written now go to the socket without waiting behind others: fewer bytes wait than the
     * backpressure policy's high-water mark. The connection says when it turns true again through
     * {@link Inbound#onDrain()}.
     */
    boolean isWritable();

    /** How many bytes wait to be written to the socket (see {@link EngineSocket#bufferedAmount()}). */
    long bufferedAmount();

    /** Closes the connection (close frame, then the channel). */
    void close();

    /** What the engine does with inbound traffic; returned by {@link EngineServer#onWebSocket}. */
    interface Inbound {
        /** A text frame arrived (complete, aggregated). */
        void onText(String text);

        /** A binary frame arrived (complete, aggregated); the array is owned by the engine. */
        void onBinary(byte[] data);

        /** The connection is gone: {@code error} when it failed rather than closed cleanly. */
        void onClose(boolean error);

        /** The connection was not writable and is again: nothing waits beyond half the high-water mark. */
        void onDrain();

        /**
         * The client fell further behind than the backpressure policy allows: more than {@code maxBuffer} bytes
         * wait ({@code stalled} false), or it read nothing for {@code maxLag} while lagging ({@code stalled} true).
         * The connection has dropped what waited and sent the close packet where the client can still get it; the
         * engine closes the session, and with it the connection.
         */
        void onSlowClient(long bufferedBytes, boolean stalled);
    }
}
