package dev.socketeer.adapter.cluster;

import dev.socketeer.adapter.LocalNamespace;
import dev.socketeer.adapter.cluster.ClusterMessage.AdapterClose;
import dev.socketeer.adapter.cluster.ClusterMessage.Heartbeat;
import dev.socketeer.adapter.cluster.ClusterMessage.InitialHeartbeat;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * A {@link ClusterAdapter} that knows its peers from their heartbeats, as socket.io-adapter's
 * {@code ClusterAdapterWithHeartbeat}: it announces itself as soon as its backend is reachable
 * (and whenever it is back), sends a heartbeat
 * when it has published nothing for the heartbeat interval (5 s), and drops a peer silent for
 * longer than the heartbeat timeout (10 s) or that said goodbye. {@link #serverCount()} is one
 * plus the live peers; requests wait for exactly those peers.
 */
public abstract class ClusterAdapterWithHeartbeat extends ClusterAdapter {

    /** The reference default heartbeat interval. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
    /** The reference default heartbeat timeout. */
    public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

    private static final long CLEANUP_INTERVAL_MILLIS = 1000;

    private final Duration heartbeatInterval;
    private final Duration heartbeatTimeout;
    private final Map<String, Long> nodes = new ConcurrentHashMap<>();
    private volatile long lastPublish;
    private volatile Disposable heartbeatTimer;
    private volatile Disposable cleanupTimer;
    private volatile boolean closed;

    protected ClusterAdapterWithHeartbeat(LocalNamespace namespace, ClusterMessageCodec codec, Duration requestsTimeout,
            Duration heartbeatInterval, Duration heartbeatTimeout) {
        super(namespace, codec, requestsTimeout);
        this.heartbeatInterval = heartbeatInterval == null ? DEFAULT_HEARTBEAT_INTERVAL : heartbeatInterval;
        this.heartbeatTimeout = heartbeatTimeout == null ? DEFAULT_HEARTBEAT_TIMEOUT : heartbeatTimeout;
    }

    /**
     * Starts the heartbeat timers and announces this server when the backend is already reachable;
     * a subclass calls {@link #announce()} again each time its connection comes (back) up, so that
     * the other servers count this one at once rather than at its next heartbeat.
     */
    @Override
    public CompletableFuture<Void> init() {
        long tick = Math.max(50, Math.min(heartbeatInterval.toMillis(), CLEANUP_INTERVAL_MILLIS) / 2);
        heartbeatTimer = Schedulers.parallel().schedulePeriodically(this::heartbeatIfIdle, tick, tick,
                TimeUnit.MILLISECONDS);
        cleanupTimer = Schedulers.parallel().schedulePeriodically(this::removeSilentNodes, CLEANUP_INTERVAL_MILLIS,
                CLEANUP_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        if (backendState().connected()) {
            announce();
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Tells the other servers this one is here; they answer with a heartbeat each. */
    protected final void announce() {
        if (!closed) {
            publish(new InitialHeartbeat(uid, namespace.name()));
        }
    }

    /** Says goodbye once (later calls complete at once) and stops the timers. */
    @Override
    public CompletableFuture<Void> close() {
        synchronized (this) {
            if (closed) {
                return CompletableFuture.completedFuture(null);
            }
            closed = true;
        }
        dispose(heartbeatTimer);
        dispose(cleanupTimer);
        super.close();
        if (!backendState().connected()) {
            return CompletableFuture.completedFuture(null);
        }
        return publish(new AdapterClose(uid, namespace.name()))
                .handle((offset, error) -> null);
    }

    private static void dispose(Disposable timer) {
        if (timer != null) {
            timer.dispose();
        }
    }

    @Override
    protected CompletableFuture<String> publish(ClusterMessage message) {
        lastPublish = System.currentTimeMillis();
        return super.publish(message);
    }

    private void heartbeatIfIdle() {
        if (backendState().connected() && System.currentTimeMillis() - lastPublish >= heartbeatInterval.toMillis()) {
            publish(new Heartbeat(uid, namespace.name()));
        }
    }

    private void removeSilentNodes() {
        long now = System.currentTimeMillis();
        nodes.forEach((node, lastSeen) -> {
            if (now - lastSeen > heartbeatTimeout.toMillis()) {
                removeNode(node);
            }
        });
    }

    private void removeNode(String node) {
        if (nodes.remove(node) != null) {
            forgetResponder(node);
        }
    }

    @Override
    protected void onMessage(ClusterMessage message, String offset) {
        if (message == null || uid.equals(message.uid()) || !namespace.name().equals(message.nsp())) {
            return;
        }
        if (message.uid() != null && !EMITTER_UID.equals(message.uid())) {
            nodes.put(message.uid(), System.currentTimeMillis());
        }
        if (message instanceof InitialHeartbeat m) {
            publish(new Heartbeat(uid, namespace.name()));
        } else if (message instanceof Heartbeat) {
            // liveness recorded above
        } else if (message instanceof AdapterClose m) {
            removeNode(m.uid());
        } else {
            super.onMessage(message, offset);
        }
    }

    @Override
    protected Set<String> expectedResponders() {
        return Set.copyOf(nodes.keySet());
    }

    /** One plus the live peers; fails with {@code ClusterUnavailableException} while the backend is unreachable. */
    @Override
    public CompletableFuture<Integer> serverCount() {
        if (!backendState().connected()) {
            return CompletableFuture.failedFuture(backendState().unavailable("serverCount", null));
        }
        return CompletableFuture.completedFuture(1 + nodes.size());
    }

    /** One plus the peers heard from within the heartbeat timeout. */
    @Override
    public int serversSeen() {
        return 1 + nodes.size();
    }

    /** The uids of the peers currently believed alive. */
    public Set<String> nodes() {
        return Set.copyOf(nodes.keySet());
    }
}
