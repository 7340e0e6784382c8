package dev.socketeer.server;

import java.util.List;
import tools.jackson.databind.JsonNode;

/** Receives one event of a socket. Called on the connection's event loop: must not block. */
@FunctionalInterface
public interface EventListener {

    /**
     * @param args the event arguments (binary attachments are {@code BinaryNode}s)
     * @param ack the acknowledgement to send, or {@code null} when the client asked for none
     */
    void onEvent(List<JsonNode> args, Ack ack);
}
