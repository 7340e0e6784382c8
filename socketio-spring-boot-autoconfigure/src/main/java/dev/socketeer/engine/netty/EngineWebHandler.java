package dev.socketeer.engine.netty;

import dev.socketeer.engine.EngineError;
import dev.socketeer.engine.EngineOptions;
import dev.socketeer.engine.EngineRequest;
import dev.socketeer.engine.EngineServer;
import dev.socketeer.engine.EngineWebSocket;
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
        // The engine request holds its own compact copy of the headers; Reactor Netty keeps the Netty
        // request of the upgrade, and its headers (about 0.9 KB), for the life of the connection and
        // reads them no more once upgraded (we run on the channel's loop, after the handshake).
        session.inbound().headers().clear();
        long slowConsumerLimit = Math.max(4L * options.maxHttpBufferSize(), 4L << 20);
        NettyEngineWebSocket connection = new NettyEngineWebSocket(session, slowConsumerLimit);
        int maxMessage = (int) Math.min(options.maxHttpBufferSize(), Integer.MAX_VALUE - 8);
        session.inbound().aggregateFrames(maxMessage);
        EngineWebSocket.Inbound inbound = server.onWebSocket(request, connection);
        return new InboundFrames(session.inbound(), inbound, connection);
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
