package dev.socketeer.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the annotated handlers ({@code @SocketIoController}), under {@code socketio.handler.*}.
 */
@ConfigurationProperties("socketio.handler")
public class SocketIoHandlerProperties {

    /** Where blocking handler methods run: "auto" (virtual threads on Java 21+, else bounded), "virtual", "bounded". */
    private ExecutorType executor = ExecutorType.AUTO;

    /** Whether the default error answer of a failed event carries the exception's message. */
    private boolean includeExceptionMessage = false;

    /**
     * Whether handler methods returning plain values run on the event loop unless annotated @Blocking (they must then
     * never block); off: on the executor unless annotated @NonBlocking.
     */
    private boolean nonBlockingByDefault = false;

    private final Bounded bounded = new Bounded();

    public boolean isNonBlockingByDefault() {
        return nonBlockingByDefault;
    }

    public void setNonBlockingByDefault(boolean nonBlockingByDefault) {
        this.nonBlockingByDefault = nonBlockingByDefault;
    }

    public ExecutorType getExecutor() {
        return executor;
    }

    public void setExecutor(ExecutorType executor) {
        this.executor = executor;
    }

    public boolean isIncludeExceptionMessage() {
        return includeExceptionMessage;
    }

    public void setIncludeExceptionMessage(boolean includeExceptionMessage) {
        this.includeExceptionMessage = includeExceptionMessage;
    }

    public Bounded getBounded() {
        return bounded;
    }

    /** The executors of blocking handler methods. */
    public enum ExecutorType {
        /** Virtual threads when the JVM has them (Java 21+), else a bounded pool of platform threads. */
        AUTO,
        /** One virtual thread per task; needs Java 21+. */
        VIRTUAL,
        /** A bounded pool of platform threads. */
        BOUNDED
    }

    /** The bounded pool of platform threads ({@code socketio.handler.executor=bounded}, or auto before Java 21). */
    public static class Bounded {

        /** Most threads of the pool. */
        private int maxThreads = 10 * Runtime.getRuntime().availableProcessors();

        /** Most tasks waiting for a thread; beyond it, events are dropped and logged. */
        private int maxQueuedTasks = 100_000;

        public int getMaxThreads() {
            return maxThreads;
        }

        public void setMaxThreads(int maxThreads) {
            this.maxThreads = maxThreads;
        }

        public int getMaxQueuedTasks() {
            return maxQueuedTasks;
        }

        public void setMaxQueuedTasks(int maxQueuedTasks) {
            this.maxQueuedTasks = maxQueuedTasks;
        }
    }
}
