package dev.socketeer.guide.rooms;

import dev.socketeer.adapter.AckTimeoutException;
import dev.socketeer.server.Socket;
import dev.socketeer.server.SocketIoServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

@Service
class Notifications {

    private final SocketIoServer server;

    Notifications(SocketIoServer server) {
        this.server = server;
    }

    void broadcasts() {
        server.emit("announcement", "maintenance at 6pm");                               // every client of "/"
        server.to("room-1").except("muted").emit("news", Map.of("title", "hello"));      // rooms and exclusions
        server.of("/chat").to("room-1", "room-2").emit("news", "in either room, sent once");
        server.of("/chat").asVolatile().emit("tick", System.currentTimeMillis());          // may be dropped
        server.local().emit("node-only", "clients of this node only");                   // not across the cluster
    }

    void utilities() {
        server.of("/chat").in("room-1").fetchSockets()
                .thenAccept(sockets -> sockets.forEach(s -> s.emit("hi")));
        server.of("/chat").in("room-1").socketsJoin("room-2");
        server.of("/chat").in("room-2").socketsLeave("room-1");
        server.of("/chat").in("room-2").disconnectSockets(false);
    }

    /** Asks one client and waits at most five seconds for its answer. */
    CompletableFuture<Boolean> confirm(Socket socket, String orderId) {
        return socket.timeout(Duration.ofSeconds(5)).emitWithAck("confirm", orderId)
                .thenApply(answer -> answer.get(0).asBoolean());
    }

    /** Asks every client of a room; the answers of those who replied in time, one per client. */
    CompletableFuture<List<JsonNode>> poll(String room, String question, Duration timeout) {
        return server.to(room).timeout(timeout).emitWithAck("poll", question)
                .exceptionally(error -> {
                    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                    if (cause instanceof AckTimeoutException late) {
                        return late.responses();         // someone did not answer: keep the answers that came
                    }
                    throw new CompletionException(cause);
                });
    }
}
