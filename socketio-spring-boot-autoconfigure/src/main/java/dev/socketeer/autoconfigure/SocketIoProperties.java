package dev.socketeer.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the Socket.IO server, under {@code socketio.*}. Defaults equal those of the
 * Node.js reference server (socket.io 4.8, engine.io 6.6).
 */
@ConfigurationProperties("socketio")
public class SocketIoProperties {

    /** Whether to serve Socket.IO at all. */
    private boolean enabled = true;

    /** Path the Socket.IO endpoint is served at, on the application's own WebFlux port. */
    private String path = "/socket.io/";

    /** How often the server sends a ping to each client. */
    private Duration pingInterval = Duration.ofSeconds(25);

    /** How long the server waits for a pong before it closes the connection. */
    private Duration pingTimeout = Duration.ofSeconds(20);

    /** How long a client may take to finish the upgrade from long-polling to WebSocket. */
    private Duration upgradeTimeout = Duration.ofSeconds(10);

    /** How long a client may stay connected without joining any namespace. */
    private Duration connectTimeout = Duration.ofSeconds(45);

    /**
     * How long emitWithAck waits for acknowledgements when no timeout is given (socket, broadcast, server-side); unset:
     * a socket's waits for ever and a broadcast needs one.
     */
    private Duration ackTimeout;

    /** Largest message, WebSocket frame or long-polling request body accepted from a client. */
    private DataSize maxHttpBufferSize = DataSize.ofBytes(1_000_000);

    /** Transports clients may use, among "polling" and "websocket". */
    private List<String> transports = List.of("polling", "websocket");

    /** Whether long-polling clients may upgrade to WebSocket. */
    private boolean allowUpgrades = true;

    /** CORS headers on long-polling responses. */
    private final Cors cors = new Cors();

    /** The cookie set on the handshake, for sticky sessions. */
    private final Cookie cookie = new Cookie();

    /** WebSocket permessage-deflate compression (off by default, as in the reference server). */
    private final PerMessageDeflate perMessageDeflate = new PerMessageDeflate();

    /** gzip/deflate compression of long-polling responses (on by default, as in the reference server). */
    private final HttpCompression httpCompression = new HttpCompression();

    /** Connection state recovery after a temporary disconnection. */
    private final ConnectionStateRecovery connectionStateRecovery = new ConnectionStateRecovery();

    /** The adapter that fans broadcasts out. */
    private final Adapter adapter = new Adapter();

    /** Integration with Spring Security, when it is on the classpath. */
    private final Security security = new Security();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public Duration getPingInterval() {
        return pingInterval;
    }

    public void setPingInterval(Duration pingInterval) {
        this.pingInterval = pingInterval;
    }

    public Duration getPingTimeout() {
        return pingTimeout;
    }

    public void setPingTimeout(Duration pingTimeout) {
        this.pingTimeout = pingTimeout;
    }

    public Duration getUpgradeTimeout() {
        return upgradeTimeout;
    }

    public void setUpgradeTimeout(Duration upgradeTimeout) {
        this.upgradeTimeout = upgradeTimeout;
    }

    public Duration getAckTimeout() {
        return ackTimeout;
    }

