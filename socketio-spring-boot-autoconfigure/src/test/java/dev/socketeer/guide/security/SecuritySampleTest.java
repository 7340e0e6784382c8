package dev.socketeer.guide.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.server.SocketIoServer;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.TestApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;

/** The security page's filter chain, per-user rooms and origin check, with real clients. */
class SecuritySampleTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String ALICE = "Basic " + Base64.getEncoder()
            .encodeToString("alice:wonderland".getBytes(StandardCharsets.UTF_8));

    private final HttpClient http = HttpClient.newHttpClient();

    @Configuration(proxyBeanMethods = false)
    static class Users {

        @Bean
        MapReactiveUserDetailsService users() {
            return new MapReactiveUserDetailsService(User.withUsername("alice").password("{noop}wonderland")
                    .roles("USER").build());
        }
    }

    @Test
    void onlyAuthenticatedUsersConnectAndAPushReachesThatUserOnly() throws Exception {
        try (TestApplication app = TestApplication.start(List.of(SecurityConfiguration.class, Users.class, InboxController.class,
                InboxEndpoint.class)); NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(
                    URI.create(app.url("/socket.io/?EIO=4&transport=polling"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);

            clients.connect("alice", app.url("/"), Map.of("extraHeaders", Map.of("Authorization", ALICE)))
                    .awaitConnect("alice", WAIT);
            // @OnConnect joins the room on the handler executor, just after the client was told it is connected
            await().atMost(WAIT).until(() -> app.bean(SocketIoServer.class).in("user:alice").allSockets()
                    .get(5, TimeUnit.SECONDS).size() == 1);
            app.bean(InboxEndpoint.class).push("alice", Map.of("text", "hello"));
            assertThat(clients.awaitEvent("alice", "message", WAIT).get("args").get(0).get("text").asString())
                    .isEqualTo("hello");
        }
    }

    @Test
    void handshakesFromAnotherOriginAreRefused() throws Exception {
        try (TestApplication app = TestApplication.start(List.of(OriginCheck.class))) {
            assertThat(handshake(app, "https://evil.example").statusCode()).isEqualTo(403);
            assertThat(handshake(app, "https://evil.example").body()).contains("origin not allowed");
            assertThat(handshake(app, "https://app.example.com").statusCode()).isEqualTo(200);
        }
    }

    private HttpResponse<String> handshake(TestApplication app, String origin) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(app.url("/socket.io/?EIO=4&transport=polling")))
                .header("Origin", origin).build(), HttpResponse.BodyHandlers.ofString());
    }
}
