package dev.socketeer.sample.chat;

import dev.socketeer.handler.SocketIoMiddleware;
import dev.socketeer.server.ConnectionMiddleware;
import dev.socketeer.server.ConnectionRefusedException;
import dev.socketeer.server.Socket;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Lets a socket in only with a valid chat token in its {@code auth} payload ({@code {token}}, from
 * {@code POST /api/session}), and only while no other session holds the nickname; the nickname and the session then
 * live in {@code socket.data()}, where the handlers read them. Whatever the client claims about itself is ignored:
 * a client without a valid token gets {@code connect_error} "unauthorized", one whose nickname is held by another
 * session "nickname taken". A reconnection of the same session (same token) is let in even while the server still
 * sees its previous connection.
 */
@Component
@Profile("!conformance")
class ChatAuthentication implements SocketIoMiddleware {

    static final String NICKNAME = "nickname";
    static final String SESSION = "session";

    private final ChatTokens tokens;
    private final Nicknames nicknames;

    ChatAuthentication(ChatTokens tokens, Nicknames nicknames) {
        this.tokens = tokens;
        this.nicknames = nicknames;
    }

    /** The chat's namespace only: the private-messaging sample has its own sessions. */
    @Override
    public Set<String> namespaces() {
        return Set.of("/");
    }

    @Override
    public void apply(Socket socket, ConnectionMiddleware.Next next) {
        JsonNode token = socket.handshake().auth().get("token");
        Optional<ChatTokens.ChatUser> user = token != null && token.isString() ? tokens.verify(token.asString())
                : Optional.empty();
        if (user.isEmpty()) {
            next.refuse(new ConnectionRefusedException("unauthorized"));
            return;
        }
        String nickname = user.get().nickname();
        String session = user.get().session();
        // asynchronous (the sockets of every node are asked): the event loop is not held while they answer
        nicknames.heldByAnother(nickname, session).whenComplete((taken, error) -> {
            if (error != null) {
                next.refuse(new ConnectionRefusedException("try again later"));
            } else if (taken) {
                next.refuse(new ConnectionRefusedException("nickname taken"));
            } else {
                socket.data().put(NICKNAME, nickname);
                socket.data().put(SESSION, session);
                next.proceed();
            }
        });
    }
}
