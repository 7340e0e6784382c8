package dev.socketeer.engine.netty;

import io.netty.channel.Channel;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/** A WebFlux WebSocket session that also exposes the Reactor Netty inbound and Netty channel. */
final class EngineWebSocketSession extends ReactorNettyWebSocketSession {

    private final WebsocketInbound inbound;
    private final WebsocketOutbound outbound;
    private final Channel channel;

    EngineWebSocketSession(WebsocketInbound inbound, WebsocketOutbound outbound, HandshakeInfo info,
            NettyDataBufferFactory bufferFactory, int maxFramePayloadLength) {
        super(inbound, outbound, info, bufferFactory, maxFramePayloadLength);
        this.inbound = inbound;
        this.outbound = outbound;
        Channel[] holder = new Channel[1];
        inbound.withConnection(connection -> holder[0] = connection.channel());
        this.channel = holder[0];
    }

    WebsocketInbound inbound() {
        return inbound;
    }

    WebsocketOutbound outbound() {
        return outbound;
    }

    Channel channel() {
        return channel;
    }
}
