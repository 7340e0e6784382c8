package dev.socketeer.autoconfigure;

import dev.socketeer.server.SocketIoServer;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Closes the {@link SocketIoServer} when the application context stops: every socket disconnects
 * with reason {@code "server shutting down"}, every connection closes (once the sessions are saved, with
 * connection state recovery), so clients see a transport close and reconnect (to another node) at once, and the
 * adapters close once the {@code @OnDisconnect} handlers are done (10 s at most), so that those can still reach
 * the cluster.
 *
 * <p>Its phase, {@link SmartLifecycle#DEFAULT_PHASE}, is stopped before Boot's graceful web-server
 * shutdown ({@code DEFAULT_PHASE - 1024}), which would otherwise wait on the open WebSockets
 * until {@code spring.lifecycle.timeout-per-shutdown-phase}.
 */
public class SocketIoServerLifecycle implements SmartLifecycle {

    private static final Logger log = Loggers.getLogger(SocketIoServerLifecycle.class);

    private final SocketIoServer server;
    private volatile boolean running;

    public SocketIoServerLifecycle(SocketIoServer server) {
        this.server = server;
    }

    @Override
    public void start() {
        running = true;
    }

    /**
     * Closes the server (adapters say goodbye), then the adapter factory's backend connections,
     * while the beans they use (Boot's Redis client) are still running: a clean shutdown logs no
     * warning. Both closes happen once, whatever else closes them later.
     */
    @Override
    public void stop() {
        running = false;
        try {
            // bounded inside: sessions saved within 3 s, disconnect handlers awaited 10 s at most, then the adapters
            // say goodbye (a Postgres adapter waits for its last writes within its requests timeout)
            server.close().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("Socket.IO server did not close cleanly: " + e);
        }
        if (server.options().adapterFactory() instanceof AutoCloseable connections) {
            try {
                connections.close();
            } catch (Exception e) {
                log.warn("Socket.IO adapter connections did not close cleanly: " + e);
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return DEFAULT_PHASE;
    }
}
