package dev.socketeer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare JDK WebSocket speaking Engine.IO by hand: it never answers pings on its own, so tests control
 * every frame. Text frames arrive as strings, binary frames as {@code byte[]}.
 */
final class RawWebSocket implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(5);

    private final BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private RawWebSocket(URI uri) {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT)
                .buildAsync(uri, new Listener()).orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** Opens {@code /socket.io/?EIO=4&transport=websocket} and checks the open packet. */
    static RawWebSocket open(int port) {
        RawWebSocket ws = new RawWebSocket(URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"));
        assertThat(ws.nextText()).startsWith("0{\"sid\":");
        return ws;
    }

    /** Opens the socket and joins the main namespace; returns the socket id. */
    static RawWebSocket connected(int port) {
        RawWebSocket ws = open(port);
        ws.send("40");
        String connect = ws.nextText();
        assertThat(connect).startsWith("40{\"sid\":\"");
        return ws;
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    void sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    /** The next frame, skipping pings (which it does not answer). */
    Object next() {
        while (true) {
            Object frame;
            try {
                frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (frame == null) {
                throw new AssertionError("no frame within " + WAIT + (closed.isDone() ? " (closed " + closed.join() + ")" : ""));
            }
            if (!"2".equals(frame)) {
                return frame;
            }
        }
    }

    String nextText() {
        Object frame = next();
        assertThat(frame).isInstanceOf(String.class);
        return (String) frame;
    }

    /** Waits for the server to close the WebSocket; returns the close status code. */
    int awaitClosed() {
        return closed.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** Drains frames until the close; returns the text frames seen (minus pings). */
    java.util.List<Object> framesUntilClosed() {
        awaitClosed();
        java.util.List<Object> rest = new java.util.ArrayList<>();
        frames.drainTo(rest);
        rest.removeIf("2"::equals);
        return rest;
    }

    boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder text = new StringBuilder();
        private java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                frames.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                frames.add(binary.toByteArray());
                binary = new java.io.ByteArrayOutputStream();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}
