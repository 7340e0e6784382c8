package dev.socketeer.engine;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * A fan-out in progress on the calling thread: connections written to from here, whose writes must be finished on
 * another thread (their event loop), hand that work over once per target thread when the fan-out ends, instead of
 * once per connection. A broadcast from a thread other than the recipients' loops (a Redis or Postgres subscriber,
 * an application thread, another loop) then costs one task and at most one wake-up per event loop, not per
 * recipient.
 *
 * <p>Scopes nest (the outermost one hands over); outside a scope, {@link #defer} returns {@code false} and the
 * caller schedules its work itself. Confined to the calling thread.
 */
public final class WriteScope {

    private static final Logger log = Loggers.getLogger(WriteScope.class);
    private static final ThreadLocal<WriteScope> CURRENT = new ThreadLocal<>();

    private final Map<Executor, List<Runnable>> pending = new IdentityHashMap<>(4);
    private int depth;

    private WriteScope() {
    }

    /** Runs {@code fanOut}; the work deferred inside it is handed over when the outermost scope ends. */
    public static void run(Runnable fanOut) {
        WriteScope scope = CURRENT.get();
        if (scope == null) {
            scope = new WriteScope();
            CURRENT.set(scope);
        }
        scope.depth++;
        try {
            fanOut.run();
        } finally {
            if (--scope.depth == 0) {
                scope.handOver();
            }
        }
    }

    /** Whether a scope is open on this thread (work given to {@link #defer} now would be deferred). */
    public static boolean isOpen() {
        WriteScope scope = CURRENT.get();
        return scope != null && scope.depth > 0;
    }

    /**
     * Defers {@code work} to be run on {@code target} when the current scope ends, together with the other work
     * for that target; {@code false} when no scope is open on this thread.
     */
    public static boolean defer(Executor target, Runnable work) {
        WriteScope scope = CURRENT.get();
        if (scope == null || scope.depth == 0) {
            return false;
        }
        scope.pending.computeIfAbsent(target, key -> new ArrayList<>()).add(work);
        return true;
    }

    private void handOver() {
        if (pending.isEmpty()) {
            return;
        }
        List<Map.Entry<Executor, List<Runnable>>> batches = new ArrayList<>(pending.entrySet());
        pending.clear();
        for (Map.Entry<Executor, List<Runnable>> batch : batches) {
            List<Runnable> work = batch.getValue();
            batch.getKey().execute(() -> {
                for (int i = 0, n = work.size(); i < n; i++) {
                    try {
                        work.get(i).run();
                    } catch (RuntimeException e) {
                        // one connection's failure must not keep the others of the loop from being written;
                        // logged as the event loop would have logged it as a task of its own
                        log.warn("A deferred write failed", e);
                    }
                }
            });
        }
    }
}
