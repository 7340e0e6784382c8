package dev.socketeer.adapter;

import dev.socketeer.protocol.socketio.PacketEncoder;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * The narrow view an adapter has of its namespace: the local sockets and a few shared services.
 * Implemented by the server layer, so that adapters never depend on it.
 */
public interface LocalNamespace {

    /** The namespace name, e.g. {@code "/"} or {@code "/chat"}. */
    String name();

    /** The connected local socket with this id, or {@code null}. */
    LocalSocket socket(String id);

    /** Takes the next acknowledgement id of this namespace (shared by emits and broadcasts). */
    long nextAckId();

    /** The packet encoder of the server. */
    PacketEncoder encoder();

    /**
     * Delivers an event that another server emitted with {@code serverSideEmit}.
     *
     * @param args the event name followed by its arguments
     * @param ack receives the local answer, or {@code null} when the sender expects none
     */
    void onServerSideEmit(List<JsonNode> args, Consumer<Object> ack);

    /**
     * Told, for metrics, how many local sockets a broadcast reached. Called once per broadcast by
     * the adapter that wrote it; must be cheap.
     */
    default void broadcastDelivered(int recipients) {
    }

    /**
     * Runs the writes of one fan-out (the same messages to many local sockets). The server layer lets the
     * connections written to from another thread be handed to their event loops together when it ends.
     */
    default void fanOut(Runnable writes) {
        writes.run();
    }

    /** Told that socket {@code id} joined {@code room} on this server (it was not in it); must be cheap. */
    default void roomJoined(String room, String id) {
    }

    /** Told that socket {@code id} left {@code room} on this server; must be cheap. */
    default void roomLeft(String room, String id) {
    }

    /** How long sessions are kept for connection state recovery, or {@code null} when recovery is off. */
    Duration maxDisconnectionDuration();
}
