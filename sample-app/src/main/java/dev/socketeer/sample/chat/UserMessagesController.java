package dev.socketeer.sample.chat;

import dev.socketeer.server.SocketIoServer;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Pushes a message to a chat user wherever they are connected: every socket of a user is in the room
 * {@code user:<nickname>}, and the broadcast crosses nodes through the adapter (profiles {@code redis},
 * {@code postgres}). Only sockets that proved the nickname with a signed token join that room
 * ({@link ChatAuthentication}), so the push reaches that user and nobody else. This endpoint itself is open, as the
 * sample has no operators to sign in: an application would guard it (Spring Security, see the guide).
 * {@code POST /api/users/{name}/messages} with {@code {"text": "..."}} → the event {@code direct message}
 * ({@code {nickname: "server", text, time}}) on the user's sockets; 202, whether or not the user is online.
 */
@RestController
@Profile("!conformance")
class UserMessagesController {

    static final String SENDER = "server";

    private final SocketIoServer server;

    UserMessagesController(SocketIoServer server) {
        this.server = server;
    }

    record DirectMessage(String text) {
    }

    @PostMapping("/api/users/{name}/messages")
    @ResponseStatus(HttpStatus.ACCEPTED)
    void push(@PathVariable String name, @RequestBody DirectMessage message) {
        String text = message.text() == null ? "" : message.text();
        server.to(Nicknames.room(name)).emit("direct message", ChatMessage.of(SENDER, text));
    }
}
