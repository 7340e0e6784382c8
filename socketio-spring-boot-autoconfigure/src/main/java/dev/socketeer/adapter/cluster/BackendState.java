package dev.socketeer.adapter.cluster;

import dev.socketeer.adapter.BackendStatus;
import dev.socketeer.adapter.ClusterRequestTimeoutException;
import dev.socketeer.adapter.ClusterUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * The connection state of a cluster transport (the Redis or Postgres connections of an adapter or
 * an emitter): connected or not, since when, why not. It logs each change once (a warning when the
 * backend cannot be reached or is lost, one line when it is back), tells listeners when the
 * connection is (back) up, and turns failures into the typed {@link ClusterUnavailableException}
 * and {@link ClusterRequestTimeoutException}. Thread-safe.
 */
public final class BackendState {

    private static final System.Logger LOG = System.getLogger(BackendState.class.getName());

    /** First retry delay after a failed connection attempt; doubles up to {@link #MAX_RETRY_DELAY}. */
    public static final Duration FIRST_RETRY_DELAY = Duration.ofMillis(250);
    /** Longest delay between two connection attempts. */
    public static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(5);

    private final String role;
    private final String backend;
    private volatile String address;
    private final List<Runnable> upListeners = new CopyOnWriteArrayList<>();
    private volatile BackendStatus status;
    private boolean everConnected; // guarded by this
    private boolean warned; // guarded by this
    private volatile boolean closed;
    /** The operations waiting for the backend to be up ({@link #awaitUp}); each leaves at up, timeout or close. */
    private final Set<CompletableFuture<Void>> waiters = ConcurrentHashMap.newKeySet();
    /** What gave up waiting during the current outage, and how many times ({@link #gaveUp}); guarded by this. */
    private final Map<String, Integer> givenUp = new LinkedHashMap<>();

    /**
     * @param role who connects, for logs, e.g. {@code "Socket.IO Redis adapter"}
     * @param backend {@code "redis"} or {@code "postgres"}
     * @param address where, e.g. {@code "127.0.0.1:6379"}
     */
    public BackendState(String role, String backend, String address) {
        this.role = role;
        this.backend = backend;
        this.address = address;
        this.status = new BackendStatus(backend, address, false, Instant.now(), "not connected yet");
    }

    /** The current state; answers from memory. */
    public BackendStatus status() {
        return status;
    }

    /** Whether the backend is reachable now. */
    public boolean connected() {
        return status.connected();
    }

    /** Where the backend is, as given or as learnt from the connection. */
    public String address() {
        return address;
    }

    /** Records the address the connection actually reached (e.g. once resolved). */
    public void address(String reached) {
        if (reached != null && !reached.isBlank()) {
            this.address = reached;
        }
    }

    /** Runs {@code listener} each time the connection comes up (the first time and after each outage). */
    public void onUp(Runnable listener) {
        upListeners.add(listener);
    }

