package dev.socketeer.adapter;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * An acknowledgement did not arrive in time ({@code "operation has timed out"}); carries the
 * answers that did arrive when several were expected.
 */
public final class AckTimeoutException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<JsonNode> responses;

    public AckTimeoutException(List<JsonNode> responses) {
        super("operation has timed out", null, false, false);
        this.responses = List.copyOf(responses);
    }

    /** The answers received before the timeout. */
    public List<JsonNode> responses() {
        return responses;
    }
}
