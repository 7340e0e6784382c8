package dev.socketeer.autoconfigure;

import dev.socketeer.adapter.ClusterUnavailableException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;

/**
 * Reports, in one paragraph instead of a stack trace, that a cluster adapter could not reach its
 * backend at startup while {@code socketio.adapter.fail-fast=true}.
 */
public final class SocketIoClusterFailureAnalyzer implements FailureAnalyzer, Ordered {

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ClusterUnavailableException unavailable) {
                return new FailureAnalysis(unavailable.getMessage(),
                        "Start the backend (or fix its address), or set socketio.adapter.fail-fast=false.", unavailable);
            }
        }
        return null;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
