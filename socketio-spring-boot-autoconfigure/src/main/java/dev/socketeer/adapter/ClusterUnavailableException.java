package dev.socketeer.adapter;

/**
 * The cluster's backend (Redis, PostgreSQL) cannot be reached right now, so a request to the other
 * servers could not be sent. The adapter reconnects by itself; this server's own sockets are served
 * meanwhile. Thrown (as the cause of a failed future) at once, without waiting for a timeout.
 */
public final class ClusterUnavailableException extends ClusterException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what could not be done and why, e.g. {@code "fetchSockets: Redis at 127.0.0.1:6379 is
     *     unreachable since 12:00:03 (Connection refused)"}
     */
    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
