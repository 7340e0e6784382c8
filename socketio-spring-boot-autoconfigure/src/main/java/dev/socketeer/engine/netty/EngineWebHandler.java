package dev.socketeer.engine.netty;

import dev.socketeer.engine.EngineError;
import dev.socketeer.engine.EngineOptions;
import dev.socketeer.engine.EngineRequest;
import dev.socketeer.engine.EngineServer;
import dev.socketeer.engine.EngineWebSocket;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.AbstractServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;
import reactor.util.Logger;
import reactor.util.Loggers;

/** Serves both transports of one engine on one path: polling requests and WebSocket upgrades. */
final class EngineWebHandler implements WebHandler, CorsConfigurationSource {

    // 16 random bytes in base64, as RFC 6455 asks and the reference server's ws checks
    private static final Pattern WEBSOCKET_KEY = Pattern.compile("[+/0-9A-Za-z]{22}==");
    // an RFC 7230 token
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    // the name Netty's handshaker gives the frame decoder
    private static final String FRAME_DECODER = "wsdecoder";
    private static final Logger log = Loggers.getLogger(EngineWebHandler.class);

    private final EngineServer server;
    private final EngineOptions options;
    private final int maxMessage;
    private final WebsocketServerSpec websocketSpec;
    private final CorsConfiguration cors;
    private final WebSocketDecoderConfig decoderConfig;
    private final WebSocketDecoderConfig decoderConfigWithExtensions;
    /** The channels' write buffer water marks: the backpressure policy's high-water mark, and half of it. */
    private final WriteBufferWaterMark waterMark;

    EngineWebHandler(EngineServer server) {
        SharedFrames.initialize(); // at startup: its static setup reads the platform MBeans, never on a loop
        this.server = server;
        this.options = server.options();
        this.maxMessage = (int) Math.min(options.maxHttpBufferSize(), Integer.MAX_VALUE - 8);
        this.websocketSpec = websocketSpec(null);
        this.cors = corsConfiguration(options.cors());
        WebSocketDecoderConfig.Builder decoder = WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(maxMessage)
                .expectMaskedFrames(true).allowMaskMismatch(false).closeOnProtocolViolation(true);
        this.decoderConfig = decoder.allowExtensions(false).build();
        this.decoderConfigWithExtensions = decoder.allowExtensions(true).build();
        int high = (int) Math.min(options.backpressure().highWaterMark(), Integer.MAX_VALUE);
        this.waterMark = new WriteBufferWaterMark(high / 2, high);
    }

    EngineServer server() {
        return server;
    }

    /** The largest message a client may send, in bytes. */
    int maxMessage() {
        return maxMessage;
    }

    /**
     * A WebSocket connection broke RFC 6455 and was closed with {@code closeCode}: counted, and logged at DEBUG
     * only, as the client decides how often it happens.
     */
    void protocolError(Channel channel, int closeCode, String reason) {
        if (log.isDebugEnabled()) {
            log.debug("WebSocket protocol error from " + channel.remoteAddress() + ", closed with " + closeCode + ": "
                    + reason);
        }
        server.observer().webSocketProtocolError(closeCode);
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
        // "*" never comes with credentials (EngineOptions.Cors refuses it): no origin is ever echoed for it
        config.setAllowedOrigins(cors.allowedOrigins());
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
            return upgrade(exchange, request);
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
        return respond(response, error.httpStatus(), MediaType.APPLICATION_JSON, error.toJson());
    }

    private static Mono<Void> respond(ServerHttpResponse response, int status, MediaType type, String body) {
        response.setStatusCode(HttpStatusCode.valueOf(status));
        response.getHeaders().setContentType(type);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.getHeaders().setContentLength(bytes.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }

    /**
     * Upgrades on Reactor Netty itself, after checking the handshake as the reference server's
     * {@code ws} does (same statuses and messages), and with the first subprotocol the client
     * offers, as {@code ws} picks it. Not through WebFlux's {@code HandshakeWebSocketService}: its
     * handshake info parses the request's cookies and its session formats the channel's long id, and
     * Reactor Netty and Netty keep both for the connection's life although nothing reads them.
     */
    private Mono<Void> upgrade(ServerWebExchange exchange, EngineRequest request) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        ServerHttpResponse response = exchange.getResponse();
        String key = headers.getFirst("Sec-WebSocket-Key");
        if (key == null || !WEBSOCKET_KEY.matcher(key.trim()).matches()) {
            return respond(response, 400, MediaType.TEXT_HTML, "Missing or invalid Sec-WebSocket-Key header");
        }
        String version = headers.getFirst("Sec-WebSocket-Version");
        if (!"13".equals(version) && !"8".equals(version)) {
            response.getHeaders().set("Sec-WebSocket-Version", "13, 8");
            return respond(response, 400, MediaType.TEXT_HTML, "Missing or invalid Sec-WebSocket-Version header");
        }
        WebsocketServerSpec spec = websocketSpec;
        String protocols = headers.getFirst("Sec-WebSocket-Protocol");
        if (protocols != null) {
            String first = firstSubprotocol(protocols);
            if (first == null) {
                return respond(response, 400, MediaType.TEXT_HTML, "Invalid Sec-WebSocket-Protocol header");
            }
            spec = websocketSpec(first);
        }
        HttpServerResponse reactorResponse = ServerHttpResponseDecorator.getNativeResponse(response);
        WebsocketServerSpec chosen = spec;
        // as WebFlux's own upgrade does: pre-commit actions (session cookies, the CORS headers) run first
        return response.setComplete().then(Mono.defer(() -> reactorResponse.sendWebsocket(
                (in, out) -> onWebSocket(in, out, request), chosen)));
    }

