package dev.socketeer.adapter;

import dev.socketeer.protocol.engineio.EngineMessage;
import dev.socketeer.protocol.socketio.Packet;
import java.util.List;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/** What an adapter may do with one socket connected to this server. */
public interface LocalSocket {

    /** The socket id. */
    String id();

    /**
     * The private session id a client presents to recover this socket's session (connection state recovery), or
     * {@code null} when recovery is off. Adapters that keep sessions while sockets are connected key them by it.
     */
    default String pid() {
        return null;
    }

    /**
     * Writes an already encoded packet (text message then attachments) to the socket's connection.
     *
     * @param isVolatile drop it if the transport is not writable right now
     * @param compress whether the transport may compress it
     */
    void write(List<EngineMessage> messages, boolean isVolatile, boolean compress);

    /** Tells the socket's outgoing-event listeners about a broadcast packet written to it. */
    void notifyOutgoing(Packet packet);

    /** Registers the callback that receives the first argument of the client's answer to ack {@code id}. */
    void registerAck(long id, Consumer<JsonNode> response);

    /** The socket's id, handshake, rooms and data. */
    SocketDetails details();

    /** Disconnects the socket ({@code close}: the whole underlying connection). */
    void disconnect(boolean close);
}
