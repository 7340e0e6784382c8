package dev.socketeer.adapter;

/**
 * A cluster-wide operation could not be done because of the cluster itself (its backend, or the
 * other servers), not because of the application: catch this type to tell cluster trouble apart
 * from your own errors. Local delivery is never affected by it.
 */
public abstract sealed class ClusterException extends RuntimeException
        permits ClusterUnavailableException, ClusterRequestTimeoutException {

    private static final long serialVersionUID = 1L;

    ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
