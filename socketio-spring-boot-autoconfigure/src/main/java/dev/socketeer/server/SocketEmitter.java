package dev.socketeer.server;

import dev.socketeer.adapter.AckTimeoutException;
import dev.socketeer.adapter.BroadcastFlags;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;

/** Emits to one socket with flags (timeout, volatile, compress); immutable. */
public final class SocketEmitter {

    private final Socket socket;
    private final BroadcastFlags flags;

    SocketEmitter(Socket socket, BroadcastFlags flags) {
        this.socket = socket;
        this.flags = flags;
    }

    public SocketEmitter timeout(Duration timeout) {
        return new SocketEmitter(socket, flags.withTimeout(timeout));
    }

    public SocketEmitter asVolatile() {
        return new SocketEmitter(socket, flags.withVolatile(true));
    }

    public SocketEmitter compress(boolean compress) {
        return new SocketEmitter(socket, flags.withCompress(compress));
    }

    public boolean emit(String event, Object... args) {
        return socket.emit(flags, event, args, null);
    }

    /**
     * Emits and completes with the client's acknowledgement arguments, or fails with
     * {@link AckTimeoutException} when a timeout is set and passes.
     */
    public CompletableFuture<List<JsonNode>> emitWithAck(String event, Object... args) {
        return socket.emitWithAck(flags, event, args);
    }
}
