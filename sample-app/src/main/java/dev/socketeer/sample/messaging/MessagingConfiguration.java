package dev.socketeer.sample.messaging;

import dev.socketeer.handler.SocketIoMiddleware;
import dev.socketeer.server.ConnectionMiddleware;
import dev.socketeer.server.ConnectionRefusedException;
import dev.socketeer.server.Socket;
import java.net.URI;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stores (Redis when the app runs on the Redis adapter, so that every node sees every session and message;
 * in memory otherwise) and the connection middleware that finds or creates the session.
 */
@Configuration(proxyBeanMethods = false)
public class MessagingConfiguration {

    /** The namespace of the sample: its own, so that it never meets the chat's sockets. */
    public static final String NAMESPACE = "/private-messaging";

    /** Session ids are secrets: a DRBG, seeded here once, then pure computation (no read on an event loop). */
    private static final SecureRandom RANDOM = drbg();

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "socketio.adapter.type", havingValue = "redis")
    static class RedisStoresConfiguration {

        @Bean
        SessionStore sessionStore(ReactiveStringRedisTemplate redis) {
            return new RedisStores.Sessions(redis);
        }

        @Bean
        MessageStore messageStore(ReactiveStringRedisTemplate redis, JsonMapper json) {
            return new RedisStores.Messages(redis, json);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("'${socketio.adapter.type:memory}' != 'redis'")
    static class InMemoryStoresConfiguration {

        @Bean
        SessionStore sessionStore() {
            return new InMemoryStores.Sessions();
        }

        @Bean
        MessageStore messageStore() {
            return new InMemoryStores.Messages();
        }
    }

    /** The page: {@code /private-messaging/} (its scripts and styles are static resources next to it). */
    @Bean
    RouterFunction<ServerResponse> privateMessagingPage() {
        Resource page = new ClassPathResource("static/private-messaging/index.html");
        return RouterFunctions.route()
                .GET("/private-messaging", request -> ServerResponse.permanentRedirect(
                        URI.create("/private-messaging/")).build())
                .GET("/private-messaging/", request -> ServerResponse.ok().contentType(MediaType.TEXT_HTML)
                        .bodyValue(page))
                .build();
    }

    /**
     * A returning browser sends its {@code sessionID}: the session found in the store is restored. A new one sends a
     * {@code username}: a session with fresh random ids is created. Anything else is refused.
     */
    @Bean
    SocketIoMiddleware privateMessagingSessions(SessionStore sessions) {
        return new SocketIoMiddleware() {
            @Override
            public void apply(Socket socket, ConnectionMiddleware.Next next) {
                JsonNode auth = socket.handshake().auth();
                String sessionID = text(auth, "sessionID");
                String username = text(auth, "username");
                if (sessionID == null) {
                    create(socket, username, next);
                    return;
                }
                sessions.findSession(sessionID).map(Optional::of).defaultIfEmpty(Optional.empty())
                        .subscribe(found -> {
                            if (found.isPresent()) {
                                attach(socket, found.get());
                                next.proceed();
                            } else {
                                create(socket, username, next); // expired or unknown: a new session
                            }
                        }, error -> next.refuse(new ConnectionRefusedException("session store unavailable")));
            }

            @Override
            public Set<String> namespaces() {
                return Set.of(NAMESPACE);
            }
        };
    }

    private static void create(Socket socket, String username, ConnectionMiddleware.Next next) {
        if (username == null || username.isBlank() || username.length() > 32) {
            next.refuse(new ConnectionRefusedException("invalid username"));
            return;
        }
        attach(socket, new ChatSession(randomId(), randomId(), username.strip(), true));
        next.proceed();
    }

    private static void attach(Socket socket, ChatSession session) {
        socket.data().put("sessionID", session.sessionID());
        socket.data().put("userID", session.userID());
        socket.data().put("username", session.username());
    }

    private static String text(JsonNode auth, String field) {
        JsonNode value = auth == null ? null : auth.get(field);
        return value != null && value.isString() && !value.asString().isEmpty() ? value.asString() : null;
    }

    private static SecureRandom drbg() {
        try {
            SecureRandom random = SecureRandom.getInstance("DRBG");
            random.nextInt();
            return random;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String randomId() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
