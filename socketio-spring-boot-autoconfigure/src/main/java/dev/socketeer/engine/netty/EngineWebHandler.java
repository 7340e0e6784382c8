package dev.socketeer.engine.netty;

import dev.socketeer.engine.EngineError;
import dev.socketeer.engine.EngineOptions;
import dev.socketeer.engine.EngineRequest;
import dev.socketeer.engine.EngineServer;
import dev.socketeer.engine.EngineWebSocket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Mono;

/** Serves both transports of one engine on one path: polling requests and WebSocket upgrades. */
final class EngineWebHandler implements WebHandler, CorsConfigurationSource {

    private final EngineServer server;
    private final EngineOptions options;
    private final WebSocketService webSocketService;
    private final CorsConfiguration cors;

    EngineWebHandler(EngineServer server) {
        SharedFrames.initialize(); // at startup: its static setup reads the platform MBeans, never on a loop
        this.server = server;
        this.options = server.options();
        int maxFrame = (int) Math.min(options.maxHttpBufferSize(), Integer.MAX_VALUE - 8);
        this.webSocketService = new HandshakeWebSocketService(new EngineUpgradeStrategy(maxFrame, options.perMessageDeflate() != null));
        this.cors = corsConfiguration(options.cors());
    }

    EngineServer server() {
        return server;
    }

    @Override
    public CorsConfiguration getCorsConfiguration(ServerWebExchange exchange) {
        return cors;
    }

    private static CorsConfiguration corsConfiguration(EngineOptions.Cors cors) {
        if (cors == null) {
            return null;
        }
        CorsConfiguration config = new CorsConfiguration();
        if (cors.allowedOrigins().contains("*")) {
            if (cors.allowCredentials()) {
                config.addAllowedOriginPattern("*"); // echoes the request origin, as the reference does
            } else {
                config.addAllowedOrigin("*");
            }
        } else {
            config.setAllowedOrigins(cors.allowedOrigins());
        }
        config.setAllowCredentials(cors.allowCredentials());
        config.setAllowedMethods(List.of("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"));
        config.addAllowedHeader("*");
        return config;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange) {
        return exchange.getPrincipal()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(principal -> handle(exchange, toEngineRequest(exchange, principal.orElse(null))));
    }

    private Mono<Void> handle(ServerWebExchange exchange, EngineRequest request) {
        ServerHttpRequest httpRequest = exchange.getRequest();
        if (isUpgrade(httpRequest)) {
            EngineError error = server.verifyUpgrade(request);
            if (error != null) {
                return respondError(exchange.getResponse(), error);
            }
            return webSocketService.handleRequest(exchange, session -> onWebSocket(session, request));
        }
        NettyPollingExchange polling = new NettyPollingExchange(exchange, options);
        server.handlePolling(request, polling);
        return polling.result();
    }

    private static boolean isUpgrade(ServerHttpRequest request) {
        return HttpMethod.GET.equals(request.getMethod())
                && "websocket".equalsIgnoreCase(request.getHeaders().getUpgrade());
    }

    private static Mono<Void> respondError(ServerHttpResponse response, EngineError error) {
        response.setStatusCode(HttpStatusCode.valueOf(error.httpStatus()));
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        byte[] body = error.toJson().getBytes(StandardCharsets.UTF_8);
        response.getHeaders().setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    private Mono<Void> onWebSocket(WebSocketSession webSocketSession, EngineRequest request) {
        if (!(webSocketSession instanceof EngineWebSocketSession session)) {
            return webSocketSession.close();
        }
        long slowConsumerLimit = Math.max(4L * options.maxHttpBufferSize(), 4L << 20);
        NettyEngineWebSocket connection = new NettyEngineWebSocket(session, slowConsumerLimit);
        int maxMessage = (int) Math.min(options.maxHttpBufferSize(), Integer.MAX_VALUE - 8);
        session.inbound().aggregateFrames(maxMessage);
        EngineWebSocket.Inbound inbound = server.onWebSocket(request, connection);
        return session.inbound().receiveFrames()
                .doOnNext(frame -> onFrame(frame, inbound, connection))
                .then()
                .doOnSuccess(done -> {
                    connection.inboundEnded();
                    inbound.onClose(connection.failed());
                })
                .doOnError(error -> {
                    connection.inboundEnded();
                    inbound.onClose(true);
                })
                .doOnCancel(() -> {
                    connection.inboundEnded();
                    inbound.onClose(connection.failed());
                })
                .onErrorComplete();
    }

    private static void onFrame(WebSocketFrame frame, EngineWebSocket.Inbound inbound, NettyEngineWebSocket connection) {
        // Reactor Netty releases the frame after this returns: copy what we keep.
        ByteBuf content = frame.content();
        if (frame instanceof TextWebSocketFrame) {
            if (!ByteBufUtil.isText(content, StandardCharsets.UTF_8)) {
                // Invalid UTF-8 fails the connection, as ws does (1007).
                connection.close();
                inbound.onClose(true);
                return;
            }
            inbound.onText(content.toString(StandardCharsets.UTF_8));
        } else if (frame instanceof BinaryWebSocketFrame) {
            inbound.onBinary(ByteBufUtil.getBytes(content));
        }
    }

    private static EngineRequest toEngineRequest(ServerWebExchange exchange, Principal principal) {
        ServerHttpRequest request = exchange.getRequest();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        request.getHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
        String rawQuery = request.getURI().getRawQuery();
        String url = request.getURI().getRawPath() + (rawQuery == null ? "" : "?" + rawQuery);
        return new EngineRequest(url, headers, EngineRequest.parseQuery(url), request.getRemoteAddress(),
                request.getSslInfo() != null, System.currentTimeMillis(), principal, Map.of());
    }
}
