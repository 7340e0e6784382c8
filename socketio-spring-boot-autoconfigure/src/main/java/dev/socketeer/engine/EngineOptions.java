package dev.socketeer.engine;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Immutable Engine.IO server options; defaults equal the reference server's (engine.io 6.6).
 *
 * @param pingInterval how often the server pings (25 s)
 * @param pingTimeout how long the server waits for the pong before closing (20 s)
 * @param upgradeTimeout how long an unfinished transport upgrade may take (10 s)
 * @param maxHttpBufferSize the largest message or polling POST body accepted, in bytes (1 MB);
 *     also announced as {@code maxPayload}
 * @param transports the enabled transports, in order of preference ({@code polling}, {@code websocket})
 * @param allowUpgrades whether polling sessions may upgrade to WebSocket
 * @param perMessageDeflate WebSocket permessage-deflate; {@code null} turns it off (the default)
 * @param httpCompression gzip/deflate of polling responses; {@code null} turns it off
 * @param cors CORS headers on polling responses and errors; {@code null} sends none
 * @param cookie the {@code io} cookie set on the handshake (sticky sessions); {@code null} sets none
 * @param allowRequest decides whether a handshake or upgrade may proceed; {@code null} allows all
 * @param backpressure how far a client may fall behind what is sent to it (not in the reference server, which
 *     buffers without bound)
 */
