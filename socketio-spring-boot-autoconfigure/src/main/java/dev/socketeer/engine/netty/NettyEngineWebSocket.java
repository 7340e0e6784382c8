package dev.socketeer.engine.netty;

import dev.socketeer.engine.EngineWebSocket;
import dev.socketeer.engine.WriteScope;
import dev.socketeer.protocol.engineio.EngineMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.springframework.web.reactive.socket.CloseStatus;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * Writes engine frames straight to the Netty channel of a WebSocket session.
 *
 * <p>Frames from any thread go into a queue that the channel's event loop drains, so they reach
 * the wire in call order; inside a fan-out ({@link WriteScope}) on another thread they are handed
 * to the event loop with the fan-out's other writes instead, still in call order. Slow consumers:
 * Netty buffers what the peer does not read; once the channel is unwritable and more than
 * {@code slowConsumerLimit} bytes wait beyond its low-water mark, the connection is closed and the
 * session ends with {@code "transport error"}.
 *
 * <p>Writes made on the channel's own event loop while nothing is queued go straight to the
 * channel. Flushes are batched: a channel written to during an event-loop turn is flushed once,
 * at the end of that turn ({@link FlushBatch}), not once per frame. A message written to many
 * connections (a broadcast) goes out as one complete frame built for all of them
 * ({@link SharedFrames}), unless permessage-deflate was negotiated.
 */
final class NettyEngineWebSocket implements EngineWebSocket, Runnable {

    /** A queued frame: bytes to wrap in a frame, or ({@code raw}) a complete frame to write as it is. */
    private record Frame(byte[] data, boolean binary, ByteBuf raw) {
    }

    private static final Frame CLOSE = new Frame(new byte[0], false, null);
    private static final AtomicIntegerFieldUpdater<NettyEngineWebSocket> DRAIN_SCHEDULED =
            AtomicIntegerFieldUpdater.newUpdater(NettyEngineWebSocket.class, "drainScheduled");
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<NettyEngineWebSocket, Queue> QUEUE =
            AtomicReferenceFieldUpdater.newUpdater(NettyEngineWebSocket.class, Queue.class, "queue");

    private final WebsocketOutbound outbound;
    private final Channel channel;
    private final long slowConsumerLimit;
    // Made when a first frame has to be queued (most idle connections never queue one), then kept: null means empty.
    private volatile Queue<Frame> queue;
    // The drain token: 1 while a drain task or a fan-out write handed over is pending or running on the event loop;
    // its holder drains the queue and gives the token back only once the queue is empty, so nothing queued meanwhile
    // can overtake it. A field, and this object as the drain task, not an AtomicBoolean and a lambda: 32 bytes less
    // per connection.
    private volatile int drainScheduled;
    private volatile boolean failed;
    private volatile boolean inboundEnded;
    private boolean closed; // event loop only
    private boolean flushRequested; // event loop only
    private volatile Boolean rawFrames;

    NettyEngineWebSocket(WebsocketOutbound outbound, Channel channel, long slowConsumerLimit) {
        this.outbound = outbound;
        this.channel = channel;
        this.slowConsumerLimit = slowConsumerLimit;
    }

    @Override
    public void write(byte[] frame, boolean binary) {
        write(frame, binary, null);
    }

    @Override
    public void write(EngineMessage message) {
        ByteBuf raw = rawFrames() ? SharedFrames.duplicateFor(message) : null;
        write(raw == null ? message.frameBytes() : null, message.isBinary(), raw);
    }

    private void write(byte[] data, boolean binary, ByteBuf raw) {
        if (channel.eventLoop().inEventLoop()) {
            // On the channel's own event loop with nothing queued or pending, every earlier frame is already in
            // the channel: write straight through (no queue node, no task), order is kept.
            if (nothingQueued() && drainScheduled == 0) {
                writeNow(data, binary, raw);
                requestFlush();
                return;
            }
        } else if (nothingQueued() && WriteScope.isOpen() && DRAIN_SCHEDULED.compareAndSet(this, 0, 1)) {
            // Inside a fan-out on another thread, with nothing queued or pending: the write itself is handed to
            // the event loop with the fan-out's other writes (see WriteScope). It holds the drain token meanwhile,
            // so whatever is queued after it, by any thread, waits behind it: no queue node, one compare-and-set.
            WriteScope.defer(channel.eventLoop(), () -> writeDeferred(data, binary, raw));
            return;
        }
        queue().add(new Frame(data, binary, raw));
    }

    /** A write handed over by a fan-out (event loop only; holds the drain token): the frame, then the queue. */
    private void writeDeferred(byte[] data, boolean binary, ByteBuf raw) {
        if (!closed) {
            writeNow(data, binary, raw);
            requestFlush();
        }
        drain();
    }

