package dev.socketeer.autoconfigure;

import dev.socketeer.server.SocketIoServer;

/**
 * Customizes the auto-configured {@link SocketIoServer} before it serves clients: register
 * namespaces, middlewares and connection listeners. Applied in {@code @Order} order.
 */
@FunctionalInterface
public interface SocketIoServerCustomizer {

    /** Customizes the server. */
    void customize(SocketIoServer server);
}
