package dev.socketeer.architecture.violations.engine;

/** Breaks: engine does not depend on server (and closes a cycle with server.Server). */
public class UsesServer {
    dev.socketeer.architecture.violations.server.Server server;
}
