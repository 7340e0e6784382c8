package dev.socketeer.engine;

import dev.socketeer.protocol.engineio.EnginePacket;

/**
 * Serves requests for sessions that live on another node of a cluster, so that a load balancer needs no sticky
 * sessions: {@link EngineServer} hands it each polling request, and each WebSocket upgrade, naming a session this
 * node does not hold, instead of refusing it at once. The node that holds the session serves it through
 * {@link EngineServer#lendPoll}, {@link EngineServer#acceptsRemoteData}, {@link EngineServer#receiveRemoteData},
 * {@link EngineServer#lendUpgrade}, {@link EngineServer#relayUpgraded} and {@link EngineServer#closeRemote}.
 * Requests for sessions held here never reach it.
 *
 * <p>Implementations must not block: they are called on the event loop that read the request.
 */
@FunctionalInterface
public interface SessionForwarder {

    /**
     * Serves {@code exchange}, a polling request for session {@code sid} that this node does not hold, through the
     * node that holds it; or calls {@code unknown} (which answers {@code 400 Session ID unknown}) when no node
     * does, or the session cannot take the request now.
     */
    void forward(String sid, EngineRequest request, PollingExchange exchange, Runnable unknown);

    /**
     * A WebSocket opened here to upgrade session {@code sid}, which another node holds: asks that node for the
     * upgrade and calls {@link ForwardedUpgrade#granted} with what carries the traffic there, or
     * {@link ForwardedUpgrade#refused}. By default every such upgrade is refused (the client stays on long-polling).
     */
    default void forwardUpgrade(String sid, EngineRequest request, ForwardedUpgrade upgrade) {
        upgrade.refused();
    }

    /** What carries a forwarded WebSocket's traffic to the node holding its session. Must not block. */
    interface Relay {

        /**
         * The client sent the {@code upgrade} packet: the session's node is asked to switch to this WebSocket, and
         * answers through {@link ForwardedUpgrade#completed} (or {@link ForwardedUpgrade#failed} when it does not).
         */
        void upgraded();

        /**
         * The WebSocket went away, or the client gave up, before the upgrade packet: the session's node stops
         * holding the session for it (it stays on long-polling there).
         */
        void abandoned();

        /** A packet the client sent on the WebSocket after the upgrade, in order. */
        void packet(EnginePacket packet);

        /** The WebSocket is gone after the upgrade ({@code "transport close"}, {@code "transport error"}). */
        void close(String reason);
    }
}
