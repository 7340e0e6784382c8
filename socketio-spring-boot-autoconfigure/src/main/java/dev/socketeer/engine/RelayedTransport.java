package dev.socketeer.engine;

import dev.socketeer.protocol.engineio.EngineMessage;
import dev.socketeer.protocol.engineio.EnginePacket;
import dev.socketeer.protocol.engineio.EnginePacketType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A WebSocket held by another node of the cluster (sticky sessions off): the client upgraded there, and this node,
 * which holds the session, relays its packets to that node, which writes them to the client. Always writable, as
 * the WebSocket's own backpressure is that node's.
 */
final class RelayedTransport implements Transport {

    private final Consumer<List<EnginePacket>> remote;
    private boolean closeSent;

    RelayedTransport(Consumer<List<EnginePacket>> remote) {
        this.remote = remote;
    }

    @Override
    public String name() {
        return "websocket";
    }

    @Override
    public boolean writable() {
        return !closeSent;
    }

    @Override
    public void send(List<Outbound> packets, boolean compress) {
        if (closeSent) {
            return;
        }
        List<EnginePacket> relayed = new ArrayList<>(packets.size());
        for (Outbound packet : packets) {
            EngineMessage message = packet.message();
            if (message == null) {
                relayed.add(EnginePacket.text(packet.type(), packet.data()));
                closeSent |= packet.type() == EnginePacketType.CLOSE;
            } else {
                relayed.add(message.isBinary() ? EnginePacket.binary(message.binary())
                        : EnginePacket.text(EnginePacketType.MESSAGE, message.text()));
            }
        }
        remote.accept(relayed);
    }

    /** Sends the close packet, unless one went already: the other node writes it and closes the WebSocket. */
    @Override
    public void close() {
        if (!closeSent) {
            send(List.of(Outbound.control(EnginePacketType.CLOSE, "")), false);
        }
    }
}
