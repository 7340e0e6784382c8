package dev.socketeer.engine;

import java.util.List;

/** WebSocket: one packet per frame, written straight to the connection. */
final class WebSocketTransport implements Transport {

    private final EngineWebSocket connection;

    WebSocketTransport(EngineWebSocket connection) {
        this.connection = connection;
    }

    EngineWebSocket connection() {
        return connection;
    }

    @Override
    public String name() {
        return "websocket";
    }

    @Override
    public boolean writable() {
        return true;
    }

    @Override
    public void send(List<Outbound> packets, boolean compress) {
        for (Outbound packet : packets) {
            connection.write(packet.frameBytes(), packet.binary());
        }
        connection.flush();
    }

    @Override
    public void close() {
        connection.close();
    }
}
