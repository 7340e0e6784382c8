package dev.socketeer.guide.middleware;

import dev.socketeer.autoconfigure.SocketIoServerCustomizer;
import dev.socketeer.server.ConnectionRefusedException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

@Configuration
class ReactiveMiddleware {

    @Bean
    SocketIoServerCustomizer chatAuthentication(TokenVerifier tokens) {
        return server -> server.of("/chat").use(socket -> {
            JsonNode token = socket.handshake().auth().get("token");
            if (token == null || !token.isString()) {
                return Mono.error(new ConnectionRefusedException("unauthorized"));
            }
            return tokens.userOf(token.asString())
                    .switchIfEmpty(Mono.error(new ConnectionRefusedException("unauthorized")))
                    .doOnNext(user -> socket.data().put("user", user))
                    .then();
        });
    }
}
