package dev.socketeer.guide.middleware;

import dev.socketeer.autoconfigure.SocketIoServerCustomizer;
import dev.socketeer.handler.SocketIoMiddleware;
import dev.socketeer.server.ConnectionMiddleware;
import dev.socketeer.server.ConnectionRefusedException;
import dev.socketeer.server.Socket;
import java.util.Map;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import tools.jackson.databind.JsonNode;

@Configuration
class MiddlewareConfiguration {

    @Bean
    @Order(1)
    SocketIoMiddleware authenticate(TokenVerifier tokens) {    // "/" and every controller's namespace
        return (socket, next) -> {
            JsonNode token = socket.handshake().auth().get("token");
            if (token == null || !token.isString()) {
                next.refuse(new ConnectionRefusedException("unauthorized", Map.of("reason", "no token")));
                return;
            }
            tokens.userOf(token.asString())
                    .doOnNext(user -> socket.data().put("user", user))
                    .hasElement()
                    .subscribe(valid -> {
                        if (valid) {
                            next.proceed();
                        } else {
                            next.refuse(new ConnectionRefusedException("unauthorized"));
                        }
                    }, error -> next.refuse(new ConnectionRefusedException("authentication unavailable")));
        };
    }

    @Bean
    @Order(2)
    SocketIoMiddleware adminsOnly() {
        return new SocketIoMiddleware() {
            @Override
            public void apply(Socket socket, ConnectionMiddleware.Next next) {
                if ("admin".equals(socket.data().get("user"))) {
                    next.proceed();
                } else {
                    next.refuse(new ConnectionRefusedException("admins only"));
                }
            }

            @Override
            public Set<String> namespaces() {
                return Set.of("/admin");
            }
        };
    }

    @Bean
    SocketIoServerCustomizer eventGuard() {
        return server -> server.onConnection(socket -> {
            socket.use((event, next) -> {
                String name = event.get(0).asString();
                if (name.startsWith("admin:") && !"admin".equals(socket.data().get("user"))) {
                    next.refuse(new IllegalStateException("not allowed: " + name));   // the event is dropped
                } else {
                    next.proceed();
                }
            });
            socket.onError(error -> socket.emit("refused", error.getMessage()));
        });
    }
}
