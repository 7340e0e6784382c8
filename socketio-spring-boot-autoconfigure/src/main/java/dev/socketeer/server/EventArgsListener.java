package dev.socketeer.server;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Receives one event without the socket: a server-side event ({@link Namespace#onServerSideEmit}), or a socket's
 * event through {@link Socket#on(String, EventArgsListener)}. Called on the connection's event loop: must not block. For
 * client events prefer {@link SocketEventListener}: it gets the socket, so one listener registered on the namespace
 * ({@link Namespace#on(String, SocketEventListener)}) serves every socket, with no listener created per connection.
 */
@FunctionalInterface
public interface EventArgsListener {

    /**
     * @param args the event arguments (binary attachments are {@code BinaryNode}s)
     * @param ack the acknowledgement to send, or {@code null} when the client asked for none
     */
    void onEvent(List<JsonNode> args, Ack ack);
}
