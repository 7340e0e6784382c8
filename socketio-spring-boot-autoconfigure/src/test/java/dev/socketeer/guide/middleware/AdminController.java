package dev.socketeer.guide.middleware;

import dev.socketeer.annotation.OnConnect;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.server.Socket;

@SocketIoController(namespace = "/admin")
class AdminController {

    @OnConnect
    void connected(Socket socket) {
        socket.emit("hello", socket.data().get("user"));     // set by the authenticate middleware
    }
}
