package dev.socketeer.guide.middleware;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.TestApplication;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

/** The middleware page's connection and event middlewares, with real clients. */
class MiddlewareSampleTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Configuration(proxyBeanMethods = false)
    static class Tokens {

        @Bean
        TokenVerifier tokens() {
            Map<String, String> users = Map.of("t-alice", "alice", "t-admin", "admin");
            return token -> Mono.justOrEmpty(users.get(token));
        }
    }

    @Test
    void connectionMiddlewaresRefuseWithAReasonAndEventMiddlewaresDropEvents() {
        try (TestApplication app = TestApplication.start(List.of(Tokens.class, MiddlewareConfiguration.class, AdminController.class,
                ReactiveMiddleware.class)); NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            clients.connect("anonymous", app.url("/"));
            var refused = clients.awaitConnectError("anonymous", WAIT);
            assertThat(refused.get("message").asString()).isEqualTo("unauthorized");
            assertThat(refused.get("data").get("reason").asString()).isEqualTo("no token");
            clients.connect("forger", app.url("/"), auth("t-forged"));
            assertThat(clients.awaitConnectError("forger", WAIT).get("message").asString()).isEqualTo("unauthorized");

            clients.connect("alice", app.url("/"), auth("t-alice")).awaitConnect("alice", WAIT);
            clients.emit("alice", "admin:reset");
            assertThat(clients.awaitEvent("alice", "refused", WAIT).get("args").get(0).asString())
                    .isEqualTo("not allowed: admin:reset");
            clients.connect("alice-admin", app.url("/admin"), auth("t-alice"));
            assertThat(clients.awaitConnectError("alice-admin", WAIT).get("message").asString()).isEqualTo("admins only");
            clients.connect("admin", app.url("/admin"), auth("t-admin")).awaitConnect("admin", WAIT);

            clients.connect("chat-anonymous", app.url("/chat"));
            assertThat(clients.awaitConnectError("chat-anonymous", WAIT).get("message").asString())
                    .isEqualTo("unauthorized");
            clients.connect("chat-alice", app.url("/chat"), auth("t-alice")).awaitConnect("chat-alice", WAIT);
        }
    }

    private static Map<String, ?> auth(String token) {
        return Map.of("auth", Map.of("token", token));
    }
}
