package dev.socketeer.architecture.violations.adapter;

/** Breaks: adapter does not depend on server. */
public class UsesServer {
    dev.socketeer.architecture.violations.server.Server server;
}
