package dev.socketeer.autoconfigure;

import dev.socketeer.adapter.BackendStatus;
import dev.socketeer.adapter.ClusterUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/** The fail-fast start of a cluster adapter ({@code socketio.adapter.fail-fast=true}). */
final class ClusterStartup {

    private ClusterStartup() {
    }

    /**
     * With {@code fail-fast}, waits on the starting thread (never an event loop) for the adapter's
     * first connection, and fails the startup with a {@link ClusterUnavailableException} that
     * {@link SocketIoClusterFailureAnalyzer} reports in one paragraph; otherwise returns at once.
     */
    static void failFastIfAsked(SocketIoProperties.Adapter properties, String role,
            Function<Duration, CompletableFuture<Void>> awaitConnection, Supplier<BackendStatus> status,
            AutoCloseable factory, String check) {
        if (!properties.isFailFast()) {
            return;
        }
        Duration timeout = properties.getFailFastTimeout();
        try {
            awaitConnection.apply(timeout).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            BackendStatus now = status.get();
            close(factory);
            throw new ClusterUnavailableException(role + " could not reach " + now.backend() + " at " + now.address()
                    + " within " + timeout.toMillis() + " ms at startup"
                    + (now.lastError() == null ? "" : " (" + now.lastError() + ")")
                    + ", and socketio.adapter.fail-fast=true makes that fatal. " + check
                    + ", or set socketio.adapter.fail-fast=false to start without it: the application then serves"
                    + " its own clients, reports DOWN in the socketio health and connects in the background.",
                    e.getCause() == null ? e : e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(factory);
            throw new IllegalStateException("Interrupted while waiting for the " + role + " to connect", e);
        }
    }

    private static void close(AutoCloseable factory) {
        try {
            factory.close();
        } catch (Exception e) {
            // startup fails anyway: the report is about the connection, not this
        }
    }
}
