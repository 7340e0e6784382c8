package dev.socketeer.adapter.postgres;

import dev.socketeer.adapter.Adapter;
import dev.socketeer.adapter.AdapterDescription;
import dev.socketeer.adapter.AdapterFactory;
import dev.socketeer.adapter.BackendStatus;
import dev.socketeer.adapter.LocalNamespace;
import dev.socketeer.adapter.cluster.BackendState;
import dev.socketeer.adapter.cluster.ClusterMessageCodec;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creates the Postgres adapter of each namespace, wire-compatible with
 * {@code @socket.io/postgres-adapter} 0.5: all namespaces share one LISTEN connection and one
 * publishing connection, opened in the background when the factory is created: the application
 * starts even while Postgres is down, serves its own clients, reports the outage through
 * {@link #backendStatus()} (and the adapters' {@code AdapterHealth}), and connects as soon as
 * Postgres answers. {@link #close()} closes them (once).
 */
public final class PostgresAdapterFactory implements AdapterFactory, AutoCloseable {

    private final PostgresPubSub pubSub;
    private final PostgresAdapterOptions options;
    private final ClusterMessageCodec codec;
    private final PostgresRecoveryStore recovery;

    /**
     * @param connectionFactory where to connect (r2dbc-postgresql, not pooled: two connections are kept open)
     * @param mapper turns application values (event arguments, socket data) into JSON trees
     */
    public PostgresAdapterFactory(PostgresqlConnectionFactory connectionFactory, PostgresAdapterOptions options,
            JsonMapper mapper) {
        this(connectionFactory, options, mapper, "postgres");
    }

    /**
     * @param address where Postgres is (e.g. {@code "db:5432/app"}), for logs, health and errors
     */
    public PostgresAdapterFactory(PostgresqlConnectionFactory connectionFactory, PostgresAdapterOptions options,
            JsonMapper mapper, String address) {
        this.options = options;
        this.codec = new ClusterMessageCodec(mapper);
        this.pubSub = new PostgresPubSub(connectionFactory, options, codec, true,
                new BackendState("Socket.IO Postgres adapter", "postgres", address));
        this.recovery = new PostgresRecoveryStore(pubSub, options);
        pubSub.start();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the namespace's channel would be longer than Postgres'
     *     63-byte identifier limit
     */
    @Override
    public Adapter create(LocalNamespace namespace) {
        return new PostgresAdapter(namespace, pubSub, options, codec, recovery);
    }

    @Override
    public AdapterDescription description() {
        return new AdapterDescription("postgres", null, options.channelPrefix(), pubSub.state().address());
    }

    /** Whether both Postgres connections are up. */
    public boolean isConnected() {
        return pubSub.state().connected();
    }

    /** The state of the Postgres connections: connected or not, since when, why not. */
    public BackendStatus backendStatus() {
        return pubSub.state().status();
    }

    /**
     * Completes once both connections are up for the first time; fails with a
     * {@link java.util.concurrent.TimeoutException} when {@code timeout} passes first (for a
     * fail-fast start; the connection attempts go on in the background either way).
     */
    public CompletableFuture<Void> awaitConnection(Duration timeout) {
        return pubSub.awaitFirstConnection(timeout);
    }

    /** The options in use. */
    public PostgresAdapterOptions options() {
        return options;
    }

    /** Deletes the attachments older than the cleanup interval now (it also happens every interval). */
    public CompletableFuture<Void> cleanUpAttachments() {
        return pubSub.deleteOldAttachments();
    }

    /**
     * Deletes the events and sessions kept for connection state recovery that expired now (it also happens every
     * cleanup interval once a namespace with recovery exists).
     */
    public CompletableFuture<Void> cleanUpRecovery() {
        return recovery.cleanUp();
    }

    @Override
    public void close() {
        pubSub.close();
    }
}
