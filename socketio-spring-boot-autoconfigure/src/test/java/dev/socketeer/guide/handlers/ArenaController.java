package dev.socketeer.guide.handlers;

import dev.socketeer.annotation.Blocking;
import dev.socketeer.annotation.NonBlocking;
import dev.socketeer.annotation.OnConnect;
import dev.socketeer.annotation.OnEvent;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.server.Socket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

@SocketIoController("/arena")
@NonBlocking                                         // every method here runs on the event loop: no hop per event
class ArenaController {

    record Position(double x, double y) {
    }

    private final Map<String, Position> positions = new ConcurrentHashMap<>();

    @OnConnect
    void entered(Socket socket) {
        socket.join("arena");
    }

    @OnEvent("move")                                 // sixty times a second per player
    void move(Socket socket, Position position) {
        positions.put(socket.id(), position);
        socket.to("arena").asVolatile().emit("moved", socket.id(), position);
    }

    @OnEvent("save")
    @Blocking                                        // file I/O: this one runs on the handler executor
    String save(Socket socket) throws IOException {
        Path file = Files.createTempFile("arena-", ".txt");
        Files.writeString(file, String.valueOf(positions.get(socket.id())));
        return file.getFileName().toString();
    }
}
