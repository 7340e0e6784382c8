package dev.socketeer.engine;

import dev.socketeer.protocol.engineio.EngineMessage;
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
            if (packet.message() != null) {
                connection.write(packet.message());
            } else {
                connection.write(packet.frameBytes(), packet.binary());
            }
        }
        connection.flush();
    }

    /** Writes messages straight to the connection, bypassing the socket's write buffer. */
    void send(List<EngineMessage> messages) {
        for (int i = 0, n = messages.size(); i < n; i++) {
            connection.write(messages.get(i));
        }
        connection.flush();
    }

    @Override
    public void close() {
        connection.close();
    }
}
