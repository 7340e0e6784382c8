package dev.socketeer.autoconfigure;

import dev.socketeer.engine.EngineServer;
import java.util.Objects;

/**
 * A plain Engine.IO endpoint (no Socket.IO on top) to serve on the application's port next to
 * the Socket.IO endpoint: declare one as a bean and the auto-configuration mounts it.
 *
 * @param path the request path prefix, e.g. {@code /engine.io/}
 * @param server the engine that serves it
 */
public record EngineIoEndpoint(String path, EngineServer server) {

    public EngineIoEndpoint {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(server, "server");
    }
}
