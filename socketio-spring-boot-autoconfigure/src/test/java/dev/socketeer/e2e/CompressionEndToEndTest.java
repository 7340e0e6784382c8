package dev.socketeer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.test.NodeSocketIoClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * permessage-deflate (off by default, as in the reference) and HTTP compression of polling
 * responses (on above 1 KB): negotiated only when turned on, and real clients exchange large
 * messages through them unchanged.
 */
class CompressionEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String LARGE = "compressible payload ".repeat(2_000);
    private static SocketIoApp deflating;
    private static SocketIoApp plain;
    private static NodeSocketIoClient clients;

    @BeforeAll
    static void start() {
        deflating = SocketIoApp.start(new E2eHandlers(), "socketio.per-message-deflate.enabled=true");
        plain = SocketIoApp.start(new E2eHandlers(), "socketio.http-compression.enabled=false");
        clients = NodeSocketIoClient.start();
    }

    @AfterAll
    static void stop() {
        if (clients != null) {
            clients.close();
        }
        if (deflating != null) {
            deflating.close();
        }
        if (plain != null) {
            plain.close();
        }
    }

    @Test
    void permessageDeflateIsNegotiatedOnlyWhenTurnedOn() throws IOException {
        assertThat(upgradeResponse(deflating.port())).startsWith("http/1.1 101")
                .contains("sec-websocket-extensions: permessage-deflate");
        assertThat(upgradeResponse(plain.port())).startsWith("http/1.1 101")
                .doesNotContain("permessage-deflate");
    }

    @Test
    void largeMessagesCrossACompressedWebSocketBothWays() {
        // The Node client offers permessage-deflate (threshold 1 KB) and compresses what it sends.
        clients.connect("deflate", deflating.url("/"), Map.of("transports", List.of("websocket")));
        clients.awaitConnect("deflate", WAIT);
        clients.emit("deflate", "echo", LARGE, Map.of("nested", LARGE));
        JsonNode args = clients.awaitEvent("deflate", "echo-back", WAIT).get("args");
        assertThat(args.get(0).asString()).isEqualTo(LARGE);
        assertThat(args.get(1).get("nested").asString()).isEqualTo(LARGE);
        clients.disconnect("deflate");
    }

    @Test
    void pollingResponsesAreGzippedAboveTheThresholdOnlyWhenTurnedOn() throws Exception {
        assertThat(handshakeEncoding(deflating.port(), "gzip")).isEqualTo("gzip");
        assertThat(handshakeEncoding(plain.port(), "gzip")).isNull();

        clients.connect("gzip", deflating.url("/"), Map.of("transports", List.of("polling")));
        clients.awaitConnect("gzip", WAIT);
        clients.emit("gzip", "echo", LARGE);
        assertThat(clients.awaitEvent("gzip", "echo-back", WAIT).get("args").get(0).asString()).isEqualTo(LARGE);
        clients.disconnect("gzip");
    }

    /** The Content-Encoding of a polling response carrying a packet above the 1 KB threshold. */
    private static String handshakeEncoding(int port, String accept) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling";
        String open = http.send(HttpRequest.newBuilder(URI.create(base)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String sid = open.substring(9, 29);
        String session = base + "&sid=" + sid;
        http.send(HttpRequest.newBuilder(URI.create(session)).timeout(WAIT)
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString("40")).build(), HttpResponse.BodyHandlers.ofString());
        http.send(HttpRequest.newBuilder(URI.create(session)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        http.send(HttpRequest.newBuilder(URI.create(session)).timeout(WAIT)
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString("42[\"echo\",\"" + LARGE + "\"]")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<byte[]> echoed = http.send(HttpRequest.newBuilder(URI.create(session)).timeout(WAIT)
                .header("Accept-Encoding", accept).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(echoed.statusCode()).isEqualTo(200);
        return echoed.headers().firstValue("content-encoding").orElse(null);
    }

    /** The lower-cased head of the answer to a WebSocket upgrade that offers permessage-deflate. */
    private static String upgradeResponse(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                head.write(b);
                if (head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                    break;
                }
            }
            return head.toString(StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
        }
    }
}