    private WebsocketServerSpec websocketSpec(String protocol) {
        WebsocketServerSpec.Builder builder = WebsocketServerSpec.builder();
        if (protocol != null) {
            builder.protocols(protocol);
        }
        return builder.maxFramePayloadLength(maxMessage)
                .compress(options.perMessageDeflate() != null)
                .handlePing(false)
                .build();
    }

    /** The first of a comma-separated list of distinct tokens, or {@code null} when the list is malformed. */
    private static String firstSubprotocol(String header) {
        String[] tokens = header.split(",", -1);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = tokens[i].trim();
            if (!TOKEN.matcher(tokens[i]).matches()) {
                return null;
            }
            for (int j = 0; j < i; j++) {
                if (tokens[j].equals(tokens[i])) {
                    return null;
                }
            }
        }
        return tokens[0];
    }

    private Mono<Void> onWebSocket(WebsocketInbound in, WebsocketOutbound out, EngineRequest request) {
        // The engine request holds its own compact copy of the headers; Reactor Netty keeps the Netty
        // request of the upgrade, and its headers (about 0.9 KB), for the life of the connection and
        // reads them no more once upgraded (we run on the channel's loop, after the handshake).
        in.headers().clear();
        Channel[] channel = new Channel[1];
        in.withConnection(connection -> channel[0] = connection.channel());
        NettyEngineWebSocket connection = new NettyEngineWebSocket(out, channel[0], options.backpressure());
        installDecoder(channel[0], connection);
        EngineWebSocket.Inbound inbound = server.onWebSocket(request, connection);
        connection.inbound(inbound);
        return new InboundFrames(in, inbound, connection, this);
    }

    /**
     * Puts our frame decoder in place of the handshake's (see {@link EngineFrameDecoder}) and the policy's water
     * marks on the channel. Called on the channel's loop right after the handshake's response was written, before
     * the loop read anything more from the client: the decoder replaced holds nothing yet. On a pipeline not laid
     * out as expected, both stay as they are, and the connection does not hold frames back.
     */
    private void installDecoder(Channel channel, NettyEngineWebSocket connection) {
        ChannelPipeline pipeline = channel.pipeline();
        ChannelHandler handshakes = pipeline.get(FRAME_DECODER);
        if (!channel.eventLoop().inEventLoop() || handshakes == null || handshakes.getClass() != WebSocket13FrameDecoder.class) {
            return;
        }
        boolean extensions = pipeline.get(WebSocketExtensionDecoder.class) != null;
        pipeline.replace(FRAME_DECODER, FRAME_DECODER, new EngineFrameDecoder(
                extensions ? decoderConfigWithExtensions : decoderConfig, connection, this));
        channel.config().setWriteBufferWaterMark(waterMark);
        connection.holdBack();
    }

    /**
     * Reactor Netty's request URI when it is the same text as {@code url} (a WebSocket connection keeps that string
     * anyway), else {@code url}. Unlike {@code ServerHttpRequestDecorator.getNativeRequest}, never throws for a
     * request that does not wrap a Reactor Netty one.
     */
    private static String nativeUriIfSame(ServerHttpRequest request, String url) {
        ServerHttpRequest unwrapped = request;
        while (unwrapped instanceof ServerHttpRequestDecorator decorator) {
            unwrapped = decorator.getDelegate();
        }
        return unwrapped instanceof AbstractServerHttpRequest abstractRequest
                && abstractRequest.getNativeRequest() instanceof HttpServerRequest nativeRequest
                && url.equals(nativeRequest.uri()) ? nativeRequest.uri() : url;
    }

    private static EngineRequest toEngineRequest(ServerWebExchange exchange, Principal principal) {
        ServerHttpRequest request = exchange.getRequest();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        request.getHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
        String rawQuery = request.getURI().getRawQuery();
        String url = nativeUriIfSame(request, request.getURI().getRawPath() + (rawQuery == null ? "" : "?" + rawQuery));
        return new EngineRequest(url, headers, EngineRequest.parseQuery(url), request.getRemoteAddress(),
                request.getSslInfo() != null, System.currentTimeMillis(), principal, Map.of());
    }
}
