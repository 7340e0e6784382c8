/**
 * The Engine.IO v4 server: sessions, transports, heartbeats and upgrades, free of HTTP library types. Entry point: {@link dev.socketeer.engine.EngineServer}.
 */
package dev.socketeer.engine;
