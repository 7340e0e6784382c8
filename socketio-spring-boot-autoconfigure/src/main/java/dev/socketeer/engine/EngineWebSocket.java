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

    /** Flushes queued frames. */
    void flush();

    /** Whether the underlying channel accepts writes without queueing. */
    boolean isWritable();

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
    }
}
