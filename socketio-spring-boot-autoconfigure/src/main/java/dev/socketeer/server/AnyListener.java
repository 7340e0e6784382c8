package dev.socketeer.server;

import java.util.List;

/**
 * Sees every incoming event of a socket ({@link Socket#onAny}: {@code JsonNode} arguments) or
 * every outgoing one ({@link Socket#onAnyOutgoing}: the values given to emit).
 */
@FunctionalInterface
public interface AnyListener {

    void onEvent(String event, List<?> args);
}
