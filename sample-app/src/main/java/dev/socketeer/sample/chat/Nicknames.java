package dev.socketeer.sample.chat;

import dev.socketeer.server.SocketIoServer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * Who holds a nickname: every socket of a user is in the room {@code user:<nickname>} and carries its chat session in
 * {@code socket.data()}, so a nickname is taken while a socket of another session is in that room, on any node.
 */
@Component
@Profile("!conformance")
class Nicknames {

    static final String USER_ROOM_PREFIX = "user:";
    static final int MAX_LENGTH = 32;
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private final SocketIoServer server;

    Nicknames(SocketIoServer server) {
        this.server = server;
    }

    /** The room of every socket of a user. */
    static String room(String nickname) {
        return USER_ROOM_PREFIX + nickname;
    }

    /** The nickname as shown, or empty when it cannot be one (blank, too long, control characters, reserved). */
    static Optional<String> normalize(String raw) {
        String name = raw == null ? "" : raw.strip();
        if (name.isEmpty() || name.length() > MAX_LENGTH || CONTROL.matcher(name).find()
                || name.equalsIgnoreCase(UserMessagesController.SENDER)) {
            return Optional.empty();
        }
        return Optional.of(name);
    }

    /** Whether a socket of another session than {@code session} is connected under the nickname, on any node. */
    CompletableFuture<Boolean> heldByAnother(String nickname, String session) {
        return server.in(room(nickname)).fetchSockets().thenApply(sockets -> sockets.stream()
                .anyMatch(socket -> !session.equals(socket.data().get(ChatAuthentication.SESSION))));
    }
}
