package dev.socketeer.adapter.redis;

import dev.socketeer.adapter.Adapter;
import dev.socketeer.adapter.AdapterDescription;
import dev.socketeer.adapter.AdapterFactory;
import dev.socketeer.adapter.BackendStatus;
import dev.socketeer.adapter.LocalNamespace;
import dev.socketeer.adapter.cluster.BackendState;
import dev.socketeer.adapter.cluster.ClusterMessageCodec;
import dev.socketeer.engine.EngineServer;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creates the Redis adapter of each namespace. All namespaces share one publishing and one
 * subscribing connection, opened in the background from the moment the factory is created: the
 * application starts even while Redis is down, serves its own clients, reports the outage through
 * {@link #backendStatus()} (and the adapters' {@code AdapterHealth}), and connects as soon as Redis
 * answers. {@link #close()} closes the connections (once).
 */
public final class RedisAdapterFactory implements AdapterFactory, AutoCloseable {

    private final RedisPubSub pubSub;
    private final RedisAdapterOptions options;
    private final ClusterMessageCodec codec;
    private final AbstractRedisClient client;
    /** Streams mode: one reader per stream in use, and the adapter of each namespace it feeds. */
    private final Map<String, RedisStreamReader> readers = new ConcurrentHashMap<>();
    private final Map<String, RedisStreamsAdapter> streamAdapters = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param client a Lettuce {@code RedisClient} (standalone Redis, or Redis Sentinel) or {@code RedisClusterClient}
     *     (Redis Cluster), e.g. the native client of Spring's {@code LettuceConnectionFactory}
     * @param mapper turns application values (event arguments, socket data) into JSON trees
     */
    public RedisAdapterFactory(AbstractRedisClient client, RedisAdapterOptions options, JsonMapper mapper) {
        this(client, options, mapper, "redis");
    }

    /**
     * @param address where Redis is (e.g. {@code "127.0.0.1:6379"}), for logs, health and errors
     */
    public RedisAdapterFactory(AbstractRedisClient client, RedisAdapterOptions options, JsonMapper mapper,
            String address) {
        if (!(client instanceof RedisClient) && !(client instanceof RedisClusterClient)) {
            throw new IllegalArgumentException("The Socket.IO Redis adapter needs a Lettuce RedisClient or"
                    + " RedisClusterClient, got " + client.getClass().getName());
        }
        this.options = options;
        this.client = client;
        this.codec = new ClusterMessageCodec(mapper);
        this.pubSub = new RedisPubSub(client, true, new BackendState("Socket.IO Redis adapter", "redis", address));
        if (client instanceof RedisClusterClient) {
            // back from a failover (not the first connection): the stream readers' reads may wait on a dead master
            java.util.concurrent.atomic.AtomicBoolean connectedBefore = new java.util.concurrent.atomic.AtomicBoolean();
            pubSub.state().onUp(() -> {
                if (connectedBefore.getAndSet(true)) {
                    readers.values().forEach(RedisStreamReader::readAgain);
                }
            });
        }
        pubSub.start();
    }

    @Override
    public Adapter create(LocalNamespace namespace) {
        return switch (options.mode()) {
            case CLASSIC -> new ClassicRedisAdapter(namespace, pubSub, options, codec);
            case SHARDED -> new ShardedRedisAdapter(namespace, pubSub, options, codec);
            case STREAMS -> streamsAdapter(namespace);
        };
    }

    private RedisStreamsAdapter streamsAdapter(LocalNamespace namespace) {
        String stream = options.streams().streamOf(namespace.name());
        RedisStreamReader reader = readers.computeIfAbsent(stream, name -> {
            RedisStreamReader created = new RedisStreamReader(client, name, options.streams(), this::onStreamEntry);
            if (!closed) {
                created.start();
            }
            return created;
        });
        String name = namespace.name();
        RedisStreamsAdapter[] adapter = new RedisStreamsAdapter[1];
        adapter[0] = new RedisStreamsAdapter(namespace, pubSub, reader, options, codec,
                () -> streamAdapters.remove(name, adapter[0]));
        streamAdapters.put(name, adapter[0]);
        return adapter[0];
    }

    private void onStreamEntry(Map<String, String> fields, String id) {
        RedisStreamsAdapter adapter = streamAdapters.get(fields.get("nsp"));
        if (adapter != null) {
            adapter.onStreamEntry(fields, id);
        }
    }

    @Override
    public AdapterDescription description() {
        return new AdapterDescription("redis", options.mode().name().toLowerCase(Locale.ROOT), options.key(),
                pubSub.state().address());
    }

    /** Whether the Redis connections are up. */
    public boolean isConnected() {
        return pubSub.isConnected();
    }

    /** The state of the Redis connections: connected or not, since when, why not. */
    public BackendStatus backendStatus() {
        return pubSub.state().status();
    }

    /**
     * Completes once the connections are up for the first time; fails with a
     * {@link java.util.concurrent.TimeoutException} when {@code timeout} passes first (for a
     * fail-fast start; the connection attempts go on in the background either way).
     */
    public CompletableFuture<Void> awaitConnection(Duration timeout) {
        return pubSub.awaitFirstConnection(timeout);
    }

    /** The options in use. */
    public RedisAdapterOptions options() {
        return options;
    }

    /**
     * Serves long-polling requests that reach this node for sessions held by other nodes (and theirs for sessions
     * held here) over this factory's Redis connections, so that the load balancer needs no sticky sessions: sets
     * the forwarder on {@code engine}. The channels are {@code <channelPrefix>#} and {@code <channelPrefix>#<node>#},
     * the messages those of Node's {@code @socket.io/cluster-engine} {@code RedisEngine} (0.1.0), so Node nodes
     * using it serve the same sessions.
     *
     * @param responseTimeout how long a request waits for the session's node to take it before {@code 400}
     */
    public PollingForwarding forwardPolling(EngineServer engine, String channelPrefix, Duration responseTimeout) {
        RedisSessionForwarder forwarder = new RedisSessionForwarder(pubSub, engine, channelPrefix, responseTimeout);
        engine.forwarder(forwarder);
        return new PollingForwarding(engine, forwarder);
    }

    /** Long-polling forwarding turned on by {@link #forwardPolling}; {@link #close()} turns it off. */
    public static final class PollingForwarding implements AutoCloseable {

        private final EngineServer engine;
        private final RedisSessionForwarder forwarder;

        private PollingForwarding(EngineServer engine, RedisSessionForwarder forwarder) {
            this.engine = engine;
            this.forwarder = forwarder;
        }

        /** This node's id in the forwarding messages (3 random bytes in hex). */
        public String nodeId() {
            return forwarder.nodeId();
        }

        @Override
        public void close() {
            engine.forwarder(null);
            forwarder.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        readers.values().forEach(RedisStreamReader::close);
        pubSub.close();
    }
}
