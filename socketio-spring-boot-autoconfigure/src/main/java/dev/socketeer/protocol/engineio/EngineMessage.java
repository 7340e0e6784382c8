package dev.socketeer.protocol.engineio;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * One outbound Engine.IO {@code message} packet, encoded once and shared by every recipient.
 *
 * <p>A broadcast builds one instance per packet and hands the same instance to every engine
 * socket; each transport asks for the form it writes (WebSocket frame bytes or a polling
 * payload segment), which is computed at most once per instance. Instances are immutable and
 * safe to share between threads.
 */
public final class EngineMessage {

    private final String text;
    private final byte[] binary;
    // Lazily computed wire forms; computing them twice under a race is harmless.
    private byte[] frameBytes;
    private byte[] pollingBytes;
    // A transport's ready-to-write form, shared by every recipient; volatile so that an object built on one thread is
    // seen whole on another.
    private volatile Object transportForm;

    private EngineMessage(String text, byte[] binary) {
        this.text = text;
        this.binary = binary;
    }

    /** A text message packet ({@code 4<text>} on the wire). */
    public static EngineMessage text(String text) {
        return new EngineMessage(Objects.requireNonNull(text, "text"), null);
    }

    /** A binary message packet; the array is not copied and must not be modified afterwards. */
    public static EngineMessage binary(byte[] data) {
        return new EngineMessage(null, Objects.requireNonNull(data, "data"));
    }

    public boolean isBinary() {
        return binary != null;
    }

    /** The text payload, or {@code null} for a binary message. */
    public String text() {
        return text;
    }

    /** The binary payload, or {@code null} for a text message; not a copy. */
    public byte[] binary() {
        return binary;
    }

    /**
     * The bytes of the WebSocket frame: UTF-8 of {@code 4<text>} for a text message (to be sent
     * as a text frame), the raw bytes for a binary message (a binary frame). Not a copy.
     */
    public byte[] frameBytes() {
        byte[] bytes = frameBytes;
        if (bytes == null) {
            bytes = binary != null ? binary : ("4" + text).getBytes(StandardCharsets.UTF_8);
            frameBytes = bytes;
        }
        return bytes;
    }

    /**
     * The UTF-8 bytes of this packet inside a polling payload: {@code 4<text>}, or {@code b}
     * followed by the standard base64 of the binary data. Not a copy.
     */
    public byte[] pollingBytes() {
        byte[] bytes = pollingBytes;
        if (bytes == null) {
            if (binary == null) {
                bytes = frameBytes();
            } else {
                byte[] encoded = Base64.getEncoder().encode(binary);
                bytes = new byte[encoded.length + 1];
                bytes[0] = 'b';
                System.arraycopy(encoded, 0, bytes, 1, encoded.length);
            }
            pollingBytes = bytes;
        }
        return bytes;
    }

    /**
     * What a transport stored with {@link #transportForm(Object)}, or {@code null}. Opaque to this layer: a
     * WebSocket connection keeps the complete frame here (header and payload), built once for every recipient
     * of a broadcast.
     */
    public Object transportForm() {
        return transportForm;
    }

    /** Stores a transport's ready-to-write form of this message; the last call wins. */
    public void transportForm(Object form) {
        transportForm = form;
    }

    @Override
    public String toString() {
        return binary != null ? "EngineMessage[binary, " + binary.length + " bytes]" : "EngineMessage[" + text + "]";
    }
}
