package dev.socketeer.engine;

import dev.socketeer.protocol.engineio.EngineMessage;
import java.util.List;

/**
 * One Engine.IO session, as seen by the layer above (Socket.IO).
 *
 * <p>Threading: {@link #send}, {@link #close()} and the getters may be called from any thread;
 * messages passed to one socket are written in the order of the calls. The listener's callbacks
 * for one socket are never concurrent and arrive in order, normally on a Netty event loop, so
 * they must not block.
 */
public interface EngineSocket {

    /** The session id (20 characters), also the {@code sid} query parameter of the client. */
    String id();

    /** The current transport: {@code "polling"} or {@code "websocket"}. */
    String transportName();

    /** What the client sent with the request that opened the session. */
    EngineRequest request();

    /** Whether the socket is open (not closing nor closed). */
    boolean isOpen();

    /**
     * Whether a message sent now would be written without queueing behind a slow consumer: a
     * WebSocket channel that is not {@linkplain #isLagging() lagging}, or a pending long-polling GET (as the
     * reference decides). Volatile packets are dropped when it is not.
     */
    boolean isWritable();

    /**
     * Whether more than the backpressure policy's high-water mark waits for this client
     * ({@link EngineOptions.Backpressure#highWaterMark()}): it reads more slowly than it is written to. It stays
     * lagging until less than half of that waits; the listener's {@link EngineSocketListener#onDrain} says when.
     */
    boolean isLagging();

    /**
     * How many bytes wait to be written to the client: WebSocket frames not yet handed to the socket, or packets
     * waiting for the next long-polling GET (in their polling form). Capped by the backpressure policy's
     * {@link EngineOptions.Backpressure#maxBuffer()}: beyond it the session closes with {@code "slow client"}.
     */
    long bufferedAmount();

    /** Sends one message packet. */
    void send(EngineMessage message);

    /**
     * Sends several message packets that belong together (a Socket.IO packet and its binary
     * attachments) without anything interleaving.
     *
     * @param compress whether the transport may compress them (permessage-deflate, HTTP compression)
     */
    void send(List<EngineMessage> messages, boolean compress);

    /** Closes the session from the server side ("forced close"), flushing what is buffered first. */
    void close();

    /** Sets the listener that receives this socket's incoming messages and its close. */
    void listener(EngineSocketListener listener);
}
