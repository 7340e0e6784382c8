package dev.socketeer.engine.netty;

import dev.socketeer.protocol.engineio.EngineMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.internal.PlatformDependent;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

/**
 * Complete WebSocket frames (header and payload) built once per broadcast message and written, as they are, to
 * every recipient: no frame object, no encoder pass and no copy per recipient.
 *
 * <p>A message's frame is built on its second write, so a message sent to one client never pays for it. It lives
 * in a direct buffer that no write releases ({@link Unpooled#unreleasableBuffer}); each recipient writes a
 * {@link ByteBuf#duplicate() duplicate} (its own indexes over the same bytes), so recipients on different event
 * loops never touch a shared reference count, and a queued duplicate that is dropped needs no release. The memory
 * goes with the message, when the garbage collector frees its {@link ByteBuffer}. Payloads over
 * {@link #MAX_PAYLOAD} take the usual path, and so does every message while the JDK's direct buffers hold a quarter
 * of the direct-memory limit, which bounds what waits for the collector.
 */
final class SharedFrames {

    /** The largest payload built as a shared frame. */
    static final int MAX_PAYLOAD = 16 * 1024;

    private static final Object WRITTEN_ONCE = new Object();

    /** The JDK's direct buffers (Netty's pooled memory is not counted there). */
    private static final BufferPoolMXBean JDK_DIRECT = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
            .stream().filter(pool -> "direct".equals(pool.getName())).findFirst().orElse(null);

    /**
     * At most a quarter of the direct-memory limit in JDK direct buffers before new shared frames are skipped: the
     * JDK reserves direct memory by collecting garbage and sleeping when the limit is near, which must never happen
     * on an event loop.
     */
    private static final long BUDGET = PlatformDependent.maxDirectMemory() / 4;

    private SharedFrames() {
    }

    /** Runs the class's static setup; called at startup. */
    static void initialize() {
        // the static initializers did the work
    }

    /**
     * A duplicate of the message's shared frame to write raw, or {@code null} when the message should be written
     * the usual way (its first write, or too large).
     */
    static ByteBuf duplicateFor(EngineMessage message) {
        Object form = message.transportForm();
        if (form instanceof ByteBuf frame) {
            return frame.duplicate();
        }
        byte[] payload = message.frameBytes();
        if (payload.length > MAX_PAYLOAD) {
            return null;
        }
        if (form == null) {
            message.transportForm(WRITTEN_ONCE);
            return null;
        }
        // Two threads may build it at once: harmless, one of the two frames is garbage.
        if (JDK_DIRECT != null && JDK_DIRECT.getMemoryUsed() + payload.length > BUDGET) {
            // never let the JDK's own direct-memory reservation wait for a GC on an event loop
            return null;
        }
        ByteBuf frame;
        try {
            frame = frame(payload, message.isBinary());
        } catch (OutOfMemoryError directMemoryExhausted) {
            return null;
        }
        message.transportForm(frame);
        return frame.duplicate();
    }

    /** An unmasked, final WebSocket frame (RFC 6455 §5.2) holding {@code payload}, in an unreleasable buffer. */
    static ByteBuf frame(byte[] payload, boolean binary) {
        int length = payload.length;
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuffer memory = ByteBuffer.allocateDirect(header + length);
        memory.put((byte) (0x80 | (binary ? 0x2 : 0x1)));
        if (length < 126) {
            memory.put((byte) length);
        } else if (length <= 0xFFFF) {
            memory.put((byte) 126);
            memory.putShort((short) length);
        } else {
            memory.put((byte) 127);
            memory.putLong(length);
        }
        memory.put(payload);
        memory.flip();
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(memory));
    }
}
