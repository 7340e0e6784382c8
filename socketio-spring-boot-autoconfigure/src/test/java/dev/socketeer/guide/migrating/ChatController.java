package dev.socketeer.guide.migrating;

import dev.socketeer.annotation.OnConnect;
import dev.socketeer.annotation.OnDisconnect;
import dev.socketeer.annotation.OnEvent;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.server.Socket;

record ChatObject(String userName, String message) {}

@SocketIoController(namespace = "/chat")
class ChatController {

    @OnConnect
    void onConnect(Socket client) {
        client.join("lobby");
    }

    @OnEvent("chatevent")
    String onChat(Socket client, ChatObject data) {
        client.to("lobby").emit("chatevent", data);
        return "ok";                                         // was ackRequest.sendAckData("ok")
    }

    @OnDisconnect
    void onDisconnect(Socket client) {
    }
}
