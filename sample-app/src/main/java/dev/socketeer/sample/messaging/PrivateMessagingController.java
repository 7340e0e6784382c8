package dev.socketeer.sample.messaging;

import dev.socketeer.annotation.OnConnect;
import dev.socketeer.annotation.OnDisconnect;
import dev.socketeer.annotation.OnEvent;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.server.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * The server side of the private-messaging guide (part IV): each socket joins the room named after its user, so that
 * a message to a user reaches every tab of theirs on every node, and the sender's other tabs too. The methods
 * return {@code Mono}s: they run on the event loop and wait for the stores without blocking it.
 */
@SocketIoController(MessagingConfiguration.NAMESPACE)
class PrivateMessagingController {

    /** What a client sends: {@code socket.emit("private message", { content, to })}. */
    record Outgoing(String content, String to) {
    }

    /** One entry of the {@code users} list: a user, whether they are online, and the conversation with them. */
    record User(String userID, String username, boolean connected, List<PrivateMessage> messages) {
    }

    private final SessionStore sessions;
    private final MessageStore messages;

    PrivateMessagingController(SessionStore sessions, MessageStore messages) {
        this.sessions = sessions;
        this.messages = messages;
    }

    @OnConnect
    Mono<Void> connected(Socket socket) {
        ChatSession session = session(socket, true);
        socket.emit("session", Map.of("sessionID", session.sessionID(), "userID", session.userID()));
        return Mono.fromFuture(socket.join(session.userID()))
                .then(sessions.saveSession(session))
                .then(Mono.zip(sessions.findAllSessions().collectList(),
                        messages.findMessagesForUser(session.userID()).collectList()))
                .doOnNext(found -> {
                    socket.emit("users", users(session.userID(), found.getT1(), found.getT2()));
                    socket.broadcast().emit("user connected",
                            new User(session.userID(), session.username(), true, List.of()));
                })
                .then();
    }

    @OnEvent("private message")
    Mono<Void> privateMessage(Socket socket, Outgoing outgoing) {
        String from = (String) socket.data().get("userID");
        if (outgoing == null || outgoing.content() == null || outgoing.content().isBlank()
                || outgoing.content().length() > 2000 || outgoing.to() == null || outgoing.to().isBlank()) {
            return Mono.empty();
        }
        PrivateMessage message = new PrivateMessage(outgoing.content(), from, outgoing.to());
        socket.to(outgoing.to(), from).emit("private message", message); // the recipient's tabs and the sender's others
        return messages.saveMessage(message);
    }

    @OnDisconnect
    Mono<Void> disconnected(Socket socket) {
        ChatSession session = session(socket, false);
        return Mono.fromFuture(socket.namespace().in(session.userID()).allSockets())
                .flatMap(remaining -> {
                    if (!remaining.isEmpty()) {
                        return Mono.empty(); // another tab of this user is still connected, on some node
                    }
                    socket.namespace().emit("user disconnected", session.userID());
                    return sessions.saveSession(session);
                });
    }

    private static ChatSession session(Socket socket, boolean connected) {
        return new ChatSession((String) socket.data().get("sessionID"), (String) socket.data().get("userID"),
                (String) socket.data().get("username"), connected);
    }

    /** Every known user (this one included) with the messages exchanged with them, in order. */
    private static List<User> users(String self, List<ChatSession> all, List<PrivateMessage> mine) {
        Map<String, List<PrivateMessage>> byPeer = new LinkedHashMap<>();
        for (PrivateMessage message : mine) {
            String peer = self.equals(message.from()) ? message.to() : message.from();
            byPeer.computeIfAbsent(peer, ignored -> new ArrayList<>()).add(message);
        }
        Map<String, User> users = new LinkedHashMap<>();
        for (ChatSession session : all) {
            users.merge(session.userID(), new User(session.userID(), session.username(), session.connected(),
                    byPeer.getOrDefault(session.userID(), List.of())), (a, b) -> a.connected() ? a : b);
        }
        return List.copyOf(users.values());
    }
}
