package dev.socketeer.sample.chat;

import dev.socketeer.annotation.NonBlocking;
import dev.socketeer.annotation.OnConnect;
import dev.socketeer.annotation.OnDisconnect;
import dev.socketeer.annotation.OnEvent;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.server.Socket;
import dev.socketeer.server.SocketIoServer;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.context.annotation.Profile;

/**
 * The tutorial chat on the main namespace: chat in the {@code lobby} room, with "is typing" notices, the list of who
 * is online, and the last messages replayed on joining. Events from the page: {@code chat message(text)},
 * {@code typing}, {@code stop typing}; to it: {@code history}, {@code chat message}, {@code typing},
 * {@code stop typing}, {@code online} ({@code {version, names}}), {@code direct message}.
 *
 * <p>Who a socket is comes from its signed token, checked by {@link ChatAuthentication} before it connects; the
 * handlers read the nickname from {@code socket.data()}. Each socket also joins the room {@code user:<nickname>},
 * which {@link UserMessagesController} addresses on whichever node the user is connected.
 *
 * <p>With connection state recovery on (profile {@code streams}), a socket that dropped comes back with its id,
 * rooms and {@code socket.data()}, and the events it missed are replayed to it before {@code @OnConnect} runs again:
 * {@link #joined} then only updates the online list. A socket that could not recover is a new one and gets the whole
 * history, as on a first connection (the tutorial's "server delivery" fallback).
 *
 * <p>{@code @NonBlocking}: every method here only emits, joins rooms and starts asynchronous calls, so it runs on the
 * event loop without a hop to the handler executor per event (the sample's tests run with BlockHound, which fails
 * them on any blocking call there).
 *
 * <p>The online list is sent whole, with a version taken before the sockets are fetched: when two users join at the
 * same moment, the two fetches may complete (and their broadcasts arrive) in either order, and the page keeps only
 * the newest version, so a list computed before the last join never replaces one computed after it.
 */
@SocketIoController
@NonBlocking
@Profile("!conformance")
class ChatController {

    static final String ROOM = "lobby";
    static final int HISTORY = 100;

    /** Strictly increasing; microseconds of the wall clock so that lists from several nodes order sensibly. */
    private final AtomicLong onlineVersion = new AtomicLong();
    private final SocketIoServer server;
    private final ChatHistory history;

    ChatController(SocketIoServer server, ChatHistory history) {
        this.server = server;
        this.history = history;
    }

    @OnConnect
    void joined(Socket socket) {
        if (socket.recovered()) {
            // connection state recovery (profile "streams": on any node): the socket is back with its id, rooms and
            // nickname, and the messages it missed were sent to it before this call; a history now would repeat them
            broadcastOnline();
            return;
        }
        // the page waits for 'history': once it has it, the socket is in its rooms (on every node)
        socket.join(ROOM, Nicknames.room(nickname(socket))).thenRun(() -> history.last().subscribe(past -> {
            socket.emit("history", past);
            broadcastOnline();
        }, error -> {
            socket.emit("history", List.of());
            broadcastOnline();
        }));
    }

    @OnEvent("chat message")
    void message(Socket socket, String text) {
        if (text == null || text.isBlank()) {
            return;
        }
        ChatMessage message = ChatMessage.of(nickname(socket), text);
        history.add(message).subscribe();
        server.to(ROOM).emit("chat message", message);
    }

    @OnEvent("typing")
    void typing(Socket socket) {
        socket.to(ROOM).emit("typing", nickname(socket));
    }

    @OnEvent("stop typing")
    void stopTyping(Socket socket) {
        socket.to(ROOM).emit("stop typing", nickname(socket));
    }

    /** Returns the online-list update: a node shutting down waits for it before it leaves the cluster. */
    @OnDisconnect
    CompletableFuture<Void> left(Socket socket) {
        stopTyping(socket);
        return broadcastOnline();
    }

    private static String nickname(Socket socket) {
        return (String) socket.data().get(ChatAuthentication.NICKNAME);
    }

    private CompletableFuture<Void> broadcastOnline() {
        long version = onlineVersion.updateAndGet(last -> Math.max(last + 1, System.currentTimeMillis() * 1000));
        return server.in(ROOM).fetchSockets().thenAccept(sockets -> {
            TreeSet<String> names = new TreeSet<>();
            sockets.forEach(remote -> {
                Object name = remote.data().get(ChatAuthentication.NICKNAME);
                if (name != null) {
                    names.add(name.toString());
                }
            });
            server.to(ROOM).emit("online", Map.of("version", version, "names", List.copyOf(names)));
        });
    }
}
