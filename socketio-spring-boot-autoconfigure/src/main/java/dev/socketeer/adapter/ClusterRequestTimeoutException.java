package dev.socketeer.adapter;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A request to the other servers of a cluster ({@code fetchSockets}, {@code allRooms},
 * {@code serverCount}...) did not get all its answers within the requests timeout, whatever the
 * backend was doing meanwhile (answering slowly, stalled, dying). {@code serverSideEmitWithAck}
 * reports the same situation as {@link AckTimeoutException}, as the reference server does.
 */
public final class ClusterRequestTimeoutException extends ClusterException {

    private static final long serialVersionUID = 1L;
    private final transient List<JsonNode> partial;

    /**
     * @param message what was waited for, e.g. {@code "fetchSockets: timeout reached: only 1 responses received
     *     out of 2"}
     * @param partial the answers that did arrive
     */
    public ClusterRequestTimeoutException(String message, List<JsonNode> partial) {
        super(message, null);
        this.partial = List.copyOf(partial);
    }

    /** The answers that arrived before the timeout. */
    public List<JsonNode> partial() {
        return partial;
    }
}
