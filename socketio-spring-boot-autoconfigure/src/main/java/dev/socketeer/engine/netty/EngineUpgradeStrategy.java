package dev.socketeer.engine.netty;

import java.util.function.Supplier;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * Upgrades like {@link ReactorNettyRequestUpgradeStrategy}, but with the engine's frame size and
 * compression settings, and with a session that exposes the Netty channel so frames can be
 * written to it directly.
 */
final class EngineUpgradeStrategy extends ReactorNettyRequestUpgradeStrategy {

    private final int maxFramePayloadLength;
    private final boolean compress;

    EngineUpgradeStrategy(int maxFramePayloadLength, boolean compress) {
        this.maxFramePayloadLength = maxFramePayloadLength;
        this.compress = compress;
    }

    @Override
    public Mono<Void> upgrade(ServerWebExchange exchange, WebSocketHandler handler, String subProtocol,
            Supplier<HandshakeInfo> handshakeInfoFactory) {
        ServerHttpResponse response = exchange.getResponse();
        HttpServerResponse reactorResponse = ServerHttpResponseDecorator.getNativeResponse(response);
        HandshakeInfo handshakeInfo = handshakeInfoFactory.get();
        NettyDataBufferFactory bufferFactory = (NettyDataBufferFactory) response.bufferFactory();
        WebsocketServerSpec.Builder builder = WebsocketServerSpec.builder();
        if (subProtocol != null) {
            builder.protocols(subProtocol);
        }
        WebsocketServerSpec spec = builder
                .maxFramePayloadLength(maxFramePayloadLength)
                .compress(compress)
                .handlePing(false)
                .build();
        // Like the parent: let pre-commit actions (e.g. session cookies) run before the upgrade.
        return response.setComplete().then(Mono.defer(() -> reactorResponse.sendWebsocket((in, out) -> {
            EngineWebSocketSession session = new EngineWebSocketSession(in, out, handshakeInfo, bufferFactory,
                    maxFramePayloadLength);
            return handler.handle(session);
        }, spec)));
    }
}
