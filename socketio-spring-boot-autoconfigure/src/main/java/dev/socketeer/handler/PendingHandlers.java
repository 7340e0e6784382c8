package dev.socketeer.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Counts the disconnect handler invocations not finished yet (a reactive return value finishes when it completes),
 * so that a shutdown closes the adapters only after them. Only disconnections count: events cost nothing here.
 */
final class PendingHandlers {

    private int running;
    private List<CompletableFuture<Void>> waiting = new ArrayList<>();

    synchronized void started() {
        running++;
    }

    void finished() {
        List<CompletableFuture<Void>> released;
        synchronized (this) {
            if (--running > 0 || waiting.isEmpty()) {
                return;
            }
            released = waiting;
            waiting = new ArrayList<>();
        }
        released.forEach(idle -> idle.complete(null));
    }

    /** Completes once no invocation is running (at once when none is). */
    synchronized CompletableFuture<Void> idle() {
        if (running == 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> idle = new CompletableFuture<>();
        waiting.add(idle);
        return idle;
    }
}
