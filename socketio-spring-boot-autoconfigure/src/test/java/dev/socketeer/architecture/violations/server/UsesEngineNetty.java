package dev.socketeer.architecture.violations.server;

/** Breaks: server does not depend on engine.netty. */
public class UsesEngineNetty {
    dev.socketeer.architecture.violations.engine.netty.NettyTransport transport;
}
