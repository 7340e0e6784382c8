package dev.socketeer.server;

import dev.socketeer.adapter.AdapterFactory;
import dev.socketeer.protocol.socketio.DecoderLimits;
import java.time.Duration;
import java.util.Objects;
import tools.jackson.databind.json.JsonMapper;

/**
 * Immutable Socket.IO server options; defaults equal the reference server's (socket.io 4.8).
 *
 * @param connectTimeout how long a connection may stay without joining any namespace (45 s)
 * @param connectionStateRecovery connection state recovery, or {@code null} when off (the default)
 * @param cleanupEmptyChildNamespaces whether a dynamic child namespace is removed when its last
 *     socket leaves (false)
 * @param adapterFactory creates each namespace's adapter (in-memory)
 * @param jsonMapper serializes outgoing arguments and parses incoming payloads
 * @param decoderLimits what a client's packets may contain (JSON nesting, number length, acknowledgement id digits)
 * @param ackTimeout how long {@code emitWithAck} waits when no {@code timeout(...)} was given, or {@code null} to wait
 *     for ever on a socket (and to require a timeout on broadcasts), as the reference server does by default
 */
public record ServerOptions(
        Duration connectTimeout,
        ConnectionStateRecovery connectionStateRecovery,
        boolean cleanupEmptyChildNamespaces,
        AdapterFactory adapterFactory,
        JsonMapper jsonMapper,
        DecoderLimits decoderLimits,
        Duration ackTimeout) {

    /** Options without a default acknowledgement timeout. */
    public ServerOptions(Duration connectTimeout, ConnectionStateRecovery connectionStateRecovery,
            boolean cleanupEmptyChildNamespaces, AdapterFactory adapterFactory, JsonMapper jsonMapper,
            DecoderLimits decoderLimits) {
        this(connectTimeout, connectionStateRecovery, cleanupEmptyChildNamespaces, adapterFactory, jsonMapper,
                decoderLimits, null);
    }

    public ServerOptions {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(adapterFactory, "adapterFactory");
        Objects.requireNonNull(jsonMapper, "jsonMapper");
        Objects.requireNonNull(decoderLimits, "decoderLimits");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive, was " + connectTimeout);
        }
        if (ackTimeout != null && (ackTimeout.isNegative() || ackTimeout.isZero())) {
            throw new IllegalArgumentException("ackTimeout must be positive, was " + ackTimeout);
        }
    }

    /** The reference server's defaults, with a default JSON mapper. */
    public static ServerOptions defaults() {
        return new ServerOptions(Duration.ofSeconds(45), null, false, AdapterFactory.inMemory(),
                JsonMapper.builder().build(), DecoderLimits.defaults());
    }

    public ServerOptions withConnectTimeout(Duration connectTimeout) {
        return new ServerOptions(connectTimeout, connectionStateRecovery, cleanupEmptyChildNamespaces, adapterFactory,
                jsonMapper, decoderLimits, ackTimeout);
    }

    /** A copy with connection state recovery ({@code null} turns it off). */
    public ServerOptions withConnectionStateRecovery(ConnectionStateRecovery connectionStateRecovery) {
        return new ServerOptions(connectTimeout, connectionStateRecovery, cleanupEmptyChildNamespaces, adapterFactory,
                jsonMapper, decoderLimits, ackTimeout);
    }

    public ServerOptions withCleanupEmptyChildNamespaces(boolean cleanupEmptyChildNamespaces) {
        return new ServerOptions(connectTimeout, connectionStateRecovery, cleanupEmptyChildNamespaces, adapterFactory,
                jsonMapper, decoderLimits, ackTimeout);
    }

    public ServerOptions withAdapterFactory(AdapterFactory adapterFactory) {
        return new ServerOptions(connectTimeout, connectionStateRecovery, cleanupEmptyChildNamespaces, adapterFactory,
                jsonMapper, decoderLimits, ackTimeout);
    }

    public ServerOptions withJsonMapper(JsonMapper jsonMapper) {
        return new ServerOptions(connectTimeout, connectionStateRecovery, cleanupEmptyChildNamespaces, adapterFactory,
                jsonMapper, decoderLimits, ackTimeout);
    }

    /** A copy with a default acknowledgement timeout ({@code null}: none). */
    public ServerOptions withAckTimeout(Duration ackTimeout) {
        return new ServerOptions(connectTimeout, connectionStateRecovery, cleanupEmptyChildNamespaces, adapterFactory,
                jsonMapper, decoderLimits, ackTimeout);
    }

    /** A copy with other limits on what clients send. */
    public ServerOptions withDecoderLimits(DecoderLimits decoderLimits) {
        return new ServerOptions(connectTimeout, connectionStateRecovery, cleanupEmptyChildNamespaces, adapterFactory,
                jsonMapper, decoderLimits, ackTimeout);
    }

    /**
     * Connection state recovery: a client that reconnects within {@code maxDisconnectionDuration}
     * gets its id, rooms and data back, and the packets it missed.
     *
     * @param maxDisconnectionDuration how long sessions and packets are kept (2 min)
     * @param skipMiddlewares whether a recovered connection skips the connection middlewares (true)
     */
    public record ConnectionStateRecovery(Duration maxDisconnectionDuration, boolean skipMiddlewares) {

        public ConnectionStateRecovery {
            Objects.requireNonNull(maxDisconnectionDuration, "maxDisconnectionDuration");
        }

        public static ConnectionStateRecovery defaults() {
            return new ConnectionStateRecovery(Duration.ofMinutes(2), true);
        }
    }
}
