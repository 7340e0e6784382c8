package dev.socketeer.server;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Runs before an incoming event reaches the socket's listeners. Call {@code next.proceed()} to go
 * on or {@code next.refuse(error)} to drop the event (the socket's error listeners get the error).
 */
@FunctionalInterface
public interface EventMiddleware {

    /**
     * @param event the event name followed by its arguments
     */
    void apply(List<JsonNode> event, ConnectionMiddleware.Next next);
}
