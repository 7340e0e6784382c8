package dev.socketeer.engine.netty;

import dev.socketeer.engine.EngineWebSocket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.reactivestreams.Subscription;
import org.springframework.web.reactive.socket.CloseStatus;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.netty.NettyInbound;

/**
 * Hands the messages of one WebSocket connection to the engine, and completes when the connection's
 * inbound ends (peer close, reset, error or cancel), after telling the engine. One object for the
 * life of the connection, where an operator chain ({@code doOnNext}, {@code then}, {@code doOnSuccess},
 * {@code doOnError}, {@code doOnCancel}, {@code onErrorComplete} over {@code receiveFrames()}) kept a
 * dozen: it is the {@code Mono} the WebSocket handler returns, the subscriber of Reactor Netty's
 * inbound, and the subscription it hands to its own subscriber. Subscribed once.
 *
 * <p>It also joins a message sent in several frames (fragments), up to the largest message allowed, and holds
 * each message to RFC 6455 as {@code ws} does: a message over the limit closes the connection with 1009, text that
 * is not UTF-8 with 1007, a reserved bit no extension explains with 1002. Each such error is counted and logged at
 * DEBUG (a client must not choose the log's volume).
 */
final class InboundFrames extends Mono<Void> implements CoreSubscriber<Object>, Subscription {

    private static final AtomicIntegerFieldUpdater<InboundFrames> TERMINATED =
            AtomicIntegerFieldUpdater.newUpdater(InboundFrames.class, "terminated");
    private static final int RUNNING = 0;
    private static final int ENDED = 1;
    /** A protocol error closed the connection: frames still in flight are ignored, the end is still reported. */
    private static final int REFUSED = 2;

    /** A message arriving in fragments, while it does. */
    private static final class Fragments {
        final boolean text;
        byte[] bytes = new byte[256];
        int length;

        Fragments(boolean text) {
            this.text = text;
        }
    }

    private final NettyInbound source;
    private final EngineWebSocket.Inbound inbound;
    private final NettyEngineWebSocket connection;
    private final EngineWebHandler handler;
    private CoreSubscriber<? super Void> actual;
    private Subscription upstream;
    private Fragments fragments; // event loop only
    private volatile int terminated;

    InboundFrames(NettyInbound source, EngineWebSocket.Inbound inbound, NettyEngineWebSocket connection,
            EngineWebHandler handler) {
        this.source = source;
        this.inbound = inbound;
        this.connection = connection;
        this.handler = handler;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Void> subscriber) {
        if (actual != null) {
            Operators.error(subscriber, new IllegalStateException("InboundFrames allows one subscriber only"));
            return;
        }
        actual = subscriber;
        source.receiveObject().subscribe(this);
    }

    @Override
    public void onSubscribe(Subscription subscription) {
        if (Operators.validate(upstream, subscription)) {
            upstream = subscription;
            actual.onSubscribe(this);
            subscription.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(Object message) {
        if (terminated != RUNNING || !(message instanceof WebSocketFrame frame)) {
            return; // pongs; Reactor Netty answers pings and closes
        }
        try {
            if (frame.rsv() != 0) {
                // set by no extension: permessage-deflate's decoder clears the bit it uses
                refuse(WebSocketCloseStatus.PROTOCOL_ERROR, "reserved bits set");
            } else if (frame instanceof ContinuationWebSocketFrame) {
                onContinuation(frame.content(), frame.isFinalFragment());
            } else if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
                boolean text = frame instanceof TextWebSocketFrame;
                if (frame.isFinalFragment()) {
                    onMessage(frame.content(), text);
                } else {
                    fragments = new Fragments(text);
                    onContinuation(frame.content(), false);
                }
            }
        } catch (RuntimeException e) {
            upstream.cancel();
            onError(e);
        }
    }

    /** Reactor Netty releases the frame after {@link #onNext} returns: what is kept is copied. */
    private void onMessage(ByteBuf content, boolean text) {
        if (!text) {
            inbound.onBinary(ByteBufUtil.getBytes(content));
        } else if (!ByteBufUtil.isText(content, StandardCharsets.UTF_8)) {
            refuse(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "invalid UTF-8");
        } else {
            inbound.onText(content.toString(StandardCharsets.UTF_8));
        }
    }

    /** A fragment (the decoder has checked their order): joined to the others, up to the largest message. */
    private void onContinuation(ByteBuf content, boolean last) {
        Fragments message = fragments;
        int size = content.readableBytes();
        if ((long) message.length + size > handler.maxMessage()) {
            refuse(WebSocketCloseStatus.MESSAGE_TOO_BIG, "message over " + handler.maxMessage() + " bytes");
            return;
        }
        if (message.length + size > message.bytes.length) {
            int grown = (int) Math.min(handler.maxMessage(), Math.max(message.length + size, 2L * message.bytes.length));
            message.bytes = Arrays.copyOf(message.bytes, grown);
        }
        content.getBytes(content.readerIndex(), message.bytes, message.length, size);
        message.length += size;
        if (!last) {
            return;
        }
        fragments = null;
        byte[] whole = message.bytes.length == message.length ? message.bytes : Arrays.copyOf(message.bytes, message.length);
        if (!message.text) {
            inbound.onBinary(whole);
        } else if (!ByteBufUtil.isText(Unpooled.wrappedBuffer(whole), StandardCharsets.UTF_8)) {
            refuse(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "invalid UTF-8");
        } else {
            inbound.onText(new String(whole, StandardCharsets.UTF_8));
        }
    }

    /** Closes the connection for a protocol error, with its close code, and tells the engine. */
    private void refuse(WebSocketCloseStatus status, String reason) {
        if (!TERMINATED.compareAndSet(this, RUNNING, REFUSED)) {
            return;
        }
        fragments = null;
        handler.protocolError(connection.channel(), status.code(), reason);
        connection.fail(new CloseStatus(status.code(), reason));
        inbound.onClose(true);
    }

    @Override
    public void onError(Throwable error) {
        if (end(true)) {
            actual.onComplete();
        }
    }

    @Override
    public void onComplete() {
        if (end(connection.failed())) {
            actual.onComplete();
        }
    }

    @Override
    public void request(long n) {
        // completes without values: nothing to request
    }

    @Override
    public void cancel() {
        if (end(connection.failed())) {
            upstream.cancel();
        }
    }

    /** Tells the connection and the engine that the inbound is over, once: {@code false} if it already was. */
    private boolean end(boolean error) {
        int state;
        do {
            state = terminated;
            if (state == ENDED) {
                return false;
            }
        } while (!TERMINATED.compareAndSet(this, state, ENDED));
        connection.inboundEnded();
        if (state == RUNNING) {
            inbound.onClose(error);
        }
        return true;
    }
}
