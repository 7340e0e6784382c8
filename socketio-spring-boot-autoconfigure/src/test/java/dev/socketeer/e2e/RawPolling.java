package dev.socketeer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A bare HTTP long-polling client speaking Engine.IO by hand (JDK client, no compression asked for). */
final class RawPolling {

    static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(WAIT).build();

    private final int port;
    private final String sid;
    private String socketId;

    private RawPolling(int port, String sid) {
        this.port = port;
        this.sid = sid;
    }

    /** Opens a session: {@code GET ?EIO=4&transport=polling}, checking the open packet. */
    static RawPolling open(int port) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/socket.io/?EIO=4&transport=polling")).timeout(WAIT).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(body).startsWith("0{\"sid\":\"");
        return new RawPolling(port, body.substring(9, 29));
    }

    /** Opens a session and joins the main namespace. */
    static RawPolling connected(int port) throws Exception {
        RawPolling polling = open(port);
        assertThat(polling.post("40").statusCode()).isEqualTo(200);
        String connect = polling.get().body();
        assertThat(connect).startsWith("40{\"sid\":\"");
        polling.socketId = connect.substring(10, 30);
        return polling;
    }

    /** The Engine.IO session id. */
    String sid() {
        return sid;
    }

    /** The Socket.IO socket id in the main namespace, once {@link #connected}. */
    String socketId() {
        return socketId;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling&sid=" + sid);
    }

    HttpResponse<String> get() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri()).timeout(WAIT).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String payload) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri()).timeout(WAIT).header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload.getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
