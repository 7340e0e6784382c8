package dev.socketeer.guide.handlers;

import dev.socketeer.annotation.OnConnect;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.annotation.SocketIoControllerAdvice;
import dev.socketeer.annotation.SocketIoExceptionHandler;
import dev.socketeer.server.Namespace;
import dev.socketeer.server.Socket;
import java.util.Map;

@SocketIoController(namespacePattern = "^/room-\\d+$")
class RoomController {

    @OnConnect
    void entered(Socket socket, Namespace room) {           // room.name() is "/room-42" for io("/room-42")
        socket.emit("welcome", room.name(), room.sockets().size());
    }
}

@SocketIoControllerAdvice
class GlobalErrors {

    @SocketIoExceptionHandler(IllegalArgumentException.class)  // for every controller without its own handler
    Map<String, String> badArgument(IllegalArgumentException error) {
        return Map.of("error", error.getMessage());               // answers the client's acknowledgement
    }
}
