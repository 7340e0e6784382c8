package dev.socketeer.guide.handlers;

import dev.socketeer.annotation.OnConnect;
import dev.socketeer.annotation.OnDisconnect;
import dev.socketeer.annotation.OnEvent;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.annotation.SocketIoExceptionHandler;
import dev.socketeer.handler.DisconnectReason;
import dev.socketeer.server.Socket;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.security.Principal;
import reactor.core.publisher.Mono;

record ChatMessage(@NotBlank String text) {}
record MessageAck(String id) {}

@SocketIoController(namespace = "/chat")
class ChatController {

    @OnConnect
    void joined(Socket socket, Principal user) {
        socket.join(user == null ? "guests" : user.getName());
    }

    @OnEvent("chat message")                       // the return value answers the client's ack
    MessageAck send(Socket socket, @Valid ChatMessage message) {
        socket.broadcast().emit("chat message", message);
        return new MessageAck(socket.id());
    }

    @OnEvent("uppercase")                          // reactive: invoked on the event loop, never blocked on
    Mono<String> uppercase(String text) {
        return Mono.just(text.toUpperCase());
    }

    @SocketIoExceptionHandler
    String onBadState(IllegalStateException error) {  // its return value answers the ack
        return "try again later";
    }

    @OnDisconnect
    void left(Socket socket, DisconnectReason reason) {
    }
}
