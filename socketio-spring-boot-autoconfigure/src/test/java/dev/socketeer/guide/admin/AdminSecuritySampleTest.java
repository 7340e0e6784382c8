package dev.socketeer.guide.admin;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;

/** The Admin UI page's Spring Security set-up: the UI's files and the admin namespace for admins only. */
class AdminSecuritySampleTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Configuration(proxyBeanMethods = false)
    static class Users {

        @Bean
        MapReactiveUserDetailsService users() {
            return new MapReactiveUserDetailsService(
                    User.withUsername("root").password("{noop}rootpw").roles("ADMIN").build(),
                    User.withUsername("bob").password("{noop}bobpw").roles("USER").build());
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void onlyAdminsGetTheUiAndTheAdminNamespace() throws Exception {
        try (TestApplication app = TestApplication.start(List.of(AdminSecurityConfiguration.class, Users.class),
                "socketio.admin.enabled=true", "socketio.admin.auth.enabled=false");
                NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            HttpClient http = HttpClient.newHttpClient();
            assertThat(ui(http, app, null)).isEqualTo(401);
            assertThat(ui(http, app, basic("bob", "bobpw"))).isEqualTo(403);
            assertThat(ui(http, app, basic("root", "rootpw"))).isEqualTo(200);

            clients.connect("root", app.url("/admin"), Map.of("extraHeaders",
                    Map.of("Authorization", basic("root", "rootpw"))));
            clients.awaitConnect("root", WAIT);
            clients.awaitEvent("root", "config", WAIT);
            clients.connect("bob", app.url("/admin"), Map.of("extraHeaders",
                    Map.of("Authorization", basic("bob", "bobpw"))));
            assertThat(clients.awaitConnectError("bob", WAIT).path("message").asString()).isEqualTo("admins only");
            clients.connect("bob-app", app.url("/"), Map.of("extraHeaders",
                    Map.of("Authorization", basic("bob", "bobpw"))));
            clients.awaitConnect("bob-app", WAIT);
        }
    }

    private static int ui(HttpClient http, TestApplication app, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.url("/socket.io-admin/")));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
