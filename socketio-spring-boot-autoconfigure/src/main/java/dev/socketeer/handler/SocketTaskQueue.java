package dev.socketeer.handler;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the handler invocations of one socket one at a time, in the order they were submitted. Non-blocking tasks
 * run on the submitting thread (the event loop) while nothing is queued; blocking tasks, and whatever was queued
 * behind one, run on the handler executor.
 */
final class SocketTaskQueue {

    private static final ThreadLocal<Boolean> ON_EXECUTOR = new ThreadLocal<>();

    private record Task(Runnable action, boolean blocking) {
    }

    private final HandlerExecutor executor;
    private final Queue<Task> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    SocketTaskQueue(HandlerExecutor executor) {
        this.executor = executor;
    }

    /** Whether the current thread is running handler tasks for the handler executor. */
    static boolean onHandlerExecutor() {
        return Boolean.TRUE.equals(ON_EXECUTOR.get());
    }

    /** Runs a blocking action on the handler executor, or right here when already there. */
    static void runBlocking(HandlerExecutor executor, Runnable action) {
        if (onHandlerExecutor()) {
            action.run();
        } else {
            executor.execute(() -> runMarked(action), rejected -> HandlerLog.rejected(rejected));
        }
    }

    void submit(Runnable action, boolean blocking) {
        tasks.add(new Task(action, blocking));
        if (draining.compareAndSet(false, true)) {
            drain(onHandlerExecutor());
        }
    }

    private void drain(boolean onExecutor) {
        for (;;) {
            Task task;
            while ((task = tasks.peek()) != null) {
                if (task.blocking() && !onExecutor) {
                    // keep 'draining' set: the executor continues the drain, in order
                    executor.execute(() -> runMarked(() -> drain(true)), rejected -> {
                        HandlerLog.rejected(rejected);
                        tasks.clear();
                        draining.set(false);
                    });
                    return;
                }
                tasks.poll();
                HandlerLog.safely(task.action());
            }
            draining.set(false);
            if (tasks.isEmpty() || !draining.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private static void runMarked(Runnable action) {
        Boolean previous = ON_EXECUTOR.get();
        ON_EXECUTOR.set(Boolean.TRUE);
        try {
            action.run();
        } finally {
            if (previous == null) {
                ON_EXECUTOR.remove();
            } else {
                ON_EXECUTOR.set(previous);
            }
        }
    }
}
