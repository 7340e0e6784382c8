package dev.socketeer.server;

import dev.socketeer.engine.EngineSocket;
import dev.socketeer.protocol.socketio.PacketType;

/**
 * Sees what the Socket.IO server does, for metrics: set one with
 * {@link SocketIoServer#observer(ServerObserver)}. Every method is a no-op by default, is called on
 * the thread doing the work (often a Netty event loop), and must be as cheap as a counter
 * increment: never block, never throw.
 */
public interface ServerObserver {

    /** The observer that observes nothing. */
    ServerObserver NONE = new ServerObserver() {
    };

    /** A socket joined its namespace. */
    default void connected(Socket socket) {
    }

    /** A socket left its namespace, with the reference server's disconnect reason. */
    default void disconnected(Socket socket, String reason) {
    }

    /**
     * An Engine.IO message arrived on a Socket.IO connection; {@code size} is its length: bytes for
     * a binary message, characters for a text message.
     */
    default void messageReceived(int size) {
    }

    /** A Socket.IO packet was decoded (binary attachments included) and is about to be handled. */
    default void packetReceived(PacketType type) {
    }

    /**
     * A Socket.IO packet was handed to a connection's transport; {@code size} counts its messages
     * like {@link #messageReceived}.
     */
    default void packetSent(int size) {
    }

    /** A broadcast in {@code namespace} reached {@code recipients} sockets of this server. */
    default void broadcast(String namespace, int recipients) {
    }

    /** A client answered an {@code emitWithAck} after {@code nanos} nanoseconds. */
    default void ackReceived(long nanos) {
    }

    /** An Engine.IO connection opened (before any namespace is joined). */
    default void clientConnected(EngineSocket conn) {
    }

    /** An Engine.IO connection closed, with the engine's reason ({@code "transport close"}, {@code "ping timeout"}...). */
    default void clientClosed(EngineSocket conn, String reason) {
    }

    /** The connection of a socket moved from long-polling to WebSocket (called for each of its sockets). */
    default void upgraded(Socket socket) {
    }

    /** Socket {@code id} of {@code namespace} joined {@code room} on this server (it was not in it before). */
    default void roomJoined(String namespace, String room, String id) {
    }

    /** Socket {@code id} of {@code namespace} left {@code room} on this server. */
    default void roomLeft(String namespace, String room, String id) {
    }

    /**
     * Whether this observer wants {@link #dataChanged}; asked once per socket, when its {@link Socket#data()} is first
     * used. {@code false} by default, so that sockets keep a plain map.
     */
    default boolean observesData() {
        return false;
    }

    /**
     * The entry {@code key} of {@link Socket#data()} was added, replaced or removed (only for an observer whose
     * {@link #observesData()} is true); called after the change, on the thread that made it.
     */
    default void dataChanged(Socket socket, String key) {
    }

    /** A volatile packet was not written to a socket that was lagging (or, on long-polling, had no poll pending). */
    default void volatilePacketDropped() {
    }

    /** An observer that tells {@code first}, then {@code second}; {@link #NONE} is left out. */
    static ServerObserver both(ServerObserver first, ServerObserver second) {
        if (first == NONE) {
            return second;
        }
        return second == NONE ? first : new ServerObservers(first, second);
    }
}
