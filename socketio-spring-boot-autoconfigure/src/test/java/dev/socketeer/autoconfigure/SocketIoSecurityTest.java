package dev.socketeer.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.config.Customizer.withDefaults;

import dev.socketeer.server.SocketIoServer;
import dev.socketeer.test.NodeSocketIoClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * Socket.IO behind an application's Spring Security chain (HTTP Basic, CSRF on): the handshake is
 * authenticated, the principal reaches the socket, long-polling POSTs are not refused by CSRF, and
 * the application's other paths keep their CSRF protection.
 */
class SocketIoSecurityTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ALICE = "Basic " + Base64.getEncoder()
            .encodeToString("alice:wonderland".getBytes(StandardCharsets.UTF_8));

    private static ConfigurableApplicationContext app;
    private static String base;

    @BeforeAll
    static void start() {
        app = new SpringApplicationBuilder(SecuredApp.class).web(WebApplicationType.REACTIVE)
                .properties("server.port=0", "spring.main.banner-mode=off").run();
        base = "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void unauthenticatedHandshakeIsRefusedWith401() throws Exception {
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/socket.io/?EIO=4&transport=polling")).GET())
                .statusCode()).isEqualTo(401);
    }

    @Test
    void authenticatedPollingClientConnectsAndItsPrincipalReachesTheSocket() {
        try (NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            clients.connect("polling", base + "/", Map.of("transports", List.of("polling"),
                    "extraHeaders", Map.of("Authorization", ALICE)));
            assertThat(clients.awaitConnect("polling", WAIT).get("transport").asString()).isEqualTo("polling");
            // the namespace CONNECT packet and this event each travel in a polling POST: CSRF must not refuse them
            clients.emit("polling", "whoami");
            assertThat(clients.awaitEvent("polling", "you-are", WAIT).get("args").get(0).asString()).isEqualTo("alice");
            assertThat(clients.state("polling").get("transport").asString()).isEqualTo("polling");
        }
    }

    @Test
    void authenticatedWebSocketClientConnectsAndItsPrincipalReachesTheSocket() {
        try (NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            clients.connect("ws", base + "/", Map.of("transports", List.of("websocket"),
                    "extraHeaders", Map.of("Authorization", ALICE)));
            clients.awaitConnect("ws", WAIT);
            clients.emit("ws", "whoami");
            assertThat(clients.awaitEvent("ws", "you-are", WAIT).get("args").get(0).asString()).isEqualTo("alice");
        }
    }

    @Test
    void otherPathsKeepTheirCsrfProtection() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/orders"))
                .header("Authorization", ALICE).POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(response.statusCode()).isEqualTo(403);
        // the same user may GET it (404: no such controller), so the 403 above is CSRF's
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/orders")).header("Authorization", ALICE).GET())
                .statusCode()).isEqualTo(404);
    }

    @Test
    void exemptionCanBeTurnedOffAndBacksOffWithoutSpringSecurity() {
        ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SocketIoAutoConfiguration.class,
                        SocketIoSecurityAutoConfiguration.class));
        runner.run(context -> assertThat(context)
                .hasSingleBean(SocketIoSecurityAutoConfiguration.SocketIoCsrfExemption.class));
        runner.withPropertyValues("socketio.security.csrf-exempt=false").run(context -> assertThat(context)
                .doesNotHaveBean(SocketIoSecurityAutoConfiguration.SocketIoCsrfExemption.class));
        runner.withClassLoader(new FilteredClassLoader("org.springframework.security")).run(context -> assertThat(
                context).doesNotHaveBean(SocketIoSecurityAutoConfiguration.SocketIoCsrfExemption.class));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableWebFluxSecurity
    static class SecuredApp {

        @Bean
        SecurityWebFilterChain security(ServerHttpSecurity http) {
            return http.authorizeExchange(exchanges -> exchanges.anyExchange().authenticated())
                    .httpBasic(withDefaults())
                    .build();
        }

        @Bean
        MapReactiveUserDetailsService users() {
            return new MapReactiveUserDetailsService(
                    User.withUsername("alice").password("{noop}wonderland").roles("USER").build());
        }

        @Bean
        SocketIoServerCustomizer whoami() {
            return (SocketIoServer server) -> server.onConnection(socket -> socket.on("whoami", (args, ack) -> {
                Principal principal = socket.handshake().principal();
                socket.emit("you-are", principal == null ? "nobody" : principal.getName());
            }));
        }
    }
}
