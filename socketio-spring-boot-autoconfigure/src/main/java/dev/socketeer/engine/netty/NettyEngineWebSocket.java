package dev.socketeer.engine.netty;

import dev.socketeer.engine.EngineOptions;
import dev.socketeer.engine.EngineWebSocket;
import dev.socketeer.engine.WriteScope;
import dev.socketeer.protocol.engineio.EngineMessage;
import dev.socketeer.protocol.engineio.EnginePacketType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.springframework.web.reactive.socket.CloseStatus;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * Writes engine frames straight to the Netty channel of a WebSocket session.
 *
 * <p>Frames from any thread go into a queue that the channel's event loop drains, so they reach
 * the wire in call order; inside a fan-out ({@link WriteScope}) on another thread they are handed
 * to the event loop with the fan-out's other writes instead, still in call order.
 *
 * <p>Writes made on the channel's own event loop while nothing is queued go straight to the
 * channel. Flushes are batched: a channel written to during an event-loop turn is flushed once,
 * at the end of that turn ({@link FlushBatch}), not once per frame. A message written to many
 * connections (a broadcast) goes out as one complete frame built for all of them
 * ({@link SharedFrames}), unless permessage-deflate was negotiated.
 *
 * <p>Backpressure ({@link EngineOptions.Backpressure}): the channel takes frames until more than the high-water
 * mark waits in it (its {@code WriteBufferWaterMark}); later frames are held back here, in order, and go into the
 * channel as it drains (the frame decoder passes on the channel's writability changes). What waits for a client is
 * therefore mostly here, where it can be dropped: a client more than {@code maxBuffer} bytes behind, or one that
 * read nothing for {@code maxLag} while lagging, loses what waited and gets the Engine.IO close packet and a 1008
 * close frame at once (or, if it reads nothing at all, a TCP close), and the engine closes its session
 * ({@code "slow client"}). Held frames are the shared messages themselves: holding one costs a queue node.
 */
final class NettyEngineWebSocket implements EngineWebSocket, Runnable {

    /** A queued frame: bytes to wrap in a frame, or ({@code raw}) a complete frame to write as it is. */
    private record Frame(byte[] data, boolean binary, ByteBuf raw) {
        int size() {
            return raw != null ? raw.readableBytes() : data.length;
        }
    }

    /**
     * The rare states of a connection, made the first time it is needed (most connections never need it): frames
     * held back while the channel is not writable, the watch over a lagging client, how to close after a failure.
     * Confined to the event loop, except {@link #bytes}.
     */
    private static final class Backlog {
        final ArrayDeque<Frame> frames = new ArrayDeque<>();
        /** The bytes of {@link #frames}; read by any thread. */
        volatile long bytes;
        /** Whether the client has lagged since the backlog last drained (a drain is then reported). */
        boolean lagging;
        ScheduledFuture<?> watch;
        Object sampledEntry;
        long sampledProgress;
        long lastProgressNanos;
        /** The close frame's status when not a normal close. */
        CloseStatus closeStatus;
        /** Close the channel without a close frame: the client reads nothing, a frame would never arrive. */
        boolean abort;
    }

    private static final Frame CLOSE = new Frame(new byte[0], false, null);
    private static final byte[] CLOSE_PACKET = { (byte) EnginePacketType.CLOSE.code() };
    private static final CloseStatus SLOW_CLIENT = new CloseStatus(1008, "slow client");
    private static final AtomicIntegerFieldUpdater<NettyEngineWebSocket> DRAIN_SCHEDULED =
            AtomicIntegerFieldUpdater.newUpdater(NettyEngineWebSocket.class, "drainScheduled");
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<NettyEngineWebSocket, Queue> QUEUE =
            AtomicReferenceFieldUpdater.newUpdater(NettyEngineWebSocket.class, Queue.class, "queue");

    private final WebsocketOutbound outbound;
    private final Channel channel;
    private final EngineOptions.Backpressure policy;
    // Set by the mounting layer once the engine took the connection, on the event loop, before any frame arrives.
    private EngineWebSocket.Inbound inbound;
    // Made when a first frame has to be queued (most idle connections never queue one), then kept: null means empty.
    private volatile Queue<Frame> queue;
    // The drain token: 1 while a drain task or a fan-out write handed over is pending or running on the event loop;
    // its holder drains the queue and gives the token back only once the queue is empty, so nothing queued meanwhile
    // can overtake it. A field, and this object as the drain task, not an AtomicBoolean and a lambda: 32 bytes less
    // per connection.
    private volatile int drainScheduled;
    private volatile Backlog backlog;
    private volatile boolean failed;
    private volatile boolean inboundEnded;
    private boolean closed; // event loop only
    private boolean flushRequested; // event loop only
    // Whether frames may be held back: only when the channel's writability changes reach us (our frame decoder).
    private boolean holdBack; // event loop only
    private volatile Boolean rawFrames;

    NettyEngineWebSocket(WebsocketOutbound outbound, Channel channel, EngineOptions.Backpressure policy) {
        this.outbound = outbound;
        this.channel = channel;
        this.policy = policy;
    }

    /** Connects the engine's side of this connection (event loop, before any frame arrives). */
    void inbound(EngineWebSocket.Inbound inbound) {
        this.inbound = inbound;
    }

    Channel channel() {
        return channel;
    }

    /** Turns holding back on: {@link #onWritabilityChanged()} will be called (event loop). */
    void holdBack() {
        holdBack = true;
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
            // On the channel's own event loop with nothing queued, pending or held, every earlier frame is already
            // in the channel: write straight through (no queue node, no task), order is kept.
            if (nothingQueued() && drainScheduled == 0 && nothingHeld() && channel.isWritable()) {
                writeNow(data, binary, raw);
                requestFlush();
                return;
            }
        } else if (nothingQueued() && WriteScope.isOpen() && channel.isWritable()
                && DRAIN_SCHEDULED.compareAndSet(this, 0, 1)) {
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
        if (!closed && !failed) {
            if (holding()) {
                hold(new Frame(data, binary, raw));
            } else {
                writeNow(data, binary, raw);
                requestFlush();
            }
        }
        drain();
    }

    @Override
    public void writeAhead(byte[] frame) {
        if (!channel.eventLoop().inEventLoop()) {
            try {
                channel.eventLoop().execute(() -> writeAhead(frame));
            } catch (RejectedExecutionException e) {
                // the event loop is shutting down, and the connection with it
            }
            return;
        }
        if (!closed) {
            writeNow(frame, false, null);
            requestFlush();
        }
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
        Backlog held = backlog;
        return channel.isWritable() && (held == null || held.bytes == 0);
    }

    @Override
    public long bufferedAmount() {
        Backlog held = backlog;
        return pendingInChannel() + (held == null ? 0 : held.bytes);
    }

    @Override
    public void close() {
        queue().add(CLOSE);
        flush();
    }

    /**
     * Closes after a protocol error (event loop): what waits is dropped, and the close frame carries
     * {@code status}.
     */
    void fail(CloseStatus status) {
        failed = true;
        if (closed) {
            return;
        }
        Backlog held = backlog();
        dropHeld(held);
        if (held.closeStatus == null) {
            held.closeStatus = status;
        }
        close();
    }

    /**
     * Called when the inbound side has terminated (peer close, reset, cancel): the connection is
     * over, and closing the session from inside that terminal signal would make Reactor Netty
     * signal its error a second time, to a subscriber already done (a dropped error).
     */
    void inboundEnded() {
        inboundEnded = true;
    }

    /** Whether the connection was closed because of a failure (a protocol error, a slow client). */
    boolean failed() {
        return failed;
    }

    /** Marks the connection as failed: its end is a transport error, not a close. */
    void markFailed() {
        failed = true;
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

    /** Whether no frame is held back (event loop only). */
    private boolean nothingHeld() {
        Backlog held = backlog;
        return held == null || held.frames.isEmpty();
    }

    /** Whether a frame written now must wait behind others (event loop only). */
    private boolean holding() {
        return holdBack && (!nothingHeld() || !channel.isWritable());
    }

    private Backlog backlog() {
        Backlog held = backlog;
        if (held == null) {
            held = new Backlog();
            backlog = held;
        }
        return held;
    }

    /**
     * Holds a frame back (event loop), unless that would put the client more than {@code maxBuffer} behind: then the
     * client is cut off instead, and the frame dropped with what waited.
     */
    private void hold(Frame frame) {
        Backlog held = backlog();
        if (held.bytes + frame.size() + pendingInChannel() > policy.maxBuffer()) {
            slowClient(false);
            return;
        }
        held.frames.add(frame);
        held.bytes += frame.size();
    }

    private long pendingInChannel() {
        ChannelOutboundBuffer inChannel = channel.unsafe().outboundBuffer();
        return inChannel == null ? 0 : inChannel.totalPendingWriteBytes();
    }

    /** Writes held frames while the channel takes them, or all of them (event loop only). */
    private boolean writeHeld(boolean all) {
        Backlog held = backlog;
        if (held == null || held.frames.isEmpty()) {
            return false;
        }
        long bytes = held.bytes;
        boolean wrote = false;
        Frame frame;
        while ((all || channel.isWritable()) && (frame = held.frames.poll()) != null) {
            bytes -= frame.size();
            writeNow(frame.data(), frame.binary(), frame.raw());
            wrote = true;
        }
        held.bytes = bytes;
        return wrote;
    }

    private static void dropHeld(Backlog held) {
        // shared frames are unreleasable duplicates and the rest wrap arrays: nothing to release
        held.frames.clear();
        held.bytes = 0;
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
        checkBacklog();
    }

    /** The channel's writability changed (event loop; passed on by the frame decoder). */
    void onWritabilityChanged() {
        if (closed || failed || !channel.isWritable()) {
            return;
        }
        if (!nothingHeld()) {
            if (DRAIN_SCHEDULED.compareAndSet(this, 0, 1)) {
                drain(); // and checks the backlog after, which reports the drain once nothing is held
            }
            return; // else the token's holder drains what is held, and checks after
        }
        // Writable again with nothing held: whoever saw the socket lagging (even within one turn, before the flush
        // that emptied the channel) is waiting for this.
        reportDrained(backlog);
    }

    /** Tells the engine that the client caught up (event loop); the lag watch, if any, stops. */
    private void reportDrained(Backlog held) {
        if (held != null) {
            held.lagging = false;
            cancelWatch(held);
        }
        EngineWebSocket.Inbound engine = inbound;
        if (engine != null) {
            engine.onDrain();
        }
    }

    /**
     * Applies the backpressure policy after frames went into the channel or were held (event loop): a client
     * behind starts being watched, one too far behind is closed, one that caught up is reported drained.
     */
    private void checkBacklog() {
        if (closed || failed) {
            return;
        }
        Backlog held = backlog;
        if (!channel.isWritable() || (held != null && !held.frames.isEmpty())) {
            held = backlog();
            if (!held.lagging) {
                held.lagging = true;
                held.lastProgressNanos = System.nanoTime();
                sampleProgress(held);
                held.watch = channel.eventLoop().schedule(this::checkLag, watchPeriodNanos(), TimeUnit.NANOSECONDS);
            }
            if (bufferedAmount() > policy.maxBuffer()) {
                slowClient(false);
            }
        } else if (held != null && held.lagging) {
            reportDrained(held);
        }
    }

    private long watchPeriodNanos() {
        return Math.max(TimeUnit.MILLISECONDS.toNanos(1), policy.maxLag().toNanos() / 4);
    }

    /** The lag watch (event loop): a lagging client whose socket took nothing for {@code maxLag} is closed. */
    private void checkLag() {
        Backlog held = backlog;
        held.watch = null;
        if (closed || !held.lagging) {
            return;
        }
        long now = System.nanoTime();
        if (sampleProgress(held)) {
            held.lastProgressNanos = now;
        } else if (now - held.lastProgressNanos >= policy.maxLag().toNanos()) {
            slowClient(true);
            return;
        }
        held.watch = channel.eventLoop().schedule(this::checkLag, watchPeriodNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Whether the socket took bytes since the last sample: the message at the head of the channel's outbound buffer
     * changed, or more of it was written. Exact, whatever is added behind it meanwhile.
     */
    private boolean sampleProgress(Backlog held) {
        ChannelOutboundBuffer inChannel = channel.unsafe().outboundBuffer();
        if (inChannel == null) {
            return true; // closed: nothing to watch
        }
        Object head = inChannel.current();
        long progress = inChannel.currentProgress();
        boolean moved = head != held.sampledEntry || progress != held.sampledProgress;
        held.sampledEntry = head;
        held.sampledProgress = progress;
        return moved;
    }

    private static void cancelWatch(Backlog held) {
        if (held.watch != null) {
            held.watch.cancel(false);
            held.watch = null;
        }
        held.sampledEntry = null;
    }

    /**
     * The client is further behind than the policy allows (event loop): what waits is dropped, and so is every data
     * frame after it; the Engine.IO close packet goes next (unless the client reads nothing: it would never get it),
     * and the engine closes the session, which closes the connection.
     */
    private void slowClient(boolean stalled) {
        if (closed || failed) {
            return;
        }
        long waiting = bufferedAmount();
        failed = true;
        Backlog held = backlog();
        dropHeld(held);
        cancelWatch(held);
        held.abort = stalled;
        held.closeStatus = SLOW_CLIENT;
        if (!stalled) {
            writeNow(CLOSE_PACKET, false, null);
            requestFlush();
        }
        EngineWebSocket.Inbound engine = inbound;
        if (engine != null) {
            engine.onSlowClient(waiting, stalled); // the close packet, then close()
        }
        close(); // in case the engine had let go of this connection already
    }

    /** The drain task, run on the channel's event loop once scheduled by {@link #flush()}. */
    @Override
    public void run() {
        drain();
    }

    /**
     * Writes every queued frame, held ones first, or holds them while the channel is not writable (event loop only,
     * by the holder of the drain token). The token is given back only once the queue is empty, and taken again if a
     * frame came in meanwhile: a write handed over by a fan-out takes the token only while it is free, so no frame
     * queued after that write can be drained before it.
     */
    private void drain() {
        boolean wrote = !closed && writeHeld(false);
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
            if (frame == CLOSE) {
                if (!closed) {
                    closeChannel(wrote);
                    wrote = false;
                }
                continue;
            }
            if (closed || failed) {
                continue; // a failed connection gets nothing but its close
            }
            if (holding()) {
                hold(frame);
                continue;
            }
            writeNow(frame.data(), frame.binary(), frame.raw());
            wrote = true;
        }
        if (wrote) {
            requestFlush();
        }
        checkBacklog();
    }

    /** Processes the close (event loop): what is held goes first, then the close frame; or, aborting, nothing. */
    private void closeChannel(boolean wrote) {
        Backlog held = backlog;
        closed = true;
        if (held != null) {
            cancelWatch(held);
            if (held.abort) {
                dropHeld(held);
                channel.close();
                return;
            }
            wrote |= writeHeld(true);
        }
        if (wrote || flushRequested) {
            channel.flush();
        }
        // No close frame on a channel that is going away: it can be dropped unreleased
        // further down the pipeline (seen with the leak detector).
        if (!inboundEnded && channel.isActive()) {
            CloseStatus status = held != null && held.closeStatus != null ? held.closeStatus : CloseStatus.NORMAL;
            // A failure here means the peer is already gone and the inbound pipeline reports
            // the close: nothing left to do with it (and nothing to log).
            outbound.sendClose(status.getCode(), status.getReason()).subscribe(null, NettyEngineWebSocket::closeFailed);
            // Reactor Netty closes the channel once the close frame is written; a client that stops reading may
            // never let it be: like ws's close timeout, give up after the lag a client is allowed.
            channel.eventLoop().schedule(this::closeIfOpen, policy.maxLag().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void closeIfOpen() {
        if (channel.isOpen()) {
            channel.close();
        }
    }
}
