package dev.socketeer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A WebSocket client over a bare TCP socket that writes frames byte by byte: reserved bits, opcodes, fragments and
 * close codes the JDK client would never send. Frames are masked, as a client's must be.
 */
final class RawFrames implements AutoCloseable {

    static final int TEXT = 1;
    static final int BINARY = 2;
    static final int CONTINUATION = 0;
    static final int CLOSE = 8;
    /** What {@link #awaitClose()} returns when the server closed the TCP connection without a close frame. */
    static final int NO_CLOSE_FRAME = -1;

    /** One frame from the server. */
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawFrames(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Upgrades {@code /socket.io/?EIO=4&transport=websocket} on 127.0.0.1:{@code port} and reads the open packet. */
    static RawFrames open(int port, Duration timeout) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout((int) timeout.toMillis());
        RawFrames frames = new RawFrames(socket);
        frames.out.write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(readHeaders(frames.in)).startsWith("HTTP/1.1 101");
        assertThat(frames.next().text()).startsWith("0{\"sid\":");
        return frames;
    }

    /** Opens and joins the main namespace; returns the socket id. */
    static RawFrames connected(int port, Duration timeout, String[] socketId) throws IOException {
        RawFrames frames = open(port, timeout);
        frames.send(TEXT, "40".getBytes(StandardCharsets.UTF_8));
        String connect = frames.next().text();
        assertThat(connect).startsWith("40{\"sid\":\"");
        socketId[0] = connect.substring(10, 30);
        return frames;
    }

    /** A final frame with no reserved bit set. */
    void send(int opcode, byte[] payload) throws IOException {
        send(0x80 | opcode, payload, true);
    }

    /**
     * One frame: {@code first} is the whole first byte (FIN, RSV1-3, opcode), the payload is masked unless
     * {@code masked} is false.
     */
    void send(int first, byte[] payload, boolean masked) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(first);
        int mask = masked ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(mask | payload.length);
        } else if (payload.length <= 0xFFFF) {
            frame.write(mask | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(mask | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] key = { 0x12, 0x34, 0x56, 0x78 };
        if (masked) {
            frame.write(key, 0, 4);
        }
        for (int i = 0; i < payload.length; i++) {
            frame.write(masked ? payload[i] ^ key[i & 3] : payload[i]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** A close frame carrying {@code code} and {@code reason} (raw bytes, which may be invalid UTF-8). */
    void sendClose(int code, byte[] reason) throws IOException {
        byte[] payload = new byte[2 + reason.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        send(CLOSE, payload);
    }

    /** The next frame that is not an Engine.IO ping; {@code null} when the server closed the connection. */
    Frame next() throws IOException {
        while (true) {
            Frame frame = read();
            if (frame == null || frame.opcode() != TEXT || !"2".equals(frame.text())) {
                return frame;
            }
        }
    }

    /**
     * Reads until the server's close frame and returns its status code (1005 for a close frame without one), or
     * {@link #NO_CLOSE_FRAME} if the connection ended without a close frame.
     */
    int awaitClose() throws IOException {
        Frame frame;
        do {
            frame = next();
        } while (frame != null && frame.opcode() != CLOSE);
        if (frame == null) {
            return NO_CLOSE_FRAME;
        }
        return frame.payload().length >= 2 ? ((frame.payload()[0] & 0xFF) << 8) | (frame.payload()[1] & 0xFF) : 1005;
    }

    private Frame read() throws IOException {
        int first;
        try {
            first = in.read();
        } catch (SocketException reset) {
            return null;
        }
        if (first < 0) {
            return null;
        }
        int second = in.read();
        long length = second & 0x7F;
        if (length == 126) {
            length = (in.read() << 8) | in.read();
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | in.read();
            }
        }
        byte[] payload = in.readNBytes((int) length);
        return payload.length < length ? null : new Frame(first & 0x0F, payload);
    }

    /** Reads an HTTP response's status line and headers, up to the blank line. */
    static String readHeaders(InputStream in) throws IOException {
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            headers.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        return headers.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
