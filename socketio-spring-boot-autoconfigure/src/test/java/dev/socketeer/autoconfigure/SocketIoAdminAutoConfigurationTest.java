package dev.socketeer.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.admin.AdminInstrumentation;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.TestApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import tools.jackson.databind.JsonNode;

/**
 * {@code socketio.admin.*}: off by default, the configuration errors named, read-only and production modes as the
 * UI sees them, and the UI's files served at {@code socketio.admin.ui.path}, pointed at this server and without
 * CDN requests.
 */
class SocketIoAdminAutoConfigurationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String HASH = new BCryptPasswordEncoder(4).encode("pw");

    private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SocketIoAutoConfiguration.class,
                    SocketIoAdminAutoConfiguration.class));

    @Test
    void nothingOfTheAdminUiExistsUnlessEnabled() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(AdminInstrumentation.class)
                    .doesNotHaveBean("socketIoAdminUi");
        });
    }

    @Test
    void enabledWithAHashServesTheProtocolAndTheUi() {
        runner.withPropertyValues("socketio.admin.enabled=true", "socketio.admin.auth.password-hash=" + HASH)
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(AdminInstrumentation.class)
                        .hasBean("socketIoAdminUi"));
    }

    @Test
    void aMissingHashIsNamedWithTheWayOut() {
        runner.withPropertyValues("socketio.admin.enabled=true").run(context -> assertThat(context).getFailure()
                .rootCause().hasMessageContaining("socketio.admin.auth.password-hash")
                .hasMessageContaining("socketio.admin.auth.enabled=false"));
    }

    @Test
    void aPasswordGivenInsteadOfItsHashIsRefused() {
        runner.withPropertyValues("socketio.admin.enabled=true", "socketio.admin.auth.password-hash=hunter2")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("not a bcrypt hash").hasMessageNotContaining("hunter2"));
    }

    @Test
    void withoutSpringSecurityCryptoTheMissingJarIsNamed() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.security.crypto"))
                .withPropertyValues("socketio.admin.enabled=true", "socketio.admin.auth.password-hash=" + HASH)
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("org.springframework.security:spring-security-crypto"));
    }

    @Test
    void itsBeanMethodsNameNoOptionalLibrary() {
        // Boot introspects every bean method of the class, so such a type fails applications without the library
        for (java.lang.reflect.Method method : SocketIoAdminAutoConfiguration.class.getDeclaredMethods()) {
            List<Class<?>> types = new java.util.ArrayList<>(List.of(method.getParameterTypes()));
            types.add(method.getReturnType());
            for (java.lang.reflect.Type generic : method.getGenericParameterTypes()) {
                assertThat(generic.getTypeName()).as("%s", method)
                        .doesNotContain("io.micrometer", "org.springframework.data.redis", "org.springframework.security");
            }
            assertThat(types).as("%s", method).allSatisfy(type -> assertThat(type.getName())
                    .doesNotStartWith("io.micrometer").doesNotStartWith("org.springframework.data.redis")
                    .doesNotStartWith("org.springframework.security"));
        }
    }

    @Test
    void redisSessionsWithoutRedisAreRefused() {
        runner.withPropertyValues("socketio.admin.enabled=true", "socketio.admin.auth.enabled=false",
                "socketio.admin.sessions.store=redis").run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("socketio.admin.sessions.store"));
    }

    @Test
    void theUiCanBeLeftOutForTheHostedOne() {
        runner.withPropertyValues("socketio.admin.enabled=true", "socketio.admin.auth.enabled=false",
                "socketio.admin.ui.enabled=false").run(context -> assertThat(context).hasNotFailed()
                        .hasSingleBean(AdminInstrumentation.class).doesNotHaveBean("socketIoAdminUi"));
    }

    @Test
    void readOnlyProductionModeAnnouncesNoCommandAndSendsNoSockets() {
        try (TestApplication app = TestApplication.start("socketio.admin.enabled=true",
                "socketio.admin.auth.enabled=false", "socketio.admin.read-only=true", "socketio.admin.mode=production",
                "socketio.admin.namespace=/watch");
                NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            clients.connect("app", app.url("/"));
            String sid = clients.awaitConnect("app").path("sid").asString();
            clients.connect("ui", app.url("/watch"), Map.of("transports", List.of("websocket")));
            clients.awaitConnect("ui");
            JsonNode features = clients.awaitEvent("ui", "config").path("args").get(0).path("supportedFeatures");
            assertThat(features.toString()).isEqualTo("[\"AGGREGATED_EVENTS\"]");
            clients.awaitEvent("ui", "server_stats");
            clients.emit("ui", "_disconnect", "/", false, sid);
            clients.assertNoEvent("ui", "all_sockets", Duration.ofMillis(500));
            assertThat(clients.state("app").path("connected").asBoolean()).isTrue();
            clients.disconnect("app");
            clients.assertNoEvent("ui", "socket_disconnected", Duration.ofMillis(300));
        }
    }

    @Test
    void theUiIsServedPointedAtThisServerWithoutCdnRequests() throws Exception {
        try (TestApplication app = TestApplication.start("socketio.admin.enabled=true",
                "socketio.admin.auth.enabled=false", "socketio.admin.ui.path=/ops/admin-ui/")) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> index = get(http, app.url("/ops/admin-ui/"));
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type)
                    .startsWith("text/html"));
            assertThat(index.body()).contains("<script src=\"socketeer-config.js\"></script>", "js/app.0d7d7845.js")
                    .doesNotContain("https://");

            HttpResponse<String> config = get(http, app.url("/ops/admin-ui/socketeer-config.js"));
            assertThat(config.body()).contains("namespace: \"/admin\"", "path: \"/socket.io\"", "location.origin");

            HttpResponse<String> bundle = get(http, app.url("/ops/admin-ui/js/chunk-vendors.934c03ff.js"));
            assertThat(bundle.statusCode()).isEqualTo(200);
            assertThat(bundle.headers().firstValue("content-type")).hasValue("text/javascript;charset=UTF-8");
            assertThat(bundle.headers().firstValue("cache-control").orElse("")).contains("max-age=31536000");
            assertThat(get(http, app.url("/ops/admin-ui/css/app.6e3b9661.css")).statusCode()).isEqualTo(200);
            assertThat(get(http, app.url("/ops/admin-ui/socketeer-offline.css")).body()).contains(".mdi-server");

            HttpResponse<String> bare = get(http, app.url("/ops/admin-ui"));
            assertThat(bare.statusCode()).isEqualTo(308);
            assertThat(bare.headers().firstValue("location").orElse("")).endsWith("/ops/admin-ui/");
            assertThat(get(http, app.url("/ops/admin-ui/nothing.js")).statusCode()).isEqualTo(404);
            assertThat(get(http, app.url("/ops/admin-ui/../admin-ui/LICENSE")).statusCode()).isIn(200, 404);
            assertThat(get(http, app.url("/ops/admin-ui/%2e%2e/%2e%2e/application.properties")).statusCode())
                    .isIn(400, 404);
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
