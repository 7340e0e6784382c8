package dev.socketeer.sample.chat;

import dev.socketeer.autoconfigure.SocketIoServerCustomizer;
import dev.socketeer.server.Socket;
import dev.socketeer.server.SocketIoServer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import tools.jackson.databind.JsonNode;

/**
 * The tutorial chat on the main namespace: pick a nickname, then chat in the {@code lobby} room,
 * with "is typing" notices, the list of who is online, and the last messages replayed on joining.
 * Events: {@code join(nickname)}, {@code chat message(text)}, {@code typing}, {@code stop typing}
 * from the page; {@code history}, {@code chat message}, {@code typing}, {@code stop typing},
 * {@code online} ({@code {version, names}}), {@code direct message} to it. Each socket also joins the room
 * {@code user:<nickname>}, which {@link UserMessagesController} addresses on whichever node the user is connected.
 *
 * <p>The page sends its nickname in the handshake ({@code auth: {nickname}}) and is joined by the connection
 * listener itself. It used to emit {@code join} on {@code connect}; but the client sees {@code connect} as soon as
 * the CONNECT packet is written, which happens before the connection listeners run (and register the {@code join}
 * listener), so on a loaded machine that {@code join} could be read first and dropped, leaving the user out of the
 * room and every online list (the likely cause of a rare {@code ChatBrowserTest} timeout). The {@code join}
 * event stays for clients that pick a name after connecting.
 *
 * <p>The online list is sent whole, with a version taken before the sockets are fetched: when two users join at
 * the same moment, the two fetches may complete (and their broadcasts arrive) in either order, and the page keeps
 * only the newest version, so a list computed before the last join never replaces one computed after it.
 */
@Configuration(proxyBeanMethods = false)
@Profile("!conformance")
public class ChatConfiguration {

    static final String ROOM = "lobby";
    static final int HISTORY = 100;
    static final String USER_ROOM_PREFIX = "user:";

    /** Strictly increasing; microseconds of the wall clock so that lists from several nodes order sensibly. */
    private final AtomicLong onlineVersion = new AtomicLong();

    private final Deque<Map<String, Object>> history = new ArrayDeque<>();

    @Bean
    SocketIoServerCustomizer chat() {
        return server -> server.onConnection(socket -> {
            socket.on("join", (args, ack) -> join(server, socket, text(args)));
            JsonNode handshakeName = socket.handshake().auth().get("nickname");
            if (handshakeName != null && handshakeName.isString()) {
                // the page sends its nickname in the handshake: joined here, nothing to send right after connecting
                join(server, socket, handshakeName.asString());
            }
            socket.on("chat message", (args, ack) -> {
                String nickname = (String) socket.data().get("nickname");
                String text = text(args);
                if (nickname == null || text.isBlank()) {
                    return;
                }
                Map<String, Object> message = Map.of("nickname", nickname,
                        "text", text.length() > 1000 ? text.substring(0, 1000) : text,
                        "time", System.currentTimeMillis());
                synchronized (history) {
                    history.addLast(message);
                    if (history.size() > HISTORY) {
                        history.removeFirst();
                    }
                }
                server.to(ROOM).emit("chat message", message);
            });
            socket.on("typing", (args, ack) -> notice(socket, "typing"));
            socket.on("stop typing", (args, ack) -> notice(socket, "stop typing"));
            socket.onDisconnect((s, reason) -> {
                if (s.data().containsKey("nickname")) {
                    notice(s, "stop typing");
                    broadcastOnline(server);
                }
            });
        });
    }

    private void join(SocketIoServer server, Socket socket, String nickname) {
        String name = nickname.strip();
        if (name.isEmpty() || socket.data().containsKey("nickname")) {
            return;
        }
        socket.data().put("nickname", name.length() > 32 ? name.substring(0, 32) : name);
        socket.join(ROOM);
        socket.join(USER_ROOM_PREFIX + socket.data().get("nickname"));
        List<Map<String, Object>> past;
        synchronized (history) {
            past = new ArrayList<>(history);
        }
        socket.emit("history", past);
        broadcastOnline(server);
    }

    private static void notice(Socket socket, String event) {
        Object nickname = socket.data().get("nickname");
        if (nickname != null) {
            socket.to(ROOM).emit(event, nickname);
        }
    }

    private void broadcastOnline(SocketIoServer server) {
        long version = onlineVersion.updateAndGet(last -> Math.max(last + 1, System.currentTimeMillis() * 1000));
        server.in(ROOM).fetchSockets().thenAccept(sockets -> {
            TreeSet<String> names = new TreeSet<>();
            sockets.forEach(remote -> {
                Object name = remote.data().get("nickname");
                if (name != null) {
                    names.add(name.toString());
                }
            });
            server.to(ROOM).emit("online", Map.of("version", version, "names", List.copyOf(names)));
        });
    }

    private static String text(List<JsonNode> args) {
        return args.isEmpty() || args.get(0) == null || !args.get(0).isString() ? "" : args.get(0).asString();
    }
}
