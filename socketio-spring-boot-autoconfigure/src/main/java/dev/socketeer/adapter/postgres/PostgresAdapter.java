package dev.socketeer.adapter.postgres;

import dev.socketeer.adapter.LocalNamespace;
import dev.socketeer.adapter.cluster.BackendState;
import dev.socketeer.adapter.cluster.ClusterAdapterWithHeartbeat;
import dev.socketeer.adapter.cluster.ClusterMessage;
import dev.socketeer.adapter.cluster.ClusterMessageCodec;
import java.util.concurrent.CompletableFuture;

/**
 * The adapter of one namespace: the cluster protocol with heartbeats over the shared
 * {@link PostgresPubSub}. Responses go to the namespace channel like every other message (the
 * reference does the same; servers ignore request ids they do not know). No connection state
 * recovery (offsets are {@code ""}), as the reference.
 */
final class PostgresAdapter extends ClusterAdapterWithHeartbeat {

    private final PostgresPubSub pubSub;

    PostgresAdapter(LocalNamespace namespace, PostgresPubSub pubSub, PostgresAdapterOptions options,
            ClusterMessageCodec codec) {
        super(namespace, codec, options.requestsTimeout(), options.heartbeatInterval(), options.heartbeatTimeout());
        this.pubSub = pubSub;
        // refuses a namespace whose channel Postgres would truncate, before anything else happens
        pubSub.channelOf(namespace.name());
    }

    /**
     * LISTENs, then announces this server at once when Postgres is reachable, and again each time
     * the connections come back, so that the other servers count it within moments.
     */
    @Override
    public CompletableFuture<Void> init() {
        pubSub.state().onUp(this::announce);
        return pubSub.listen(namespace.name(), uid::equals, message -> onMessage(message, ""))
                .thenCompose(listening -> super.init());
    }

    @Override
    public CompletableFuture<Void> close() {
        return super.close().thenCompose(closed -> pubSub.unlisten(namespace.name()));
    }

    @Override
    protected BackendState backendState() {
        return pubSub.state();
    }

    @Override
    protected CompletableFuture<String> doPublish(ClusterMessage message) {
        return pubSub.publish(message).thenApply(done -> "");
    }

    @Override
    protected CompletableFuture<Void> doPublishResponse(String requesterUid, ClusterMessage response) {
        return pubSub.publish(response);
    }
}
