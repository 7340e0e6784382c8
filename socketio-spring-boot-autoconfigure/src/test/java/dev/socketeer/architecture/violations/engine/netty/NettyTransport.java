package dev.socketeer.architecture.violations.engine.netty;

/** Allowed: engine.netty uses reactor-netty and Netty's HTTP codec. */
public class NettyTransport {
    reactor.netty.http.server.HttpServerRequest request;
    io.netty.handler.codec.http.HttpHeaders headers;
}
