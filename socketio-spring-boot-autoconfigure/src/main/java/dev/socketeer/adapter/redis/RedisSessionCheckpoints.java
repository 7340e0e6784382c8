package dev.socketeer.adapter.redis;

import dev.socketeer.adapter.LocalNamespace;
import dev.socketeer.adapter.LocalSocket;
import dev.socketeer.adapter.SocketDetails;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * The sessions of connected sockets, kept in Redis while they are connected so that they survive a crash of their
 * node (Node's streams adapter loses them: its issue #27) and can be taken over by a client back before its node
 * noticed the old connection dead. Each checkpoint writes {@code <prefix><pid>} in the format of a disconnected
 * session (Node servers can read it) plus {@code live} and {@code owner} fields.
 *
 * <p>Costs: nothing on a join, a leave, a change of data or an emit. Every {@link #INTERVAL} the connected sockets
 * are fingerprinted and those new or changed are written; every third of the disconnection window each live key's
 * expiry is pushed back ({@code max-disconnection-duration} plus that third), so that a crashed node's sessions
 * outlive it by the window.
 *
 * <p>Writes after a socket's first one are compare-and-set (a one-key script comparing the whole value with what
 * this node last wrote): once another node restored the session (the key was taken, then written by the new
 * owner), this node's late writes, refreshes and deletions of the old socket change nothing. Session statements of
 * one socket are dispatched under one lock, on one connection (one per key's node on a Redis Cluster), so they
 * reach Redis in the order they were decided.
 */
final class RedisSessionCheckpoints {

    /** How often the connected sockets are looked at. */
    static final Duration INTERVAL = Duration.ofSeconds(1);

    /** 1: written; 0: another value is there (another node's); -1: nothing is there, and nothing was written. */
    private static final String SET_IF_SAME = "local v = redis.call('GET', KEYS[1]) "
            + "if v == ARGV[1] or (ARGV[4] == '1' and not v) then "
            + "redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end if not v then return -1 end return 0";
    private static final String DEL_IF_SAME = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "return redis.call('DEL', KEYS[1]) end return 0";
    private static final String PEXPIRE_IF_SAME = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

    /** Encodes a session: sid, pid, rooms, data, and whether it is a live checkpoint. */
    interface Encoder {
        byte[] encode(String sid, String pid, Set<String> rooms, Map<String, Object> data, boolean live);
    }

    private final LocalNamespace namespace;
    private final RedisPubSub redis;
    private final String keyPrefix;
    private final Duration window;
    private final Duration liveTtl;
    private final Encoder encoder;
    private final Predicate<String> restoring;
    private final Set<CompletableFuture<?>> writes;
    private final Map<String, Checkpoint> live = new ConcurrentHashMap<>();
    private final Set<String> saved = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private volatile Disposable checkpointTimer;
    private volatile Disposable refreshTimer;

    RedisSessionCheckpoints(LocalNamespace namespace, RedisPubSub redis, String keyPrefix, Duration window,
            Encoder encoder, Predicate<String> restoring, Set<CompletableFuture<?>> writes) {
        this.namespace = namespace;
        this.redis = redis;
        this.keyPrefix = keyPrefix;
        this.window = window;
        this.liveTtl = window.plus(refreshInterval(window));
        this.encoder = encoder;
        this.restoring = restoring;
        this.writes = writes;
    }

    private static Duration refreshInterval(Duration window) {
        return Duration.ofMillis(Math.max(1_000, window.toMillis() / 3));
    }

    void start() {
        checkpointTimer = Schedulers.parallel().schedulePeriodically(this::checkpoint, INTERVAL.toMillis(),
                INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        long refresh = refreshInterval(window).toMillis();
        refreshTimer = Schedulers.parallel().schedulePeriodically(this::refresh, refresh, refresh,
                TimeUnit.MILLISECONDS);
    }

    void stop() {
        for (Disposable timer : new Disposable[] { checkpointTimer, refreshTimer }) {
            if (timer != null) {
                timer.dispose();
            }
        }
    }

    /** A socket connected (or was restored) here. */
    void connected(String sid) {
        synchronized (lock) {
            live.putIfAbsent(sid, Checkpoint.NONE);
        }
    }

    /**
     * Saves the session of a socket that disconnected for a recoverable reason: replaces this node's checkpoint, or
     * writes it when there is none, never another owner's.
     */
    CompletableFuture<Void> saveDisconnected(String sid, String pid, byte[] value) {
        byte[] key = key(pid);
        synchronized (lock) {
            saved.add(sid);
            Checkpoint last = live.get(sid);
            CompletableFuture<?> write;
            if (last == null || !last.written()) {
                write = redis.command("SET", commands -> commands.set(key, value,
                        SetArgs.Builder.px(window.toMillis())));
            } else if (last.lost()) {
                write = CompletableFuture.completedFuture(null); // restored elsewhere: the session is not ours
            } else {
                write = compareAndSet(key, last.value(), value, window, true);
            }
            return track(write, "save the session of socket " + sid + " for connection state recovery")
                    .thenApply(done -> null);
        }
    }

    /** A socket left (after {@link #saveDisconnected} when it is to be recovered; else its checkpoint goes). */
    void left(String sid) {
        synchronized (lock) {
            Checkpoint last = live.remove(sid);
            if (!saved.remove(sid) && last != null && last.written() && !last.lost()) {
                byte[][] keys = { key(last.pid()) };
                track(redis.command("EVAL", commands -> commands.eval(DEL_IF_SAME, ScriptOutputType.INTEGER, keys,
                        last.value())), "delete the session of socket " + sid);
            }
        }
    }

    private void checkpoint() {
        if (live.isEmpty() || !redis.state().connected()) {
            return;
        }
        Map<String, Checkpoint> next = new HashMap<>();
        for (Map.Entry<String, Checkpoint> entry : live.entrySet()) {
            String sid = entry.getKey();
            Checkpoint last = entry.getValue();
            LocalSocket socket = namespace.socket(sid);
            if (last.lost() || socket == null || socket.pid() == null || restoring.test(sid)) {
                continue;
            }
            SocketDetails details = socket.details();
            int fingerprint = Objects.hash(details.rooms(), details.data());
            if (last.written() && last.fingerprint() == fingerprint) {
                continue;
            }
            byte[] value = encoder.encode(sid, socket.pid(), details.rooms(), details.data(), true);
            next.put(sid, new Checkpoint(socket.pid(), fingerprint, value, true, false));
        }
        if (next.isEmpty()) {
            return;
        }
        synchronized (lock) {
            next.forEach((sid, checkpoint) -> {
                Checkpoint last = live.get(sid);
                if (last == null) {
                    return; // left meanwhile: saved or deleted already
                }
                live.put(sid, checkpoint);
                byte[] key = key(checkpoint.pid());
                CompletableFuture<Long> write = last.written()
                        ? compareAndSet(key, last.value(), checkpoint.value(), liveTtl, false)
                        : redis.command("SET", commands -> commands.set(key, checkpoint.value(),
                                SetArgs.Builder.px(liveTtl.toMillis()))).thenApply(ok -> 1L);
                track(write, "save a checkpoint of socket " + sid).whenComplete((done, error) -> {
                    if (error != null) {
                        // written again at the next tick
                        live.computeIfPresent(sid, (k, now) -> now == checkpoint ? last : now);
                    }
                });
                write.thenAccept(done -> {
                    if (done != null && done == 0L) {
                        // the key is another node's now (the session was restored there): stop writing it
                        live.computeIfPresent(sid, (k, now) -> now == checkpoint ? checkpoint.lose() : now);
                    } else if (done != null && done < 0L) {
                        // gone: taken by a restoration whose node has not written yet (then lost at a later
                        // tick), or Redis lost its data (then the disconnection still saves the session)
                        live.computeIfPresent(sid, (k, now) -> now == checkpoint ? last : now);
                    }
                });
            });
        }
    }

    private void refresh() {
        if (!redis.state().connected()) {
            return;
        }
        for (Map.Entry<String, Checkpoint> entry : live.entrySet()) {
            Checkpoint checkpoint = entry.getValue();
            if (checkpoint.written() && !checkpoint.lost()) {
                byte[][] keys = { key(checkpoint.pid()) };
                byte[] ttl = Long.toString(liveTtl.toMillis()).getBytes(StandardCharsets.UTF_8);
                track(redis.command("EVAL", commands -> commands.eval(PEXPIRE_IF_SAME, ScriptOutputType.INTEGER, keys,
                        checkpoint.value(), ttl)), "extend the session of socket " + entry.getKey());
            }
        }
    }

    private CompletableFuture<Long> compareAndSet(byte[] key, byte[] expected, byte[] value, Duration ttl,
            boolean orMissing) {
        byte[][] keys = { key };
        byte[] px = Long.toString(ttl.toMillis()).getBytes(StandardCharsets.UTF_8);
        byte[] missing = (orMissing ? "1" : "0").getBytes(StandardCharsets.UTF_8);
        return redis.command("EVAL", commands -> commands.<Long>eval(SET_IF_SAME, ScriptOutputType.INTEGER, keys,
                expected, value, px, missing));
    }

    private <T> CompletableFuture<T> track(CompletableFuture<T> write, String what) {
        writes.add(write);
        write.whenComplete((ok, error) -> {
            writes.remove(write);
            if (error != null) {
                System.getLogger(RedisSessionCheckpoints.class.getName()).log(System.Logger.Level.WARNING,
                        () -> "could not " + what + ": " + error);
            }
        });
        return write;
    }

    private byte[] key(String pid) {
        return (keyPrefix + pid).getBytes(StandardCharsets.UTF_8);
    }

    /** What a socket's last checkpoint wrote; {@code lost} once another node owns its key. */
    private record Checkpoint(String pid, int fingerprint, byte[] value, boolean written, boolean lost) {
        static final Checkpoint NONE = new Checkpoint(null, 0, null, false, false);

        Checkpoint lose() {
            return new Checkpoint(pid, fingerprint, value, written, true);
        }

        @Override
        public boolean equals(Object other) {
            return this == other;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }

        @Override
        public String toString() {
            return "Checkpoint[" + pid + ", " + Arrays.hashCode(value) + "]";
        }
    }
}
