package dev.socketeer.adapter.cluster;

import java.util.List;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;

/** A request to the other servers of a cluster did not get all its answers in time. */
public final class ClusterRequestTimeoutException extends TimeoutException {

    private static final long serialVersionUID = 1L;
    private final transient List<JsonNode> partial;

    /**
     * @param message what was waited for, e.g. {@code "timeout reached: only 1 responses received out of 2"}
     * @param partial the answers that did arrive
     */
    public ClusterRequestTimeoutException(String message, List<JsonNode> partial) {
        super(message);
        this.partial = List.copyOf(partial);
    }

    /** The answers that arrived before the timeout. */
    public List<JsonNode> partial() {
        return partial;
    }
}
