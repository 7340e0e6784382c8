package dev.socketeer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.engine.EngineServer;
import dev.socketeer.engine.EngineSocket;
import dev.socketeer.protocol.engineio.EngineMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Long-polling over one keep-alive connection, as the Java client's OkHttp pool reuses it: a poll answered from
 * another thread than the connection's event loop (a send from a timer, another connection's loop, application
 * code), followed at once by a request answered on the spot, must leave the connection reading. Reactor Netty
 * 1.3.6 stopped reading such a connection for good when the next request came in before the previous exchange
 * had wound down: the client's next request (its {@code 40} CONNECT, its next poll, a new handshake) then went
 * unanswered, a connect that never came (ChatOnlineListTest, about once in 40 rounds). Each round here is one
 * such race; without the fix one of the first few dozen lost it.
 */
class PollingKeepAliveEndToEndTest {

    private static final int ROUNDS = 300;
    private static final long WAIT_MS = 5_000;
    private static SocketIoApp app;

    @BeforeAll
    static void startApp() {
        // no ping may take the place of a message in a poll, and the session outlives the rounds
        app = SocketIoApp.start(new E2eHandlers(), "socketio.ping-interval=10m", "socketio.connect-timeout=10m");
    }

    @AfterAll
    static void stopApp() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void keepAliveConnectionKeepsReadingAfterPollsAnsweredFromAnotherThread() throws Exception {
        EngineServer engine = app.context().getBean(EngineServer.class);
        try (Socket http = new Socket("127.0.0.1", app.port())) {
            http.setTcpNoDelay(true);
            http.setSoTimeout((int) WAIT_MS);
            OutputStream out = http.getOutputStream();
            InputStream in = http.getInputStream();
            write(out, "/socket.io/?EIO=4&transport=polling");
            String open = read(in);
            assertThat(open).startsWith("0{\"sid\":\"");
            String sid = open.substring(9, open.indexOf('"', 9));
            EngineSocket session = engine.socket(sid);
            for (int round = 0; round < ROUNDS; round++) {
                write(out, "/socket.io/?EIO=4&transport=polling&sid=" + sid);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
                while (!session.isWritable()) {
                    assertThat(System.nanoTime() - deadline).as("round %d: the poll never reached the engine: the "
                            + "connection stopped reading", round).isNegative();
                    LockSupport.parkNanos(50_000);
                }
                String message = "round " + round;
                // answered from a thread that is not the connection's event loop
                CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> session.send(EngineMessage.text(message)));
                assertThat(read(in)).isEqualTo("4" + message);
                // at once, a request answered on the spot (an unknown session)
                write(out, "/socket.io/?EIO=4&transport=polling&sid=unknown");
                assertThat(read(in)).contains("Session ID unknown");
                sent.get(WAIT_MS, TimeUnit.MILLISECONDS);
            }
        }
    }

    private static void write(OutputStream out, String path) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + app.port() + "\r\nAccept: */*\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads one response with a Content-Length and returns its body. */
    private static String read(InputStream in) throws IOException {
        int contentLength = -1;
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                contentLength = Integer.parseInt(lower.substring("content-length:".length()).trim());
            }
        }
        assertThat(contentLength).as("Content-Length").isNotNegative();
        return new String(in.readNBytes(contentLength), StandardCharsets.UTF_8);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
