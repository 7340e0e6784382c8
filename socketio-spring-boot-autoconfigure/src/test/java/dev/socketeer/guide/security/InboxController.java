package dev.socketeer.guide.security;

import dev.socketeer.annotation.OnConnect;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.server.Socket;
import dev.socketeer.server.SocketIoServer;
import java.security.Principal;
import java.util.Map;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@SocketIoController
class InboxController {

    @OnConnect
    void connected(Socket socket, Principal user) {      // the user Spring Security authenticated
        socket.join("user:" + user.getName());           // a room per user, named by the server, never by the client
    }
}

@RestController
class InboxEndpoint {

    private final SocketIoServer server;

    InboxEndpoint(SocketIoServer server) {
        this.server = server;
    }

    @PostMapping("/api/users/{name}/messages")
    void push(@PathVariable String name, @RequestBody Map<String, String> message) {
        server.to("user:" + name).emit("message", message);    // every tab of that user, on any node
    }
}
