package dev.socketeer.architecture.violations.server;

/** A server type for the engine fixture to (wrongly) use. */
public class Server {
    dev.socketeer.architecture.violations.engine.Engine engine;
}
