package dev.socketeer.guide.gettingstarted;

import dev.socketeer.annotation.OnConnect;
import dev.socketeer.annotation.OnEvent;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.server.Socket;

@SocketIoController
public class ChatController {

    @OnConnect
    void welcome(Socket socket) {
        socket.emit("welcome", "Hello, " + socket.id());
    }

    @OnEvent("chat message")
    String chatMessage(Socket socket, String text) {
        socket.broadcast().emit("chat message", text);   // to every other client, on every node
        return "received";                                // answers the sender's acknowledgement
    }
}