    /**
     * Whether complete frames may be written past the frame encoder: not when permessage-deflate was negotiated
     * (its encoder compresses frame objects only). Read once, after the handshake has set up the pipeline.
     */
    private boolean rawFrames() {
        Boolean allowed = rawFrames;
        if (allowed == null) {
            allowed = channel.pipeline().get(WebSocketExtensionEncoder.class) == null;
            rawFrames = allowed;
        }
        return allowed;
    }

    @Override
    public void flush() {
        // a pending drain or handed-over write (the token's holder) goes first, and drains the queue after itself
        if (nothingQueued() || !DRAIN_SCHEDULED.compareAndSet(this, 0, 1)) {
            return;
        }
        if (channel.eventLoop().inEventLoop()) {
            drain();
        } else if (!WriteScope.defer(channel.eventLoop(), this)) { // in a fan-out: one task per event loop
            channel.eventLoop().execute(this);
        }
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void close() {
        queue().add(CLOSE);
        flush();
    }

    /**
     * Called when the inbound side has terminated (peer close, reset, cancel): the connection is
     * over, and closing the session from inside that terminal signal would make Reactor Netty
     * signal its error a second time, to a subscriber already done (a dropped error).
     */
    void inboundEnded() {
        inboundEnded = true;
    }

    /** Whether the connection was closed because of a failure (slow consumer). */
    boolean failed() {
        return failed;
    }

    private static void closeFailed(Throwable error) {
        // the connection is closed either way
    }

    /** Writes a complete shared frame ({@code raw}) as it is, or the bytes wrapped in a frame (event loop only). */
    private void writeNow(byte[] data, boolean binary, ByteBuf raw) {
        if (raw != null) {
            channel.write(raw, channel.voidPromise());
        } else {
            channel.write(binary
                    ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data))
                    : new TextWebSocketFrame(Unpooled.wrappedBuffer(data)), channel.voidPromise());
        }
    }

    /**
     * Asks for one flush of this channel at the end of the event loop's current turn, however
     * many frames are written to it before then (event loop only).
     */
    private void requestFlush() {
        if (!flushRequested) {
            flushRequested = true;
            FlushBatch.forCurrentLoop(channel.eventLoop()).add(this);
        }
    }

    private boolean nothingQueued() {
        Queue<Frame> pending = queue;
        return pending == null || pending.isEmpty();
    }

    /** The queue, made by the first thread that needs it. */
    @SuppressWarnings("unchecked")
    private Queue<Frame> queue() {
        Queue<Frame> pending = queue;
        if (pending == null) {
            pending = new ConcurrentLinkedQueue<>();
            if (!QUEUE.compareAndSet(this, null, pending)) {
                pending = queue;
            }
        }
        return pending;
    }

    /** The batched flush: called once per turn by {@link FlushBatch} (event loop only). */
    void flushNow() {
        flushRequested = false;
        if (closed) {
            return;
        }
        channel.flush();
        if (!channel.isWritable() && channel.bytesBeforeWritable() > slowConsumerLimit) {
            failed = true;
            closed = true;
            Queue<Frame> pending = queue;
            if (pending != null) {
                pending.clear();
            }
            channel.close();
        }
    }

    /** The drain task, run on the channel's event loop once scheduled by {@link #flush()}. */
    @Override
    public void run() {
        drain();
    }

    /**
     * Writes every queued frame (event loop only, by the holder of the drain token). The token is given back only
     * once the queue is empty, and taken again if a frame came in meanwhile: a write handed over by a fan-out takes
     * the token only while it is free, so no frame queued after that write can be drained before it.
     */
    private void drain() {
        boolean wrote = false;
        Frame frame;
        for (;;) {
            Queue<Frame> pending = queue;
            frame = pending == null ? null : pending.poll();
            if (frame == null) {
                drainScheduled = 0;
                // a frame queued after the last poll found the token taken and scheduled nothing: take it back
                if (nothingQueued() || !DRAIN_SCHEDULED.compareAndSet(this, 0, 1)) {
                    break;
                }
                continue;
            }
            if (closed) {
                continue;
            }
            if (frame == CLOSE) {
                if (wrote || flushRequested) {
                    channel.flush();
                    wrote = false;
                }
                closed = true;
                // No close frame on a channel that is going away: it can be dropped unreleased
                // further down the pipeline (seen with the leak detector).
                if (!inboundEnded && channel.isActive()) {
                    // A failure here means the peer is already gone and the inbound pipeline reports
                    // the close: nothing left to do with it (and nothing to log).
                    outbound.sendClose(CloseStatus.NORMAL.getCode(), CloseStatus.NORMAL.getReason())
                            .subscribe(null, NettyEngineWebSocket::closeFailed);
                }
                continue;
            }
            writeNow(frame.data(), frame.binary(), frame.raw());
            wrote = true;
        }
        if (wrote) {
            requestFlush();
        }
    }
}
