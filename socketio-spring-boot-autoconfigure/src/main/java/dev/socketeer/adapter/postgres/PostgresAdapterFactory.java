package dev.socketeer.adapter.postgres;

import dev.socketeer.adapter.Adapter;
import dev.socketeer.adapter.AdapterFactory;
import dev.socketeer.adapter.LocalNamespace;
import dev.socketeer.adapter.cluster.ClusterMessageCodec;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creates the Postgres adapter of each namespace, wire-compatible with
 * {@code @socket.io/postgres-adapter} 0.5: all namespaces share one LISTEN connection and one
 * publishing connection, opened in the background when the factory is created (the application
 * starts even while Postgres is down; the connections come back by themselves) and closed by
 * {@link #close()}.
 */
public final class PostgresAdapterFactory implements AdapterFactory, AutoCloseable {

    private final PostgresPubSub pubSub;
    private final PostgresAdapterOptions options;
    private final ClusterMessageCodec codec;

    /**
     * @param connectionFactory where to connect (r2dbc-postgresql, not pooled: two connections are kept open)
     * @param mapper turns application values (event arguments, socket data) into JSON trees
     */
    public PostgresAdapterFactory(PostgresqlConnectionFactory connectionFactory, PostgresAdapterOptions options,
            JsonMapper mapper) {
        this.options = options;
        this.codec = new ClusterMessageCodec(mapper);
        this.pubSub = new PostgresPubSub(connectionFactory, options, codec, true);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the namespace's channel would be longer than Postgres'
     *     63-byte identifier limit
     */
    @Override
    public Adapter create(LocalNamespace namespace) {
        return new PostgresAdapter(namespace, pubSub, options, codec);
    }

    /** Whether both Postgres connections are up; wire it to a health indicator. */
    public boolean isConnected() {
        return pubSub.isConnected();
    }

    /** The options in use. */
    public PostgresAdapterOptions options() {
        return options;
    }

    /** Deletes the attachments older than the cleanup interval now (it also happens every interval). */
    public CompletableFuture<Void> cleanUpAttachments() {
        return pubSub.deleteOldAttachments();
    }

    @Override
    public void close() {
        pubSub.close();
    }
}
