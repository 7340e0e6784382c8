package dev.socketeer.handler;

import dev.socketeer.server.Ack;
import dev.socketeer.server.Namespace;
import dev.socketeer.server.Socket;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What a handler method is invoked for, as argument resolvers see it.
 *
 * @param socket the socket, or {@code null} for a server-side event ({@code @OnServerSideEvent})
 * @param event the event name, or {@code null} for connection and disconnection handlers
 * @param args the event arguments (binary attachments are {@code BinaryNode}s); empty outside event handlers
 * @param ack the client's acknowledgement callback, or {@code null} when it asked for none
 * @param disconnectReason why the socket disconnected, or {@code null} outside disconnection handlers
 * @param exception the exception being handled, or {@code null} outside exception handlers
 * @param namespace the namespace: the socket's, or the one that received a server-side event
 */
public record SocketIoInvocation(Socket socket, String event, List<JsonNode> args, Ack ack,
        DisconnectReason disconnectReason, Throwable exception, Namespace namespace) {

    public SocketIoInvocation {
        args = args == null ? List.of() : args;
        namespace = namespace == null && socket != null ? socket.namespace() : namespace;
    }

    /** An invocation for a socket (its namespace is the socket's). */
    public SocketIoInvocation(Socket socket, String event, List<JsonNode> args, Ack ack,
            DisconnectReason disconnectReason, Throwable exception) {
        this(socket, event, args, ack, disconnectReason, exception, null);
    }

    /** The same invocation, handled by an exception handler. */
    public SocketIoInvocation withException(Throwable error) {
        return new SocketIoInvocation(socket, event, args, ack, disconnectReason, error, namespace);
    }
}
