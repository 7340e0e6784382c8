package dev.socketeer.engine;

import dev.socketeer.protocol.engineio.EngineMessage;
import dev.socketeer.protocol.engineio.EnginePacketType;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A transport of one engine socket. Not thread-safe: always used under the socket's lock.
 */
sealed interface Transport permits PollingTransport, WebSocketTransport, RelayedTransport {

    String name();

    /** Whether {@link #send} may be called now. */
    boolean writable();

    /** Writes the packets in one go; only called when {@link #writable()}. */
    void send(List<Outbound> packets, boolean compress);

    /** Ends the transport (answers a pending poll with a close packet, closes a WebSocket). */
    void close();

    /**
     * One outbound packet: a control packet ({@code type} + {@code data}) or a shared message.
     */
    record Outbound(EnginePacketType type, String data, EngineMessage message, boolean compress) {

        static Outbound control(EnginePacketType type, String data) {
            return new Outbound(type, data, null, true);
        }

        static Outbound message(EngineMessage message, boolean compress) {
            return new Outbound(EnginePacketType.MESSAGE, null, message, compress);
        }

        byte[] frameBytes() {
            return message != null ? message.frameBytes() : (type.code() + data).getBytes(StandardCharsets.UTF_8);
        }

        byte[] pollingBytes() {
            return message != null ? message.pollingBytes() : frameBytes();
        }

        /** The length of {@link #pollingBytes()}. */
        int pollingLength() {
            return message != null ? message.pollingBytes().length : pollingBytes().length;
        }

        boolean binary() {
            return message != null && message.isBinary();
        }
    }
}
