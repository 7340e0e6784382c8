/**
 * Maps Reactor Netty / WebFlux HTTP requests and WebSocket connections onto engine transports. The only package that touches Netty's HTTP codec or reactor.netty.
 */
package dev.socketeer.engine.netty;
