package dev.socketeer.handler;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.springframework.core.task.VirtualThreadTaskExecutor;
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
     * A bounded pool of platform daemon threads named {@code socketio-handler-N}: at most {@code maxThreads} threads,
     * each retired after 60 s without work, and one queue of at most {@code maxQueuedTasks} waiting tasks (a task
     * over that is rejected). One shared queue, not a queue per thread: a thread that finishes a task takes the next
     * waiting one without going to sleep, so under load events are handed over without waking a thread for each
     * (Reactor's {@code boundedElastic}, a queue per thread, woke one for nearly every event).
     */
    public static HandlerExecutor bounded(int maxThreads, int maxQueuedTasks) {
        AtomicInteger created = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(maxThreads, maxThreads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(maxQueuedTasks), task -> {
                    Thread thread = new Thread(task, "socketio-handler-" + created.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return new HandlerExecutor(pool, pool::shutdown,
                "bounded (" + maxThreads + " threads, " + maxQueuedTasks + " queued tasks)");
    }

    /**
     * Virtual threads when available, else {@link #bounded} with the sizes of Reactor's {@code boundedElastic}
     * (10 threads per core, 100,000 queued tasks).
     */
    public static HandlerExecutor auto() {
        return virtualThreadsAvailable() ? virtualThreads()
                : bounded(Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE, Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE);
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
