package dev.socketeer.handler;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Runs the blocking (non-reactive) handler methods, never on an event loop. The events of one socket still run one
 * at a time, in order. Not an {@link Executor} itself, so that declaring it does not replace the application's task
 * executor.
 */
public final class HandlerExecutor implements AutoCloseable {

    private final Executor executor;
    private final Runnable closer;
    private final String description;

    private HandlerExecutor(Executor executor, Runnable closer, String description) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.closer = closer;
        this.description = description;
    }

    /** Whether this JVM has virtual threads (Java 21+). */
    public static boolean virtualThreadsAvailable() {
        return Runtime.version().feature() >= 21;
    }

    /** One virtual thread per task, named {@code socketio-handler-N}. Needs Java 21+. */
    public static HandlerExecutor virtualThreads() {
        if (!virtualThreadsAvailable()) {
            throw new IllegalStateException("Virtual threads need Java 21 or later (this is Java "
                    + Runtime.version().feature() + "): set socketio.handler.executor=bounded or auto");
        }
        return new HandlerExecutor(new VirtualThreadTaskExecutor("socketio-handler-"), null, "virtual threads");
    }

    /**
     * A bounded elastic pool (Reactor's {@code boundedElastic}) of platform threads named {@code socketio-handler-N}:
     * at most {@code maxThreads} threads, idle ones retired after 60 s, at most {@code maxQueuedTasks} waiting tasks.
     */
    public static HandlerExecutor boundedElastic(int maxThreads, int maxQueuedTasks) {
        Scheduler scheduler = Schedulers.newBoundedElastic(maxThreads, maxQueuedTasks, "socketio-handler", 60, true);
        return new HandlerExecutor(scheduler::schedule, scheduler::dispose,
                "bounded elastic (" + maxThreads + " threads, " + maxQueuedTasks + " queued tasks)");
    }

    /** Virtual threads when available, else {@link #boundedElastic} with Reactor's default sizes. */
    public static HandlerExecutor auto() {
        return virtualThreadsAvailable() ? virtualThreads()
                : boundedElastic(Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE, Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE);
    }

    /** An executor of the application's; it must not run tasks on an event loop, and is not closed here. */
    public static HandlerExecutor of(Executor executor) {
        return new HandlerExecutor(executor, null, executor.toString());
    }

    /** The underlying executor. */
    public Executor executor() {
        return executor;
    }

    void execute(Runnable task, Consumer<RuntimeException> onRejected) {
        try {
            executor.execute(task);
        } catch (RuntimeException rejected) {
            onRejected.accept(rejected);
        }
    }

    /** Releases the threads of the executors created here. */
    @Override
    public void close() {
        if (closer != null) {
            closer.run();
        }
    }

    @Override
    public String toString() {
        return "HandlerExecutor[" + description + "]";
    }
}
