package dev.socketeer.server;

import dev.socketeer.engine.EngineRequest;
import dev.socketeer.engine.EngineSocket;
import dev.socketeer.engine.EngineSocketListener;
import dev.socketeer.protocol.engineio.EngineMessage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory engine socket that records what the Socket.IO layer sends. */
final class TestEngineSocket implements EngineSocket {

    final List<EngineMessage> sent = new CopyOnWriteArrayList<>();
    volatile EngineSocketListener listener;
    volatile boolean open = true;
    volatile boolean writable = true;
    volatile String closeReason;
    private final String id;

    TestEngineSocket(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String transportName() {
        return "websocket";
    }

    @Override
    public EngineRequest request() {
        return new EngineRequest("/socket.io/?EIO=4&transport=websocket", Map.of("host", List.of("localhost")),
                Map.of("EIO", "4", "transport", "websocket"), null, false, 0L, null, Map.of());
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public boolean isLagging() {
        return !writable;
    }

    @Override
    public long bufferedAmount() {
        return 0;
    }

    @Override
    public void send(EngineMessage message) {
        sent.add(message);
    }

    @Override
    public void send(List<EngineMessage> messages, boolean compress) {
        sent.addAll(messages);
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            closeReason = "forced close";
            listener.onClose(this, "forced close");
        }
    }

    @Override
    public void listener(EngineSocketListener listener) {
        this.listener = listener;
    }

    /** Simulates the client sending a text message. */
    void receive(String text) {
        listener.onMessage(this, text);
    }

    void receive(byte[] binary) {
        listener.onMessage(this, binary);
    }

    /** The text messages sent so far. */
    List<String> texts() {
        return sent.stream().filter(m -> !m.isBinary()).map(EngineMessage::text).toList();
    }

    String lastText() {
        List<String> texts = texts();
        return texts.isEmpty() ? null : texts.get(texts.size() - 1);
    }
}
