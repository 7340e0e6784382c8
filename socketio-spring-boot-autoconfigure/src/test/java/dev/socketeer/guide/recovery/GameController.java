package dev.socketeer.guide.recovery;

import dev.socketeer.annotation.OnConnect;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.server.Socket;

@SocketIoController
class GameController {

    @OnConnect                                    // runs again when a connection is recovered
    void connected(Socket socket) {
        if (socket.recovered()) {
            // same id, rooms and data as before the drop; the missed events were sent before this call
            socket.emit("resumed", socket.data().get("player"));
        } else {
            socket.join("lobby");
            socket.data().put("player", "player-" + socket.id().substring(0, 6));
            socket.emit("welcome", socket.data().get("player"));
        }
    }
}
