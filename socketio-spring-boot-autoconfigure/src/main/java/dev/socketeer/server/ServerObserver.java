package dev.socketeer.server;

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

    /** A volatile packet was not written to a socket that was lagging (or, on long-polling, had no poll pending). */
    default void volatilePacketDropped() {
    }
}
