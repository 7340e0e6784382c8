package dev.socketeer.guide.handlers;

import dev.socketeer.annotation.OnEvent;
import dev.socketeer.annotation.Payload;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.handler.AckArgs;
import dev.socketeer.server.Socket;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

@SocketIoController("/echo")
class EchoController {

    @OnEvent("echo")                                  // socket.on("echo", (...args) => socket.emit("echo", ...args))
    void echo(Socket socket, JsonNode... args) {
        socket.emit("echo", (Object[]) args);        // binaries stay binaries
    }

    @OnEvent("echo-ack")                              // any number of arguments back to the callback
    AckArgs echoAck(JsonNode... args) {
        return AckArgs.of((Object[]) args);
    }

    @OnEvent("tag")                                   // socket.emit("tag", "photo-1", "cat", "tabby", callback)
    String tag(String item, String... tags) {
        return item + ": " + String.join(", ", tags);
    }

    @OnEvent("search")                                // "text" is required; the other two may be left out
    String search(String text, Optional<Integer> limit, @Nullable String sort,
            @Payload(required = false) boolean exact) {
        return text + " " + limit.orElse(10) + " " + (sort == null ? "relevance" : sort) + " " + exact;
    }
}
