package dev.socketeer.guide.rooms;

import dev.socketeer.annotation.OnEvent;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.server.Socket;
import java.util.Set;

@SocketIoController
class GameController {

    @OnEvent("join")
    Set<String> join(Socket socket, String room) {
        socket.join(room);
        socket.to(room).emit("joined", socket.id());     // everyone in the room but this socket
        return socket.rooms();                            // the ack: its rooms, its own id among them
    }

    @OnEvent("leave")
    void leave(Socket socket, String room) {
        socket.leave(room);
    }

    @OnEvent("say")
    void say(Socket socket, String room, String text) {
        socket.to(room).emit("said", socket.id(), text);
    }
}
