package dev.socketeer.autoconfigure;

import org.springframework.context.SmartLifecycle;

/**
 * Closes a cluster emitter's connection when the context stops: after the web server has stopped
 * (requests in flight may still emit through it), and before the beans it uses (Boot's Redis
 * client) are stopped under it, which would otherwise log a lost connection at every shutdown.
 */
final class ClusterConnectionsLifecycle implements SmartLifecycle {

    /** After Boot's graceful shutdown ({@code DEFAULT_PHASE - 1024}) and web server stop ({@code - 2048}). */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final Runnable close;
    private volatile boolean running;

    ClusterConnectionsLifecycle(Runnable close) {
        this.close = close;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        close.run();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