    /** Every connection is up: logs the recovery once and tells the listeners. */
    public void up() {
        Instant since;
        boolean recovered;
        String meanwhile;
        synchronized (this) {
            if (closed || status.connected()) {
                return;
            }
            since = status.since();
            recovered = warned;
            warned = false;
            everConnected = true;
            status = new BackendStatus(backend, address, true, Instant.now(), null);
            meanwhile = givenUp.isEmpty() ? "" : "; during the outage, " + String.join(", ", givenUp.entrySet().stream()
                    .map(entry -> entry.getKey() + ": " + entry.getValue()).toList());
            givenUp.clear();
        }
        releaseWaiters(null);
        if (recovered || !meanwhile.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, role + " connected to " + backend + " at " + address + " after "
                    + Duration.between(since, Instant.now()).toMillis() + " ms without it; cross-server delivery resumes"
                    + meanwhile);
        } else {
            LOG.log(System.Logger.Level.DEBUG, () -> role + " connected to " + backend + " at " + address);
        }
        for (Runnable listener : upListeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, role + ": a reconnection listener failed: " + e, e);
            }
        }
    }

    /** A connection attempt failed or a connection was lost: logs it once per outage. */
    public void down(Throwable error) {
        String reason = error == null ? "connection closed" : reason(error);
        boolean log;
        boolean lost;
        synchronized (this) {
            if (closed) {
                return;
            }
            lost = everConnected;
            log = !warned;
            warned = true;
            Instant since = status.connected() ? Instant.now() : status.since();
            status = new BackendStatus(backend, address, false, since, reason);
        }
        if (!log) {
            return;
        }
        if (lost) {
            LOG.log(System.Logger.Level.WARNING, role + " lost its connection to " + backend + " at " + address + " ("
                    + reason + "); local delivery continues, cross-server messages are dropped and cluster requests"
                    + " fail with ClusterUnavailableException until it reconnects by itself");
        } else {
            LOG.log(System.Logger.Level.WARNING, role + " cannot reach " + backend + " at " + address + " (" + reason
                    + "); it keeps trying in the background, serves this server's clients meanwhile, and the"
                    + " socketio health reports DOWN until it connects");
        }
    }

    /** No more logs nor listeners: the owner is closing its connections on purpose. */
    public void close() {
        synchronized (this) {
            closed = true;
            status = new BackendStatus(backend, address, false, Instant.now(), "closed");
        }
        releaseWaiters(new ClusterUnavailableException(role + " is closing: no more waiting for " + backend, null));
    }

    /**
     * Completes when the backend is up: at once when it is, else when {@link #up()} next runs. Fails with
     * {@link ClusterUnavailableException} when {@code timeout} passes first or on {@link #close()}. Blocks nothing: a
     * one-shot future, forgotten (and its timer cancelled) as soon as it completes, times out or is cancelled, so that
     * waiters do not pile up while the backend never comes back.
     */
    public CompletableFuture<Void> awaitUp(Duration timeout) {
        if (connected()) {
            return CompletableFuture.completedFuture(null);
        }
        if (closed || timeout.isNegative() || timeout.isZero()) {
            return CompletableFuture.failedFuture(unavailable("waiting for " + backend, null));
        }
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        Disposable timer = Schedulers.parallel().schedule(() -> waiter.completeExceptionally(unavailable(
                "waited " + timeout.toMillis() + " ms for " + backend + " at " + address, null)),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        waiters.add(waiter);
        waiter.whenComplete((ignored, error) -> {
            timer.dispose();
            waiters.remove(waiter);
        });
        // up() or close() may have run between the check above and the registration
        if (connected()) {
            waiter.complete(null);
        } else if (closed) {
            waiter.completeExceptionally(unavailable("waiting for " + backend, null));
        }
        return waiter;
    }

    /** How many operations wait in {@link #awaitUp} now. */
    public int waiting() {
        return waiters.size();
    }

    private void releaseWaiters(Throwable error) {
        for (CompletableFuture<Void> waiter : waiters.toArray(CompletableFuture[]::new)) {
            if (error == null) {
                waiter.complete(null);
            } else {
                waiter.completeExceptionally(error);
            }
        }
    }

    /**
     * Something gave up waiting for the backend ({@code what}, counted: e.g. {@code "recovering clients started
     * afresh"}): logs {@code warning} the first time in an outage only; the line that reports the backend back says
     * how many there were in all.
     */
    public void gaveUp(String what, Supplier<String> warning) {
        boolean first;
        synchronized (this) {
            if (closed) {
                return;
            }
            first = !givenUp.containsKey(what);
            givenUp.merge(what, 1, Integer::sum);
        }
        if (first) {
            LOG.log(System.Logger.Level.WARNING, () -> role + ": " + warning.get() + " (logged once per outage)");
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** The error of an operation that needs the backend while it is unreachable. */
    public ClusterUnavailableException unavailable(String operation, Throwable cause) {
        BackendStatus now = status;
        String why = now.connected() ? backend + " at " + address + " failed: " + reason(cause) : now.describe();
        return new ClusterUnavailableException(operation + ": " + why
                + "; the adapter reconnects by itself (cluster requests fail meanwhile)", unwrap(cause));
    }

    /**
     * Runs an operation on the backend within {@code timeout} from now, whatever the backend does:
     * fails at once with {@link ClusterUnavailableException} while disconnected or when the
     * operation fails, with {@link ClusterRequestTimeoutException} when it does not finish in time.
     */
    public <T> CompletableFuture<T> bounded(String operation, Duration timeout, Supplier<CompletableFuture<T>> action) {
        if (!connected()) {
            return CompletableFuture.failedFuture(unavailable(operation, null));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        Disposable timer = Schedulers.parallel().schedule(() -> result.completeExceptionally(
                new ClusterRequestTimeoutException(operation + ": no answer from " + backend + " at " + address
                        + " within " + timeout.toMillis() + " ms", List.of())), timeout.toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((value, error) -> timer.dispose());
        CompletableFuture<T> started;
        try {
            started = action.get();
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        started.whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
            } else {
                Throwable cause = unwrap(error);
                result.completeExceptionally(cause instanceof dev.socketeer.adapter.ClusterException ? cause
                        : unavailable(operation, cause));
            }
        });
        return result;
    }

    /** The delay before connection attempt {@code attempt} (1 for the first retry): doubling, jittered, capped. */
    public static long retryDelayMillis(int attempt) {
        long base = FIRST_RETRY_DELAY.toMillis() << Math.min(Math.max(attempt - 1, 0), 10);
        long capped = Math.min(base, MAX_RETRY_DELAY.toMillis());
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }

    /** The cause inside a {@link CompletionException}. */
    public static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String reason(Throwable error) {
        if (error == null) {
            return "unknown error";
        }
        Throwable cause = unwrap(error);
        // Lettuce and Netty wrap the useful message ("Connection refused") a level or two down
        Throwable deepest = cause;
        while (deepest.getCause() != null && deepest.getCause() != deepest) {
            deepest = deepest.getCause();
        }
        String message = deepest.getMessage() != null ? deepest.getMessage() : deepest.getClass().getSimpleName();
        return deepest == cause ? message : cause.getClass().getSimpleName() + ": " + message;
    }
}
