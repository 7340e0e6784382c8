package dev.socketeer.server;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Receives one event of a socket, with the socket: Node's {@code socket.on(event, (...args) => ...)}. Registered once
 * on a namespace ({@link Namespace#on(String, SocketEventListener)}) it serves every socket of that namespace, with
 * no listener created per connection; on one socket with {@link Socket#on(String, SocketEventListener)}. Called on
 * the connection's event loop: must not block.
 */
@FunctionalInterface
public interface SocketEventListener {

    /**
     * @param socket the socket that sent the event
     * @param args the event arguments (binary attachments are {@code BinaryNode}s)
     * @param ack the acknowledgement to send, or {@code null} when the client asked for none
     */
    void onEvent(Socket socket, List<JsonNode> args, Ack ack);
}
