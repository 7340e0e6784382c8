package dev.socketeer.engine;

import dev.socketeer.protocol.engineio.EngineCodec;
import dev.socketeer.protocol.engineio.EnginePacketType;
import java.util.ArrayList;
import java.util.List;

/** HTTP long-polling: at most one pending GET holds the next payload; at most one POST at a time. */
final class PollingTransport implements Transport {

    static final String TEXT = "text/plain; charset=UTF-8";

    private PollingExchange pendingGet;
    private boolean dataInProgress;
    private long lastPollNanos = System.nanoTime();

    @Override
    public String name() {
        return "polling";
    }

    @Override
    public boolean writable() {
        return pendingGet != null;
    }

    PollingExchange pendingGet() {
        return pendingGet;
    }

    void pendingGet(PollingExchange exchange) {
        pendingGet = exchange;
    }

    /** When the client last polled ({@link System#nanoTime()}), or the transport was made. */
    long lastPollNanos() {
        return lastPollNanos;
    }

    void lastPollNanos(long nanos) {
        lastPollNanos = nanos;
    }

    boolean dataInProgress() {
        return dataInProgress;
    }

    void dataInProgress(boolean inProgress) {
        dataInProgress = inProgress;
    }

    @Override
    public void send(List<Outbound> packets, boolean compress) {
        PollingExchange exchange = pendingGet;
        pendingGet = null;
        List<byte[]> encoded = new ArrayList<>(packets.size());
        for (Outbound packet : packets) {
            encoded.add(packet.pollingBytes());
        }
        exchange.respond(200, TEXT, EngineCodec.encodePayload(encoded), compress);
    }

    /** Answers a pending GET with one control packet, if there is one. */
    void sendControl(EnginePacketType type) {
        if (pendingGet != null) {
            send(List.of(Outbound.control(type, "")), false);
        }
    }

    @Override
    public void close() {
        sendControl(EnginePacketType.CLOSE);
    }
}
