package dev.socketeer.autoconfigure;

import dev.socketeer.engine.EngineOptions;

/**
 * Adjusts the Engine.IO options derived from {@code socketio.*} properties, e.g. to set an
 * {@link EngineOptions.AllowRequest} filter. Applied in {@code @Order} order.
 */
@FunctionalInterface
public interface EngineOptionsCustomizer {

    /** Returns the options to use, derived from {@code options}. */
    EngineOptions customize(EngineOptions options);
}
