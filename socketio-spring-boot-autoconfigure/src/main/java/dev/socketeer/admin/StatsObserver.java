package dev.socketeer.admin;

import dev.socketeer.engine.EngineSocket;
import dev.socketeer.server.ServerObserver;

/** Production mode: counts connections, disconnections, packets and bytes per second, nothing else. */
class StatsObserver implements ServerObserver {

    private final AggregatedEvents events;

    StatsObserver(AggregatedEvents events) {
        this.events = events;
    }

    @Override
    public void clientConnected(EngineSocket conn) {
        events.connection();
    }

    @Override
    public void clientClosed(EngineSocket conn, String reason) {
        events.disconnection(reason);
    }

    @Override
    public void messageReceived(int size) {
        events.packetIn(size);
    }

    @Override
    public void packetSent(int size) {
        events.packetOut(size);
    }
}
