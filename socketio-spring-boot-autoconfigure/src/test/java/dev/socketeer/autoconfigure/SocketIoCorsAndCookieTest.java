package dev.socketeer.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.socketeer.engine.EngineOptions;
import dev.socketeer.test.TestApplication;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What browsers are told about cross-origin requests and the sticky-session cookie, on the three
 * ways in: the CORS preflight, the long-polling requests and the WebSocket upgrade.
 */
class SocketIoCorsAndCookieTest {

    private static final String APP_ORIGIN = "https://app.example.com";
    private static final String OTHER_ORIGIN = "https://evil.example";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void credentialedCorsAnswersTheListedOriginWithCredentials() throws Exception {
        try (TestApplication app = TestApplication.start("socketio.cors.allowed-origins=" + APP_ORIGIN,
                "socketio.cors.allow-credentials=true")) {
            HttpResponse<String> preflight = preflight(app, APP_ORIGIN);
            assertThat(preflight.statusCode()).isEqualTo(200);
            assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue(APP_ORIGIN);
            assertThat(preflight.headers().firstValue("access-control-allow-credentials")).hasValue("true");

            HttpResponse<String> handshake = poll(app, APP_ORIGIN);
            assertThat(handshake.statusCode()).isEqualTo(200);
            assertThat(handshake.headers().firstValue("access-control-allow-origin")).hasValue(APP_ORIGIN);
            assertThat(handshake.headers().firstValue("access-control-allow-credentials")).hasValue("true");

            assertThat(upgradeStatus(app, APP_ORIGIN)).isEqualTo(101);
        }
    }

    @Test
    void credentialedCorsNeverAnswersAnotherOriginNorTheNullOrigin() throws Exception {
        try (TestApplication app = TestApplication.start("socketio.cors.allowed-origins=" + APP_ORIGIN,
                "socketio.cors.allow-credentials=true")) {
            for (String origin : List.of(OTHER_ORIGIN, "null")) {
                HttpResponse<String> preflight = preflight(app, origin);
                assertThat(preflight.statusCode()).as("preflight from %s", origin).isEqualTo(403);
                assertThat(preflight.headers().firstValue("access-control-allow-origin")).isEmpty();
                assertThat(preflight.headers().firstValue("access-control-allow-credentials")).isEmpty();

                HttpResponse<String> handshake = poll(app, origin);
                assertThat(handshake.statusCode()).as("handshake from %s", origin).isEqualTo(403);
                assertThat(handshake.headers().firstValue("access-control-allow-origin")).isEmpty();

                assertThat(upgradeStatus(app, origin)).as("upgrade from %s", origin).isEqualTo(403);
            }
        }
    }

    @Test
    void anyOriginWithoutCredentialsIsALiteralStarThatBrowsersNeverPairWithCookies() throws Exception {
        try (TestApplication app = TestApplication.start("socketio.cors.allowed-origins=*")) {
            for (String origin : List.of(OTHER_ORIGIN, "null")) {
                HttpResponse<String> preflight = preflight(app, origin);
                assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("*");
                assertThat(preflight.headers().firstValue("access-control-allow-credentials")).isEmpty();
                HttpResponse<String> handshake = poll(app, origin);
                assertThat(handshake.statusCode()).isEqualTo(200);
                assertThat(handshake.headers().firstValue("access-control-allow-origin")).hasValue("*");
                assertThat(handshake.headers().firstValue("access-control-allow-credentials")).isEmpty();
                assertThat(upgradeStatus(app, origin)).isEqualTo(101);
            }
        }
    }

    @Test
    void theEngineRefusesAnyOriginWithCredentialsToo() {
        assertThatIllegalArgumentException().isThrownBy(() -> new EngineOptions.Cors(List.of("*"), true))
                .withMessageContaining("cannot allow every origin");
    }

    @Test
    void secureCookieMayBeSameSiteNone() throws Exception {
        try (TestApplication app = TestApplication.start("socketio.cookie.enabled=true",
                "socketio.cookie.same-site=None", "socketio.cookie.secure=true")) {
            HttpResponse<String> handshake = poll(app, null);
            assertThat(handshake.headers().firstValue("set-cookie").orElseThrow())
                    .matches("io=[\\w-]+; Path=/; HttpOnly; Secure; SameSite=None");
        }
    }

    @Test
    void cookieIsNotSecureByDefaultAsInTheReferenceServer() throws Exception {
        try (TestApplication app = TestApplication.start("socketio.cookie.enabled=true")) {
            assertThat(poll(app, null).headers().firstValue("set-cookie").orElseThrow())
                    .matches("io=[\\w-]+; Path=/; HttpOnly; SameSite=Lax");
        }
    }

    @Test
    void theEngineRefusesASameSiteNoneCookieThatIsNotSecure() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new EngineOptions.Cookie("io", "/", true, "None", false))
                .withMessageContaining("must be Secure");
    }

    private HttpResponse<String> preflight(TestApplication app, String origin) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(app)))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> poll(TestApplication app, String origin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(app)));
        if (origin != null) {
            request.header("Origin", origin);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The status line of a WebSocket upgrade sent by hand: a refused upgrade is an HTTP answer, not a WebSocket. */
    private static int upgradeStatus(TestApplication app, String origin) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", app.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:" + app.port()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: " + origin + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    private static String url(TestApplication app) {
        return app.url("/socket.io/?EIO=4&transport=polling");
    }
}