public record EngineOptions(
        Duration pingInterval,
        Duration pingTimeout,
        Duration upgradeTimeout,
        long maxHttpBufferSize,
        List<String> transports,
        boolean allowUpgrades,
        Compression perMessageDeflate,
        Compression httpCompression,
        Cors cors,
        Cookie cookie,
        AllowRequest allowRequest,
        Backpressure backpressure) {

    /** The transport names Engine.IO v4 knows. */
    public static final List<String> ALL_TRANSPORTS = List.of("polling", "websocket");

    public EngineOptions {
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(pingTimeout, "pingTimeout");
        Objects.requireNonNull(upgradeTimeout, "upgradeTimeout");
        Objects.requireNonNull(backpressure, "backpressure");
        transports = List.copyOf(transports);
        for (String transport : transports) {
            if (!ALL_TRANSPORTS.contains(transport)) {
                throw new IllegalArgumentException("Unknown transport '" + transport + "', expected one of " + ALL_TRANSPORTS);
            }
        }
        if (transports.isEmpty()) {
            throw new IllegalArgumentException("At least one transport must be enabled");
        }
        if (maxHttpBufferSize <= 0) {
            throw new IllegalArgumentException("maxHttpBufferSize must be positive");
        }
    }

    /** The reference server's defaults. */
    public static EngineOptions defaults() {
        return new EngineOptions(Duration.ofSeconds(25), Duration.ofSeconds(20), Duration.ofSeconds(10), 1_000_000L,
                ALL_TRANSPORTS, true, null, new Compression(1024), null, null, null,
                Backpressure.defaults());
    }

    /** A copy with other heartbeat timings. */
    public EngineOptions withHeartbeat(Duration pingInterval, Duration pingTimeout) {
        return new EngineOptions(pingInterval, pingTimeout, upgradeTimeout, maxHttpBufferSize, transports, allowUpgrades,
                perMessageDeflate, httpCompression, cors, cookie, allowRequest, backpressure);
    }

    /** A copy with another upgrade timeout. */
    public EngineOptions withUpgradeTimeout(Duration upgradeTimeout) {
        return new EngineOptions(pingInterval, pingTimeout, upgradeTimeout, maxHttpBufferSize, transports, allowUpgrades,
                perMessageDeflate, httpCompression, cors, cookie, allowRequest, backpressure);
    }

    /** A copy with another size limit. */
    public EngineOptions withMaxHttpBufferSize(long maxHttpBufferSize) {
        return new EngineOptions(pingInterval, pingTimeout, upgradeTimeout, maxHttpBufferSize, transports, allowUpgrades,
                perMessageDeflate, httpCompression, cors, cookie, allowRequest, backpressure);
    }

    /** A copy with other transports and upgrade policy. */
    public EngineOptions withTransports(List<String> transports, boolean allowUpgrades) {
        return new EngineOptions(pingInterval, pingTimeout, upgradeTimeout, maxHttpBufferSize, transports, allowUpgrades,
                perMessageDeflate, httpCompression, cors, cookie, allowRequest, backpressure);
    }

    /** A copy with other compression settings ({@code null} turns one off). */
    public EngineOptions withCompression(Compression perMessageDeflate, Compression httpCompression) {
        return new EngineOptions(pingInterval, pingTimeout, upgradeTimeout, maxHttpBufferSize, transports, allowUpgrades,
                perMessageDeflate, httpCompression, cors, cookie, allowRequest, backpressure);
    }

    /** A copy with other CORS settings ({@code null} turns CORS headers off). */
    public EngineOptions withCors(Cors cors) {
        return new EngineOptions(pingInterval, pingTimeout, upgradeTimeout, maxHttpBufferSize, transports, allowUpgrades,
                perMessageDeflate, httpCompression, cors, cookie, allowRequest, backpressure);
    }

    /** A copy with another cookie ({@code null} sets none). */
    public EngineOptions withCookie(Cookie cookie) {
        return new EngineOptions(pingInterval, pingTimeout, upgradeTimeout, maxHttpBufferSize, transports, allowUpgrades,
                perMessageDeflate, httpCompression, cors, cookie, allowRequest, backpressure);
    }

    /** A copy with another request filter ({@code null} allows all). */
    public EngineOptions withAllowRequest(AllowRequest allowRequest) {
        return new EngineOptions(pingInterval, pingTimeout, upgradeTimeout, maxHttpBufferSize, transports, allowUpgrades,
                perMessageDeflate, httpCompression, cors, cookie, allowRequest, backpressure);
    }

    /** A copy with another backpressure policy. */
    public EngineOptions withBackpressure(Backpressure backpressure) {
        return new EngineOptions(pingInterval, pingTimeout, upgradeTimeout, maxHttpBufferSize, transports, allowUpgrades,
                perMessageDeflate, httpCompression, cors, cookie, allowRequest, backpressure);
    }

    /**
     * What the server does with a client that reads more slowly than it is written to, on either transport. The
     * bytes waiting for a client are those not yet handed to its connection: the WebSocket frames not yet written
     * to the socket, the packets waiting for the next long-polling GET.
     *
     * @param highWaterMark above this many bytes waiting the client is lagging: volatile packets to it are dropped
     *     and {@link EngineSocket#isLagging()} is true, until fewer than half of it wait (64 KiB)
     * @param maxBuffer beyond this many bytes waiting the session is closed with reason {@code "slow client"}
     *     (100 MiB)
     * @param maxLag a lagging client that reads nothing for this long is closed with reason {@code "slow client"}
     *     (30 s)
     */
    public record Backpressure(long highWaterMark, long maxBuffer, Duration maxLag) {

        public Backpressure {
            Objects.requireNonNull(maxLag, "maxLag");
            if (highWaterMark <= 0) {
                throw new IllegalArgumentException("highWaterMark must be positive, was " + highWaterMark);
            }
            if (maxBuffer < highWaterMark) {
                throw new IllegalArgumentException("maxBuffer (" + maxBuffer + ") must not be below highWaterMark ("
                        + highWaterMark + ")");
            }
            if (maxLag.isNegative() || maxLag.isZero()) {
                throw new IllegalArgumentException("maxLag must be positive, was " + maxLag);
            }
        }

        /** 64 KiB high-water mark (Netty's default), 100 MiB at most waiting, 30 s without reading. */
        public static Backpressure defaults() {
            return new Backpressure(64 * 1024, 100L * 1024 * 1024, Duration.ofSeconds(30));
        }
    }

    /** Compression above a size threshold, in bytes (the reference default is 1024). */
    public record Compression(int threshold) {
    }

    /**
     * CORS for polling requests and WebSocket upgrades.
     *
     * @param allowedOrigins allowed origins, or {@code ["*"]} for any
     * @param allowCredentials whether {@code Access-Control-Allow-Credentials: true} is sent; refused
     *     with {@code "*"}, which would let every web site make credentialed requests and read the
     *     answers (Spring's own CORS support refuses the same combination)
     */
    public record Cors(List<String> allowedOrigins, boolean allowCredentials) {
        public Cors {
            allowedOrigins = List.copyOf(allowedOrigins);
            if (allowCredentials && allowedOrigins.contains("*")) {
                throw new IllegalArgumentException("CORS with credentials cannot allow every origin (\"*\"): list the"
                        + " origins that may send credentials, or do not allow credentials");
            }
        }
    }

    /**
     * The cookie set on the handshake response, used by cookie-based sticky load balancing.
     *
     * @param name cookie name ({@code io})
     * @param path cookie path ({@code /})
     * @param httpOnly whether the cookie is HttpOnly (true)
     * @param sameSite SameSite attribute ({@code Lax}), or {@code null} for none
     * @param secure whether the cookie is Secure (false); required with {@code SameSite=None},
     *     which browsers otherwise reject
     */
    public record Cookie(String name, String path, boolean httpOnly, String sameSite, boolean secure) {
        public Cookie {
            if ("None".equalsIgnoreCase(sameSite) && !secure) {
                throw new IllegalArgumentException("A SameSite=None cookie must be Secure: browsers reject it otherwise");
            }
        }

        /** A cookie that is not Secure. */
        public Cookie(String name, String path, boolean httpOnly, String sameSite) {
            this(name, path, httpOnly, sameSite, false);
        }

        public static Cookie defaults() {
            return new Cookie("io", "/", true, "Lax");
        }
    }

    /** Decides whether a request may open or upgrade a session. */
    @FunctionalInterface
    public interface AllowRequest {
        /**
         * @return {@code null} to allow the request, or the message sent with the 403 refusal
         *     (code 4, "Forbidden" when blank). Must not block.
         */
        String check(EngineRequest request);
    }
}
