package dev.socketeer.guide.handlers;

import dev.socketeer.annotation.EventName;
import dev.socketeer.annotation.HandshakeAuth;
import dev.socketeer.annotation.HandshakeQuery;
import dev.socketeer.annotation.OnAnyEvent;
import dev.socketeer.annotation.OnConnect;
import dev.socketeer.annotation.OnDisconnecting;
import dev.socketeer.annotation.OnEvent;
import dev.socketeer.annotation.Payload;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.handler.AckArgs;
import dev.socketeer.handler.SocketIoEventException;
import dev.socketeer.server.Ack;
import dev.socketeer.server.Socket;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

@SocketIoController(namespace = "/files")
class FilesController {

    private static final Logger log = LoggerFactory.getLogger(FilesController.class);

    @OnConnect
    void connected(Socket socket, @HandshakeAuth("team") String team, @HandshakeQuery("lang") String lang) {
        socket.join("team:" + team);                          // client: io("/files?lang=en", { auth: { team } })
        socket.join("lang:" + (lang == null ? "en" : lang));
    }

    @OnEvent("upload")                                        // socket.emit("upload", "a.png", buffer, callback)
    AckArgs upload(String name, byte[] content) {
        if (content.length > 1_000_000) {
            throw new SocketIoEventException("too large", Map.of("limit", 1_000_000));
        }
        return AckArgs.of(null, name, content.length);      // the callback gets (null, "a.png", 1234)
    }

    @OnEvent("rename")                                        // socket.emit("rename", "a.png", "b.png", callback)
    void rename(@Payload(1) String to, @Payload(0) String from, Ack ack) {
        ack.send("renamed " + from + " to " + to);            // answered by hand: the return value is not sent
    }

    @OnEvent("list")                                          // a Flux answers with one list of all its values
    Flux<String> list() {
        return Flux.fromIterable(List.of("a.png", "b.png"));
    }

    @OnAnyEvent
    void audit(Socket socket, @EventName String event) {
        log.info("{} sent {}", socket.id(), event);
    }

    @OnDisconnecting                                          // still in its rooms, unlike @OnDisconnect
    void leaving(Socket socket) {
        socket.to(socket.rooms().toArray(String[]::new)).emit("member left", socket.id());
    }
}
