package dev.socketeer.autoconfigure;

import dev.socketeer.engine.EngineOptions;
import dev.socketeer.protocol.socketio.DecoderLimits;
import dev.socketeer.server.ServerOptions;
import java.time.Duration;
import java.util.List;
import org.springframework.util.unit.DataSize;

/**
 * Turns {@code socketio.*} properties into the engine's and the server's option records, after
 * checking them: a value that cannot work fails startup with a {@link SocketIoConfigurationException}.
 */
final class SocketIoOptionsMapper {

    private static final List<String> SAME_SITE = List.of("Lax", "Strict", "None");

    private SocketIoOptionsMapper() {
    }

    /** Checks every property; throws on the first that cannot work. */
    static void validate(SocketIoProperties properties) {
        String path = properties.getPath();
        if (path == null || !path.startsWith("/")) {
            throw new SocketIoConfigurationException("socketio.path", path, "the path must start with '/'",
                    "Set socketio.path to an absolute path such as /socket.io/ (the default).");
        }
        positive("socketio.ping-interval", properties.getPingInterval());
        positive("socketio.ping-timeout", properties.getPingTimeout());
        positive("socketio.upgrade-timeout", properties.getUpgradeTimeout());
        positive("socketio.connect-timeout", properties.getConnectTimeout());
        if (properties.getAckTimeout() != null) {
            positive("socketio.ack-timeout", properties.getAckTimeout());
        }
        positive("socketio.connection-state-recovery.max-disconnection-duration",
                properties.getConnectionStateRecovery().getMaxDisconnectionDuration());
        DataSize max = properties.getMaxHttpBufferSize();
        if (max == null || max.toBytes() <= 0) {
            throw new SocketIoConfigurationException("socketio.max-http-buffer-size", max, "it must be positive",
                    "Set socketio.max-http-buffer-size to a positive size such as 1MB (the reference default is 1000000B).");
        }
        notNegative("socketio.per-message-deflate.threshold", properties.getPerMessageDeflate().getThreshold());
        notNegative("socketio.http-compression.threshold", properties.getHttpCompression().getThreshold());
        List<String> transports = properties.getTransports();
        if (transports == null || transports.isEmpty()) {
            throw new SocketIoConfigurationException("socketio.transports", transports,
                    "at least one transport must be enabled",
                    "Set socketio.transports to polling, websocket or both (the default: polling,websocket).");
        }
        for (String transport : transports) {
            if (!EngineOptions.ALL_TRANSPORTS.contains(transport)) {
                throw new SocketIoConfigurationException("socketio.transports", transports,
                        "'" + transport + "' is not an Engine.IO transport",
                        "Use only 'polling' and 'websocket' in socketio.transports (the default: polling,websocket).");
            }
        }
        String sameSite = properties.getCookie().getSameSite();
        if (sameSite != null && !sameSite.isBlank() && !SAME_SITE.contains(sameSite)) {
            throw new SocketIoConfigurationException("socketio.cookie.same-site", sameSite,
                    "it is not a SameSite value", "Set socketio.cookie.same-site to Lax, Strict, None, or leave it empty.");
        }
        if ("None".equals(sameSite) && !properties.getCookie().isSecure()) {
            throw new SocketIoConfigurationException("socketio.cookie.same-site", sameSite,
                    "browsers reject a SameSite=None cookie that is not Secure",
                    "Set socketio.cookie.secure=true (the cookie then travels over HTTPS only), or use"
                            + " socketio.cookie.same-site=Lax.");
        }
        SocketIoProperties.Cors cors = properties.getCors();
        if (cors.isAllowCredentials() && cors.getAllowedOrigins().contains("*")) {
            throw new SocketIoConfigurationException("socketio.cors.allowed-origins", "*",
                    "with socketio.cors.allow-credentials=true, \"*\" would let every web site (even a sandboxed"
                            + " page, Origin: null) make requests with the user's cookies and read the answers",
                    "List the origins that may send credentials, e.g. socketio.cors.allowed-origins="
                            + "https://app.example.com, or set socketio.cors.allow-credentials=false to allow any"
                            + " origin without credentials.");
        }
        validateLimits(properties);
    }

    // ---- limits: backpressure and the packet parser

