package dev.socketeer.architecture.violations.server;

/** Breaks: only engine.netty imports Netty's HTTP codec. */
public class UsesNettyHttp {
    io.netty.handler.codec.http.HttpMethod method = io.netty.handler.codec.http.HttpMethod.GET;
}