    public void setAckTimeout(Duration ackTimeout) {
        this.ackTimeout = ackTimeout;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public DataSize getMaxHttpBufferSize() {
        return maxHttpBufferSize;
    }

    public void setMaxHttpBufferSize(DataSize maxHttpBufferSize) {
        this.maxHttpBufferSize = maxHttpBufferSize;
    }

    public List<String> getTransports() {
        return transports;
    }

    public void setTransports(List<String> transports) {
        this.transports = transports;
    }

    public boolean isAllowUpgrades() {
        return allowUpgrades;
    }

    public void setAllowUpgrades(boolean allowUpgrades) {
        this.allowUpgrades = allowUpgrades;
    }

    public Cors getCors() {
        return cors;
    }

    public Cookie getCookie() {
        return cookie;
    }

    public PerMessageDeflate getPerMessageDeflate() {
        return perMessageDeflate;
    }

    public HttpCompression getHttpCompression() {
        return httpCompression;
    }

    public ConnectionStateRecovery getConnectionStateRecovery() {
        return connectionStateRecovery;
    }

    public Adapter getAdapter() {
        return adapter;
    }

    public Security getSecurity() {
        return security;
    }

    /** Integration with Spring Security's WebFlux filter chain. */
    public static class Security {

        /**
         * Whether requests under the Socket.IO path are exempted from Spring Security's CSRF
         * protection, which would otherwise refuse every long-polling POST.
         */
        private boolean csrfExempt = true;

        public boolean isCsrfExempt() {
            return csrfExempt;
        }

        public void setCsrfExempt(boolean csrfExempt) {
            this.csrfExempt = csrfExempt;
        }
    }

    /** CORS headers on long-polling responses. */
    public static class Cors {

        /** Origins allowed to reach the endpoint from a browser; "*" for any. Empty sends no CORS headers. */
        private List<String> allowedOrigins = new ArrayList<>();

        /** Whether browsers may send credentials (cookies) along. */
        private boolean allowCredentials = false;

        public List<String> getAllowedOrigins() {
            return allowedOrigins;
        }

        public void setAllowedOrigins(List<String> allowedOrigins) {
            this.allowedOrigins = allowedOrigins;
        }

        public boolean isAllowCredentials() {
            return allowCredentials;
        }

        public void setAllowCredentials(boolean allowCredentials) {
            this.allowCredentials = allowCredentials;
        }
    }

    /** The cookie set on the handshake, for load balancers that stick sessions by cookie. */
    public static class Cookie {

        /** Whether to set the cookie. */
        private boolean enabled = false;

        /** Cookie name. */
        private String name = "io";

        /** Cookie path. */
        private String path = "/";

        /** Whether the cookie is HttpOnly. */
        private boolean httpOnly = true;

        /** SameSite attribute: "Lax", "Strict", "None" (which needs secure=true), or empty for none. */
        private String sameSite = "Lax";

        /** Whether the cookie is Secure (sent over HTTPS only); required with SameSite=None. */
        private boolean secure = false;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public boolean isHttpOnly() {
            return httpOnly;
        }

        public void setHttpOnly(boolean httpOnly) {
            this.httpOnly = httpOnly;
        }

        public String getSameSite() {
            return sameSite;
        }

        public void setSameSite(String sameSite) {
            this.sameSite = sameSite;
        }

        public boolean isSecure() {
            return secure;
        }

        public void setSecure(boolean secure) {
            this.secure = secure;
        }
    }

    /** Compression of messages above a size threshold. */
    public abstract static class Compression {

        public abstract boolean isEnabled();

        public abstract DataSize getThreshold();
    }

    /** WebSocket permessage-deflate, off by default as in the reference server. */
    public static class PerMessageDeflate extends Compression {

        /** Whether WebSocket messages may be compressed with permessage-deflate. */
        private boolean enabled = false;

        /** Smallest WebSocket message that is compressed. */
        private DataSize threshold = DataSize.ofBytes(1024);

        @Override
        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        @Override
        public DataSize getThreshold() {
            return threshold;
        }

        public void setThreshold(DataSize threshold) {
            this.threshold = threshold;
        }
    }

    /** gzip/deflate of long-polling responses, on by default as in the reference server. */
    public static class HttpCompression extends Compression {

        /** Whether long-polling responses may be compressed when the client accepts gzip or deflate. */
        private boolean enabled = true;

        /** Smallest long-polling response that is compressed. */
        private DataSize threshold = DataSize.ofBytes(1024);

        @Override
        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        @Override
        public DataSize getThreshold() {
            return threshold;
        }

        public void setThreshold(DataSize threshold) {
            this.threshold = threshold;
        }
    }

    /** Connection state recovery: clients that reconnect soon get their id, rooms, data and missed packets back. */
    public static class ConnectionStateRecovery {

        /** Whether recovery is on. */
        private boolean enabled = false;

        /** How long a disconnected session is kept for recovery. */
        private Duration maxDisconnectionDuration = Duration.ofMinutes(2);

        /** Whether a recovered connection skips the namespace middlewares. */
        private boolean skipMiddlewares = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getMaxDisconnectionDuration() {
            return maxDisconnectionDuration;
        }

        public void setMaxDisconnectionDuration(Duration maxDisconnectionDuration) {
            this.maxDisconnectionDuration = maxDisconnectionDuration;
        }

        public boolean isSkipMiddlewares() {
            return skipMiddlewares;
        }

        public void setSkipMiddlewares(boolean skipMiddlewares) {
            this.skipMiddlewares = skipMiddlewares;
        }
    }

    /** Which adapter fans broadcasts out, on one node or across a cluster. */
    public static class Adapter {

        /** The adapter: "memory" (one node), "redis" or "postgres" (several nodes). */
        private AdapterType type = AdapterType.MEMORY;

        // ---- what a cluster adapter does when its backend is down at startup

        /**
         * Whether startup fails when a cluster adapter cannot reach Redis or Postgres within fail-fast-timeout;
         * otherwise the application starts, reports DOWN in the socketio health and connects in the background.
         */
        private boolean failFast = false;

        /** How long a fail-fast startup waits for the cluster adapter's first connection. */
        private Duration failFastTimeout = Duration.ofSeconds(10);

        public AdapterType getType() {
            return type;
        }

        public void setType(AdapterType type) {
            this.type = type;
        }

        public boolean isFailFast() {
            return failFast;
        }

        public void setFailFast(boolean failFast) {
            this.failFast = failFast;
        }

        public Duration getFailFastTimeout() {
            return failFastTimeout;
        }

        public void setFailFastTimeout(Duration failFastTimeout) {
            this.failFastTimeout = failFastTimeout;
        }
    }

    /** The adapters Socketeer ships. */
    public enum AdapterType {
        /** Rooms and broadcasts within this process. */
        MEMORY,
        /** Redis pub/sub, wire-compatible with Node's {@code @socket.io/redis-adapter}. */
        REDIS,
        /** Postgres LISTEN/NOTIFY, wire-compatible with Node's {@code @socket.io/postgres-adapter}. */
        POSTGRES
    }

    /** How the nodes of a cluster share long-polling sessions behind a load balancer. */
    private final Cluster cluster = new Cluster();

    public Cluster getCluster() {
        return cluster;
    }

    /** How the nodes of a cluster share long-polling sessions behind a load balancer. */
    public static class Cluster {

        /**
         * Whether the load balancer keeps every request of a long-polling session on the session's node. With false,
         * a polling request that reaches another node is served through the session's node over the Redis
         * adapter's connections (needs socketio.adapter.type=redis; the messages of Node's
         * {@code @socket.io/cluster-engine}), so a round-robin balancer works.
         */
        private boolean stickySessions = true;

        /** With sticky-sessions=false: how long a node waits for the session's node to answer a forwarded request. */
        private Duration responseTimeout = Duration.ofSeconds(1);

        /** With sticky-sessions=false: the prefix of the Redis channels ({@code <prefix>#}, {@code <prefix>#<node>#}). */
        private String channelPrefix = "engine.io";

        public boolean isStickySessions() {
            return stickySessions;
        }

        public void setStickySessions(boolean stickySessions) {
            this.stickySessions = stickySessions;
        }

        public Duration getResponseTimeout() {
            return responseTimeout;
        }

        public void setResponseTimeout(Duration responseTimeout) {
            this.responseTimeout = responseTimeout;
        }

        public String getChannelPrefix() {
            return channelPrefix;
        }

        public void setChannelPrefix(String channelPrefix) {
            this.channelPrefix = channelPrefix;
        }
    }

    // ---- limits: backpressure and the packet parser

    /** How far a client may fall behind what is sent to it before volatile packets are dropped, then it is cut off. */
    private final Backpressure backpressure = new Backpressure();

    /** Limits of the Socket.IO packet parser on what clients send. */
    private final Parser parser = new Parser();

    public Backpressure getBackpressure() {
        return backpressure;
    }

    public Parser getParser() {
        return parser;
    }

    /**
     * What happens to a client that reads more slowly than it is written to, on both transports (the reference
     * server buffers for it without bound).
     */
    public static class Backpressure {

        /** Bytes waiting for a client above which it is lagging: volatile packets to it are dropped until half drain. */
        private DataSize highWaterMark = DataSize.ofKilobytes(64);

        /** Bytes waiting for one client beyond which it is disconnected with reason "slow client". */
        private DataSize maxBuffer = DataSize.ofMegabytes(100);

        /** How long a lagging client may read nothing before it is disconnected with reason "slow client". */
        private Duration maxLag = Duration.ofSeconds(30);

        public DataSize getHighWaterMark() {
            return highWaterMark;
        }

        public void setHighWaterMark(DataSize highWaterMark) {
            this.highWaterMark = highWaterMark;
        }

        public DataSize getMaxBuffer() {
            return maxBuffer;
        }

        public void setMaxBuffer(DataSize maxBuffer) {
            this.maxBuffer = maxBuffer;
        }

        public Duration getMaxLag() {
            return maxLag;
        }

        public void setMaxLag(Duration maxLag) {
            this.maxLag = maxLag;
        }
    }

    /** Limits on the packets clients send; a packet over one closes its connection ("forced close"). */
    public static class Parser {

        /** Deepest nesting of arrays and objects accepted in a packet's JSON. */
        private int maxNestingDepth = 500;

        /** Most characters accepted in one JSON number. */
        private int maxNumberLength = 1000;

        /** Most digits accepted in an acknowledgement id (15 keep it exact as a JavaScript number). */
        private int maxAckIdDigits = 15;

        public int getMaxNestingDepth() {
            return maxNestingDepth;
        }

        public void setMaxNestingDepth(int maxNestingDepth) {
            this.maxNestingDepth = maxNestingDepth;
        }

        public int getMaxNumberLength() {
            return maxNumberLength;
        }

        public void setMaxNumberLength(int maxNumberLength) {
            this.maxNumberLength = maxNumberLength;
        }

        public int getMaxAckIdDigits() {
            return maxAckIdDigits;
        }

        public void setMaxAckIdDigits(int maxAckIdDigits) {
            this.maxAckIdDigits = maxAckIdDigits;
        }
    }
}
