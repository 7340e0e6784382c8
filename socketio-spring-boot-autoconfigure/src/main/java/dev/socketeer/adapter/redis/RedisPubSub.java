package dev.socketeer.adapter.redis;

import dev.socketeer.adapter.cluster.BackendState;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One publishing and one subscribing connection shared by every namespace of a server (or one
 * publishing connection for an emitter), with handlers routed by channel, pattern or shard channel.
 *
 * <p>On a Redis Cluster ({@link RedisClusterClient}) the same, through Lettuce's cluster connections:
 * {@code PUBLISH}/{@code SUBSCRIBE} reach every node of the cluster through any one of them, and each
 * shard channel is subscribed on the master of its slot ({@code SSUBSCRIBE} is routed by slot, one channel a
 * command). {@code PUBSUB NUMSUB}/{@code SHARDNUMSUB} count only a node's own subscribers, so they are summed
 * over the cluster's nodes, as {@code @socket.io/redis-adapter} does with an ioredis cluster. A
 * {@link ClusterWatch} probes the cluster twice a second: while it is not serving every slot (a master died
 * and its replica is not promoted yet) the state is down; once it serves again the topology is reread and
 * the shard channels subscribed again on the masters that serve them now, then the state is up; a topology
 * that changes while the cluster serves is reread too.
 *
 * <p>Nothing connects in the constructor: {@link #start()} opens the connections in the
 * background (Lettuce's connect blocks, so it runs on Reactor's bounded-elastic threads, never on
 * an event loop), retrying with a growing delay until Redis answers; then it subscribes to every
 * channel registered meanwhile. Once connected, Lettuce reconnects by itself and subscribes again.
 * While disconnected, publications fail at once instead of piling up; an operation made during the
 * very first attempt waits for that attempt. {@link BackendState} logs each change once.
 */
final class RedisPubSub implements AutoCloseable {

    private final AbstractRedisClient client;
    /** The same client when it is a Redis Cluster one, else null. */
    private final RedisClusterClient cluster;
    private final boolean subscribe;
    private final BackendState state;
    private final Map<String, BiConsumer<String, byte[]>> channels = new ConcurrentHashMap<>();
    private final Map<String, BiConsumer<String, byte[]>> patterns = new ConcurrentHashMap<>();
    private final Map<String, BiConsumer<String, byte[]>> shardChannels = new ConcurrentHashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    /** Completes (normally) when the first connection attempt ends, whatever its outcome. */
    private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();
    /** Completes when the connections are first up and subscribed. */
    private final CompletableFuture<Void> firstUp = new CompletableFuture<>();
    private volatile StatefulConnection<byte[], byte[]> pub;
    /** The commands of {@link #pub}: a standalone connection's, or a cluster connection's (routed by slot). */
    private volatile RedisClusterAsyncCommands<byte[], byte[]> commands;
    private volatile StatefulRedisPubSubConnection<byte[], byte[]> sub;
    private volatile ClusterWatch watch;
    private volatile StallWatch stallWatch;
    private volatile Disposable pending;
    private int attempts; // only touched by one attempt at a time

    /**
     * @param client a standalone (or Sentinel) {@link RedisClient} or a {@link RedisClusterClient}
     * @param subscribe whether to open the subscribing connection too (an adapter) or only publish (an emitter)
     */
    RedisPubSub(AbstractRedisClient client, boolean subscribe, BackendState state) {
        if (!(client instanceof RedisClient) && !(client instanceof RedisClusterClient)) {
            throw new IllegalArgumentException("a Lettuce RedisClient or RedisClusterClient is needed, got "
                    + client.getClass().getName());
        }
        this.client = client;
        this.cluster = client instanceof RedisClusterClient clusterClient ? clusterClient : null;
        this.subscribe = subscribe;
        this.state = state;
    }

    BackendState state() {
        return state;
    }

    /** The client the connections come from (a stream reader opens its own connection on it). */
    AbstractRedisClient client() {
        return client;
    }

    /** Whether the client is a Redis Cluster client. */
    boolean isCluster() {
        return cluster != null;
    }

    /** Starts connecting in the background (once); later calls do nothing. */
    void start() {
        if (started.compareAndSet(false, true)) {
            attempt();
        }
    }

    /** Completes when the connections are up for the first time; fails when {@code timeout} passes first. */
    CompletableFuture<Void> awaitFirstConnection(java.time.Duration timeout) {
        start();
        return firstUp.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void attempt() {
        if (state.isClosed()) {
            return;
        }
        pending = Mono.fromRunnable(this::open)
                .subscribeOn(Schedulers.boundedElastic())
                .subscribe(null, error -> {
                    state.down(error);
                    firstAttempt.complete(null);
                    if (!state.isClosed()) {
                        pending = Schedulers.parallel().schedule(this::attempt, BackendState.retryDelayMillis(++attempts),
                                TimeUnit.MILLISECONDS);
                    }
                });
    }

    /** Opens the connections and subscribes to what was registered; blocking, on a bounded-elastic thread. */
    private void open() {
        StatefulConnection<byte[], byte[]> newPub;
        RedisClusterAsyncCommands<byte[], byte[]> newCommands;
        if (cluster != null) {
            StatefulRedisClusterConnection<byte[], byte[]> connection = cluster.connect(ByteArrayCodec.INSTANCE);
            newPub = connection;
            newCommands = connection.async();
        } else {
            StatefulRedisConnection<byte[], byte[]> connection =
                    ((RedisClient) client).connect(ByteArrayCodec.INSTANCE);
            newPub = connection;
            newCommands = connection.async();
        }
        StatefulRedisPubSubConnection<byte[], byte[]> newSub = null;
        try {
            if (subscribe) {
                newSub = cluster != null ? cluster.connectPubSub(ByteArrayCodec.INSTANCE)
                        : ((RedisClient) client).connectPubSub(ByteArrayCodec.INSTANCE);
                newSub.addListener(new Router());
                // published first so that a subscription registered from now on is sent on it directly
                sub = newSub;
                subscribeAll(newSub).get(newSub.getTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            sub = null;
            newPub.closeAsync();
            if (newSub != null) {
                newSub.closeAsync();
            }
            if (state.isClosed()) {
                // closed while connecting (the attempt was disposed, which interrupts it): nothing to report, and
                // the error would only reach Reactor's dropped-error hook
                return;
            }
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        }
        if (state.isClosed()) {
            newPub.closeAsync();
            if (newSub != null) {
                newSub.closeAsync();
            }
            return;
        }
        StateListener listener = new StateListener();
        newPub.addListener(listener);
        if (newSub != null) {
            newSub.addListener(listener);
        }
        commands = newCommands;
        pub = newPub;
        state.up();
        firstAttempt.complete(null);
        firstUp.complete(null);
        if (cluster != null) {
            watch = new ClusterWatch();
            watch.schedule();
        } else {
            stallWatch = new StallWatch();
            stallWatch.schedule();
        }
    }

    /** Subscribes a new subscribing connection to every registered channel, pattern and shard channel. */
    private CompletableFuture<Void> subscribeAll(StatefulRedisPubSubConnection<byte[], byte[]> connection) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        if (!channels.isEmpty()) {
            done.add(connection.async().subscribe(keys(channels)).toCompletableFuture());
        }
        if (!patterns.isEmpty()) {
            done.add(connection.async().psubscribe(keys(patterns)).toCompletableFuture());
        }
        if (!shardChannels.isEmpty()) {
            done.add(ssubscribeAll(connection));
        }
        return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
    }

    /** On a cluster one command per shard channel: Lettuce routes each to its slot's master. */
    private CompletableFuture<Void> ssubscribeAll(StatefulRedisPubSubConnection<byte[], byte[]> connection) {
        if (cluster == null) {
            return connection.async().ssubscribe(keys(shardChannels)).toCompletableFuture();
        }
        return CompletableFuture.allOf(shardChannels.keySet().stream()
                .map(channel -> connection.async().ssubscribe(bytes(channel)).toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    private static byte[][] keys(Map<String, ?> map) {
        return map.keySet().stream().map(RedisPubSub::bytes).toArray(byte[][]::new);
    }

    private static void deliver(Map<String, BiConsumer<String, byte[]>> handlers, String key, String channel,
            byte[] message) {
        BiConsumer<String, byte[]> handler = handlers.get(key);
        if (handler == null) {
            return;
        }
        try {
            handler.accept(channel, message);
        } catch (RuntimeException e) {
            System.getLogger(RedisPubSub.class.getName()).log(System.Logger.Level.WARNING,
                    "ignoring Redis message on " + channel + " that could not be handled: " + e, e);
        }
    }

    private static String string(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether every connection is up. */
    boolean isConnected() {
        return state.connected();
    }

    /**
     * Subscribes; completes once Redis confirmed. Registered before the first connection, it is made
     * (and completes) when the connection comes up.
     */
    CompletableFuture<Void> subscribe(String channel, BiConsumer<String, byte[]> handler) {
        channels.put(channel, handler);
        StatefulRedisPubSubConnection<byte[], byte[]> connection = sub;
        return connection == null ? firstUp : connection.async().subscribe(bytes(channel)).toCompletableFuture();
    }

    CompletableFuture<Void> psubscribe(String pattern, BiConsumer<String, byte[]> handler) {
        patterns.put(pattern, handler);
        StatefulRedisPubSubConnection<byte[], byte[]> connection = sub;
        return connection == null ? firstUp : connection.async().psubscribe(bytes(pattern)).toCompletableFuture();
    }

    CompletableFuture<Void> ssubscribe(String channel, BiConsumer<String, byte[]> handler) {
        shardChannels.put(channel, handler);
        StatefulRedisPubSubConnection<byte[], byte[]> connection = sub;
        return connection == null ? firstUp : connection.async().ssubscribe(bytes(channel)).toCompletableFuture();
    }

    CompletableFuture<Void> unsubscribe(String channel) {
        channels.remove(channel);
        StatefulRedisPubSubConnection<byte[], byte[]> connection = sub;
        return connection == null || !state.connected() ? CompletableFuture.completedFuture(null)
                : quietly(connection.async().unsubscribe(bytes(channel)).toCompletableFuture());
    }

    CompletableFuture<Void> punsubscribe(String pattern) {
        patterns.remove(pattern);
        StatefulRedisPubSubConnection<byte[], byte[]> connection = sub;
        return connection == null || !state.connected() ? CompletableFuture.completedFuture(null)
                : quietly(connection.async().punsubscribe(bytes(pattern)).toCompletableFuture());
    }

    CompletableFuture<Void> sunsubscribe(String channel) {
        shardChannels.remove(channel);
        StatefulRedisPubSubConnection<byte[], byte[]> connection = sub;
        return connection == null || !state.connected() ? CompletableFuture.completedFuture(null)
                : quietly(connection.async().sunsubscribe(bytes(channel)).toCompletableFuture());
    }

    /**
     * An unsubscription that failed (the connection closed under it) has nothing left to undo. While
     * disconnected none is sent: Lettuce would hold it until Redis is back (a shutdown would wait on
     * it), and the handler is already gone, so what arrives meanwhile is ignored.
     */
    private static CompletableFuture<Void> quietly(CompletableFuture<Void> unsubscription) {
        return unsubscription.exceptionally(error -> null);
    }

    CompletableFuture<Long> publish(String channel, byte[] message) {
        return withPublisher("publish", redis -> redis.publish(bytes(channel), message).toCompletableFuture());
    }

    CompletableFuture<Long> spublish(String channel, byte[] message) {
        return withPublisher("spublish", redis -> redis.spublish(bytes(channel), message).toCompletableFuture());
    }

    /** {@code PUBSUB NUMSUB channel}; on a cluster, summed over its nodes. */
    CompletableFuture<Long> numsub(String channel) {
        return withPublisher("PUBSUB NUMSUB", redis -> count(redis, node -> node.pubsubNumsub(bytes(channel))));
    }

    /** {@code PUBSUB SHARDNUMSUB channel}; on a cluster, summed over its nodes (those not serving the slot say 0). */
    CompletableFuture<Long> shardNumsub(String channel) {
        return withPublisher("PUBSUB SHARDNUMSUB",
                redis -> count(redis, node -> node.pubsubShardNumsub(bytes(channel))));
    }

    /**
     * A subscriber count: the one node's answer, or on a cluster the sum of every node's that is not known to have
     * failed (masters and replicas alike: a subscriber may be connected to any of them).
     */
    private CompletableFuture<Long> count(RedisClusterAsyncCommands<byte[], byte[]> redis,
            Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<Map<byte[], Long>>> numsub) {
        if (cluster == null) {
            return numsub.apply(redis).toCompletableFuture().thenApply(RedisPubSub::firstCount);
        }
        StatefulRedisClusterConnection<byte[], byte[]> connection =
                (StatefulRedisClusterConnection<byte[], byte[]>) pub;
        List<CompletableFuture<Long>> counts = new ArrayList<>();
        for (RedisClusterNode node : connection.getPartitions()) {
            // a node only suspected (EVENTUAL_FAIL) is still asked: Lettuce keeps the flag until its next topology
            // refresh, and leaving out a live node would undercount and end requests before its answer
            if (node.is(RedisClusterNode.NodeFlag.FAIL) || node.is(RedisClusterNode.NodeFlag.NOADDR)) {
                continue;
            }
            counts.add(connection.getConnectionAsync(node.getNodeId())
                    .thenCompose(nodeConnection -> numsub.apply(nodeConnection.async()))
                    .thenApply(RedisPubSub::firstCount));
        }
        return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> counts.stream().mapToLong(CompletableFuture::join).sum());
    }

    private static long firstCount(Map<byte[], Long> counts) {
        return counts.values().stream().findFirst().orElse(0L);
    }

    /**
     * Runs any command on the publishing connection (streams, sessions), failing at once while Redis is down. On a
     * cluster, Lettuce sends a command on a key to the master of the key's slot.
     */
    <T> CompletableFuture<T> command(String operation,
            Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<T>> command) {
        return withPublisher(operation, redis -> command.apply(redis).toCompletableFuture());
    }

    /**
     * Runs a command on the publishing connection: starts connecting when nothing did yet (a lazy
     * emitter), waits for the first attempt when it is under way, fails at once while disconnected.
     */
    private <T> CompletableFuture<T> withPublisher(String operation,
            Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletableFuture<T>> command) {
        RedisClusterAsyncCommands<byte[], byte[]> redis = commands;
        if (redis == null && !firstAttempt.isDone()) {
            start();
            return firstAttempt.thenCompose(ignored -> withPublisher(operation, command));
        }
        if (redis == null || !state.connected()) {
            return CompletableFuture.failedFuture(state.unavailable(operation, null));
        }
        return command.apply(redis);
    }

    @Override
    public void close() {
        if (state.isClosed()) {
            return;
        }
        state.close();
        Disposable attempt = pending;
        if (attempt != null) {
            attempt.dispose();
        }
        firstAttempt.complete(null);
        StatefulRedisPubSubConnection<byte[], byte[]> subscriber = sub;
        if (subscriber != null) {
            subscriber.closeAsync();
        }
        StatefulConnection<byte[], byte[]> publisher = pub;
        if (publisher != null) {
            publisher.closeAsync();
        }
        ClusterWatch clusterWatch = watch;
        if (clusterWatch != null) {
            clusterWatch.stop();
        }
        StallWatch stalls = stallWatch;
        if (stalls != null) {
            stalls.stop();
        }
    }

    /** Routes messages to the handlers registered for their channel, pattern or shard channel. */
    private final class Router extends RedisPubSubAdapter<byte[], byte[]> {

        @Override
        public void message(byte[] channel, byte[] message) {
            deliver(channels, string(channel), string(channel), message);
        }

        @Override
        public void message(byte[] pattern, byte[] channel, byte[] message) {
            deliver(patterns, string(pattern), string(channel), message);
        }

        @Override
        public void smessage(byte[] channel, byte[] message) {
            deliver(shardChannels, string(channel), string(channel), message);
        }
    }

    /** Follows Lettuce's own reconnections once the first connection is made. */
    private final class StateListener implements RedisConnectionStateListener {

        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            if (cluster != null) {
                return; // the cluster watch says when the cluster serves again, and resubscribes first
            }
            StatefulConnection<byte[], byte[]> publisher = pub;
            StatefulRedisPubSubConnection<byte[], byte[]> subscriber = sub;
            if (publisher != null && publisher.isOpen() && (!subscribe || subscriber != null && subscriber.isOpen())) {
                state.up();
            }
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            ClusterWatch clusterWatch = watch;
            if (clusterWatch != null) {
                clusterWatch.lost("connection to a cluster node closed");
            } else {
                state.down(null);
            }
        }
    }

    /**
     * Watches a standalone (or Sentinel-managed) Redis with one {@code PING} at a time on the publishing connection,
     * once a second. A server that keeps its connections open and answers nothing (stopped, swapping, stuck in a long
     * script) would otherwise look connected while every command waits for Lettuce's 60 s timeout. One slow answer
     * is not an outage (a machine short of CPU delays Redis or this JVM for a few seconds): the state goes down only
     * when a PING has gone unanswered for {@link #SILENCE_MILLIS} by the clock <em>and</em> at
     * {@link #MISSED_CHECKS} consecutive checks of this watch (a JVM that was itself frozen runs one late check, not
     * one per second it lost), so a stopped server is reported within about 7 s of its last answer (the next PING
     * leaves within a second). Then it is logged once, health is DOWN, cluster requests fail at once with
     * {@code ClusterUnavailableException}, cross-server messages are dropped instead of queued, and restores wait
     * for Redis within their bound; the late answer makes it up again (logged once). A lost connection is the state
     * listener's business: no PING is sent on a connection that is not open (Lettuce would queue it).
     */
    private final class StallWatch {

        private static final long PERIOD_MILLIS = 1_000;
        /** How long a PING must stay unanswered before Redis is held down. */
        static final long SILENCE_MILLIS = 6_000;
        /** How many consecutive checks must find that PING unanswered, too. */
        static final int MISSED_CHECKS = 6;

        private volatile CompletableFuture<String> inFlight;
        private volatile long sentNanos;
        private volatile int missedChecks;
        private volatile boolean stalled;
        private volatile Disposable next;

        void schedule() {
            if (!state.isClosed()) {
                next = Schedulers.parallel().schedule(this::tick, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
            }
        }

        void stop() {
            Disposable pending = next;
            if (pending != null) {
                pending.dispose();
            }
        }

        private void tick() {
            if (state.isClosed()) {
                return;
            }
            try {
                CompletableFuture<String> ping = inFlight;
                if (ping == null) {
                    StatefulConnection<byte[], byte[]> publisher = pub;
                    if (publisher != null && publisher.isOpen()) {
                        sentNanos = System.nanoTime();
                        missedChecks = 0;
                        CompletableFuture<String> sent = commands.ping().toCompletableFuture();
                        inFlight = sent;
                        sent.whenComplete((pong, error) -> answered(sent, error));
                    }
                } else if (!stalled) {
                    int missed = ++missedChecks;
                    long silentMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentNanos);
                    if (missed >= MISSED_CHECKS && silentMillis >= SILENCE_MILLIS && inFlight == ping) {
                        stalled = true;
                        state.down(new IllegalStateException("no answer to PING for " + silentMillis + " ms ("
                                + missed + " checks): the server is stopped or overloaded"));
                    }
                }
            } catch (RuntimeException e) {
                inFlight = null; // the connection is being replaced; the next tick tries again
            } finally {
                schedule();
            }
        }

        private void answered(CompletableFuture<String> ping, Throwable error) {
            if (inFlight == ping) {
                inFlight = null;
            }
            if (error == null && stalled) {
                stalled = false;
                StatefulConnection<byte[], byte[]> publisher = pub;
                StatefulRedisPubSubConnection<byte[], byte[]> subscriber = sub;
                if (publisher != null && publisher.isOpen() && (!subscribe || subscriber != null && subscriber.isOpen())) {
                    state.up();
                }
            }
        }
    }

    /**
     * Watches a Redis Cluster twice a second with {@code CLUSTER INFO} and {@code CLUSTER NODES}. Lettuce
     * reconnects each connection to a node by itself but learns a failover only when asked to reread the topology,
     * and a shard channel subscribed on a master that died stays silent; so: a lost connection or a cluster that
     * does not serve every slot, or a master whose connection closed (it died: the cluster only marks it failed
     * after its node timeout), makes the state down (logged once), and once the cluster serves again the topology
     * is reread, every shard channel subscribed again (on the master serving its slot now; a master that kept it
     * just confirms) and only then the state is up. A topology that changed while the cluster kept serving (a
     * replica died, slots moved) is reread the same way, without going down. One probe at a time; none is sent on a
     * connection that is not open (Lettuce would queue it).
     */
    private final class ClusterWatch {

        private static final long PERIOD_MILLIS = 500;
        private static final long PROBE_TIMEOUT_MILLIS = 2_000;

        /** Set when something failed or moved: the topology must be reread and the shard channels resubscribed. */
        private volatile boolean recovering;
        /** The live nodes, their roles and slots, as the last probe saw them. */
        private volatile Map<String, Object> lastView;
        private volatile long lastRefresh = System.nanoTime();
        /** The connection to each master last seen open. */
        private final Map<String, Object> seenOpen = new ConcurrentHashMap<>();
        private volatile Disposable next;

        void schedule() {
            if (!state.isClosed()) {
                next = Schedulers.parallel().schedule(this::tick, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
            }
        }

        void stop() {
            Disposable pending = next;
            if (pending != null) {
                pending.dispose();
            }
        }

        void lost(String reason) {
            recovering = true;
            state.down(new IllegalStateException(reason));
        }

        private void tick() {
            if (state.isClosed()) {
                return;
            }
            CompletableFuture<Void> probe;
            try {
                probe = probe();
            } catch (RuntimeException e) {
                probe = CompletableFuture.failedFuture(e);
            }
            probe.whenComplete((ignored, error) -> {
                if (error != null) {
                    Throwable cause = BackendState.unwrap(error);
                    lost(cause instanceof java.util.concurrent.TimeoutException
                            ? "the Redis Cluster did not answer within " + PROBE_TIMEOUT_MILLIS + " ms"
                            : String.valueOf(cause.getMessage()));
                }
                schedule();
            });
        }

        private CompletableFuture<Void> probe() {
            StatefulConnection<byte[], byte[]> publisher = pub;
            StatefulRedisPubSubConnection<byte[], byte[]> subscriber = sub;
            if (!publisher.isOpen() || subscribe && (subscriber == null || !subscriber.isOpen())) {
                lost("reconnecting to the Redis Cluster");
                return CompletableFuture.completedFuture(null);
            }
            return unreachableMaster().thenCompose(unreachable -> {
                if (unreachable != null) {
                    // the cluster may not know yet (cluster-node-timeout): the connection to it closed the moment it
                    // died; reread the topology to learn the promotion as soon as the cluster made it
                    lost("the Redis Cluster master at " + unreachable + " cannot be reached");
                    refreshSoon();
                    return CompletableFuture.completedFuture(null);
                }
                return probeCluster();
            });
        }

        /**
         * The address of a master serving slots (as Lettuce knows the topology) whose connection is not open, or
         * null: a master that dies closes its connections at once, long before the cluster marks it failed.
         */
        private CompletableFuture<String> unreachableMaster() {
            StatefulRedisClusterConnection<byte[], byte[]> connection =
                (StatefulRedisClusterConnection<byte[], byte[]>) pub;
            List<CompletableFuture<String>> checks = new ArrayList<>();
            for (RedisClusterNode node : connection.getPartitions()) {
                if (!node.is(RedisClusterNode.NodeFlag.UPSTREAM) || node.getSlots().isEmpty()
                        || node.is(RedisClusterNode.NodeFlag.FAIL) || node.is(RedisClusterNode.NodeFlag.NOADDR)) {
                    continue;
                }
                String address = node.getUri().getHost() + ":" + node.getUri().getPort();
                String nodeId = node.getNodeId();
                checks.add(connection.getConnectionAsync(nodeId).handle((nodeConnection, error) -> {
                    if (error != null) {
                        return address;
                    }
                    if (nodeConnection.isOpen()) {
                        seenOpen.put(nodeId, nodeConnection);
                        return null;
                    }
                    // a connection just made may not say open yet; one that was open and is not any more lost its node
                    return seenOpen.get(nodeId) == nodeConnection ? address : null;
                }));
            }
            return within(CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)))
                    .thenApply(ignored -> checks.stream().map(CompletableFuture::join)
                            .filter(java.util.Objects::nonNull)
                            .findFirst().orElse(null));
        }

        /** Rereads the topology, at most once a second, without waiting for it. */
        private void refreshSoon() {
            long now = System.nanoTime();
            if (now - lastRefresh > TimeUnit.SECONDS.toNanos(1)) {
                lastRefresh = now;
                cluster.refreshPartitionsAsync();
            }
        }

        private CompletableFuture<Void> probeCluster() {
            CompletableFuture<String> nodes = within(commands.clusterNodes().toCompletableFuture());
            return within(commands.clusterInfo().toCompletableFuture()).thenCombine(nodes, (info, view) -> {
                if (!info.contains("cluster_state:ok")) {
                    lost("the Redis Cluster does not serve every hash slot (cluster_state:fail; a master is down and"
                            + " no replica took over yet)");
                    return null;
                }
                return view;
            }).thenCompose(view -> {
                if (view == null) {
                    return CompletableFuture.completedFuture(null);
                }
                Map<String, Object> live = liveNodes(ClusterPartitionParser.parse(view));
                if (lastView != null && !live.equals(lastView)) {
                    recovering = true; // until the topology is reread and the shard channels resubscribed
                }
                lastView = live;
                if (!recovering && state.connected()) {
                    return CompletableFuture.completedFuture(null);
                }
                return within(cluster.refreshPartitionsAsync().toCompletableFuture()
                        .thenCompose(refreshed -> resubscribeShardChannels()))
                        .thenRun(() -> {
                            recovering = false;
                            state.up();
                        });
            });
        }

        /**
         * The nodes not marked failed, with their role and slots. When they change between two probes (a node died
         * or came, a replica was promoted, slots moved), the topology is reread and the shard channels subscribed
         * again, whether Lettuce's own adaptive refresh saw it first or not: a shard channel whose slot moved must be
         * subscribed where it is now, and subscribers must not be counted on a dead replica.
         */
        private static Map<String, Object> liveNodes(Iterable<RedisClusterNode> partitions) {
            Map<String, Object> live = new java.util.HashMap<>();
            for (RedisClusterNode node : partitions) {
                if (!node.is(RedisClusterNode.NodeFlag.FAIL) && !node.is(RedisClusterNode.NodeFlag.NOADDR)
                        && !node.is(RedisClusterNode.NodeFlag.HANDSHAKE)) {
                    live.put(node.getNodeId(), List.of(node.is(RedisClusterNode.NodeFlag.UPSTREAM), node.getSlots()));
                }
            }
            return live;
        }

        /**
         * The outcome of {@code operation}, or a {@link java.util.concurrent.TimeoutException} after the probe
         * timeout; timed by Reactor (the JDK's {@code orTimeout} takes a lock on the Lettuce thread that completes it).
         */
        private <T> CompletableFuture<T> within(CompletableFuture<T> operation) {
            CompletableFuture<T> result = new CompletableFuture<>();
            Disposable timer = Schedulers.parallel().schedule(() -> result.completeExceptionally(
                    new java.util.concurrent.TimeoutException()), PROBE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            result.whenComplete((value, error) -> timer.dispose());
            operation.whenComplete((value, error) -> {
                if (error == null) {
                    result.complete(value);
                } else {
                    result.completeExceptionally(error);
                }
            });
            return result;
        }

        private CompletableFuture<Void> resubscribeShardChannels() {
            StatefulRedisPubSubConnection<byte[], byte[]> subscriber = sub;
            if (!subscribe || subscriber == null || shardChannels.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            return ssubscribeAll(subscriber);
        }
    }
}