    private static void validateLimits(SocketIoProperties properties) {
        SocketIoProperties.Backpressure backpressure = properties.getBackpressure();
        DataSize highWaterMark = backpressure.getHighWaterMark();
        if (highWaterMark == null || highWaterMark.toBytes() <= 0 || highWaterMark.toBytes() > Integer.MAX_VALUE) {
            throw new SocketIoConfigurationException("socketio.backpressure.high-water-mark", highWaterMark,
                    "it must be positive and below 2GB",
                    "Set socketio.backpressure.high-water-mark to a size such as 64KB (the default).");
        }
        DataSize maxBuffer = backpressure.getMaxBuffer();
        if (maxBuffer == null || maxBuffer.toBytes() < highWaterMark.toBytes()) {
            throw new SocketIoConfigurationException("socketio.backpressure.max-buffer", maxBuffer,
                    "it must not be below socketio.backpressure.high-water-mark (" + highWaterMark + ")",
                    "Set socketio.backpressure.max-buffer above the high-water mark and above the largest message the"
                            + " server sends, such as 100MB (the default).");
        }
        positive("socketio.backpressure.max-lag", backpressure.getMaxLag());
        SocketIoProperties.Parser parser = properties.getParser();
        atLeastOne("socketio.parser.max-nesting-depth", parser.getMaxNestingDepth(), 500);
        atLeastOne("socketio.parser.max-number-length", parser.getMaxNumberLength(), 1000);
        if (parser.getMaxAckIdDigits() < 1 || parser.getMaxAckIdDigits() > 18) {
            throw new SocketIoConfigurationException("socketio.parser.max-ack-id-digits", parser.getMaxAckIdDigits(),
                    "an acknowledgement id is read as a long: 1 to 18 digits",
                    "Set socketio.parser.max-ack-id-digits between 1 and 18 (the default, 15, keeps every id exact in"
                            + " JavaScript).");
        }
    }

    private static void atLeastOne(String property, int value, int defaultValue) {
        if (value < 1) {
            throw new SocketIoConfigurationException(property, value, "it must be at least 1",
                    "Set " + property + " to a positive number (the default is " + defaultValue + ").");
        }
    }

    private static EngineOptions.Backpressure backpressure(SocketIoProperties properties) {
        SocketIoProperties.Backpressure backpressure = properties.getBackpressure();
        return new EngineOptions.Backpressure(backpressure.getHighWaterMark().toBytes(),
                backpressure.getMaxBuffer().toBytes(), backpressure.getMaxLag());
    }

    private static DecoderLimits decoderLimits(SocketIoProperties properties) {
        SocketIoProperties.Parser parser = properties.getParser();
        return new DecoderLimits(parser.getMaxNestingDepth(), parser.getMaxNumberLength(), parser.getMaxAckIdDigits());
    }

    private static void positive(String property, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new SocketIoConfigurationException(property, value, "the duration must be positive",
                    "Set " + property + " to a positive duration such as 20s.");
        }
    }

    private static void notNegative(String property, DataSize value) {
        if (value == null || value.isNegative()) {
            throw new SocketIoConfigurationException(property, value, "the size must not be negative",
                    "Set " + property + " to a size of zero or more, such as 1KB.");
        }
    }

    static EngineOptions engineOptions(SocketIoProperties properties) {
        validate(properties);
        SocketIoProperties.Cors cors = properties.getCors();
        SocketIoProperties.Cookie cookie = properties.getCookie();
        SocketIoProperties.Compression deflate = properties.getPerMessageDeflate();
        SocketIoProperties.Compression http = properties.getHttpCompression();
        String sameSite = cookie.getSameSite() == null || cookie.getSameSite().isBlank() ? null : cookie.getSameSite();
        return EngineOptions.defaults()
                .withHeartbeat(properties.getPingInterval(), properties.getPingTimeout())
                .withUpgradeTimeout(properties.getUpgradeTimeout())
                .withMaxHttpBufferSize(properties.getMaxHttpBufferSize().toBytes())
                .withTransports(properties.getTransports(), properties.isAllowUpgrades())
                .withCompression(
                        deflate.isEnabled() ? new EngineOptions.Compression((int) deflate.getThreshold().toBytes()) : null,
                        http.isEnabled() ? new EngineOptions.Compression((int) http.getThreshold().toBytes()) : null)
                .withCors(cors.getAllowedOrigins().isEmpty() ? null
                        : new EngineOptions.Cors(cors.getAllowedOrigins(), cors.isAllowCredentials()))
                .withCookie(cookie.isEnabled()
                        ? new EngineOptions.Cookie(cookie.getName(), cookie.getPath(), cookie.isHttpOnly(), sameSite,
                                cookie.isSecure())
                        : null)
                .withBackpressure(backpressure(properties));
    }

    static ServerOptions serverOptions(SocketIoProperties properties) {
        validate(properties);
        SocketIoProperties.ConnectionStateRecovery recovery = properties.getConnectionStateRecovery();
        return ServerOptions.defaults()
                .withConnectTimeout(properties.getConnectTimeout())
                .withAckTimeout(properties.getAckTimeout())
                .withConnectionStateRecovery(recovery.isEnabled()
                        ? new ServerOptions.ConnectionStateRecovery(recovery.getMaxDisconnectionDuration(),
                                recovery.isSkipMiddlewares())
                        : null)
                .withDecoderLimits(decoderLimits(properties));
    }
}
