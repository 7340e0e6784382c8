package dev.socketeer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The request line and header limits of the application's server apply to Socket.IO requests too: Spring Boot's
 * defaults (4 KB line, 8 KB headers) answer 414 and 431 where the reference server (Node's HTTP server, 16 KB)
 * accepts, and Boot's own properties raise them to the reference's, as docs/guide/limits-and-backpressure.md says.
 */
class HttpLimitsEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(WAIT).build();
    /** What a browser with many cookies sends: over Boot's 8 KB, under Node's 16 KB. */
    private static final String COOKIE = "session=" + "c".repeat(10_000);
    /** A query over Boot's 4 KB request line, under Node's 16 KB. */
    private static final String LONG_QUERY = "&token=" + "q".repeat(6_000);

    @Test
    void bootsDefaultsRefuseAnUrlOver4KbAndHeadersOver8Kb() throws Exception {
        try (SocketIoApp app = SocketIoApp.start(new E2eHandlers())) {
            assertThat(handshake(app, "", null).statusCode()).isEqualTo(200);
            assertThat(handshake(app, LONG_QUERY, null).statusCode()).isEqualTo(414);
            assertThat(handshake(app, "", COOKIE).statusCode()).isEqualTo(431);
        }
    }

    @Test
    void bootsPropertiesRaiseBothLimitsToTheReferences16Kb() throws Exception {
        try (SocketIoApp app = SocketIoApp.start(new E2eHandlers(), "server.max-http-request-header-size=16KB",
                "server.netty.max-initial-line-length=16KB")) {
            HttpResponse<String> both = handshake(app, LONG_QUERY, COOKIE);
            assertThat(both.statusCode()).isEqualTo(200);
            assertThat(both.body()).startsWith("0{\"sid\":\"");
        }
    }

    private static HttpResponse<String> handshake(SocketIoApp app, String extraQuery, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                + "/socket.io/?EIO=4&transport=polling" + extraQuery)).timeout(WAIT).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
