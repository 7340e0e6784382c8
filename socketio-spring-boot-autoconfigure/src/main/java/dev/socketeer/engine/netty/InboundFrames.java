package dev.socketeer.engine.netty;

import dev.socketeer.engine.EngineWebSocket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.netty.NettyInbound;

/**
 * Hands the frames of one WebSocket connection to the engine, and completes when the connection's
 * inbound ends (peer close, reset, error or cancel), after telling the engine. One object for the
 * life of the connection, where an operator chain ({@code doOnNext}, {@code then}, {@code doOnSuccess},
 * {@code doOnError}, {@code doOnCancel}, {@code onErrorComplete} over {@code receiveFrames()}) kept a
 * dozen: it is the {@code Mono} the WebSocket handler returns, the subscriber of Reactor Netty's
 * inbound, and the subscription it hands to its own subscriber. Subscribed once.
 */
final class InboundFrames extends Mono<Void> implements CoreSubscriber<Object>, Subscription {

    private static final AtomicIntegerFieldUpdater<InboundFrames> TERMINATED =
            AtomicIntegerFieldUpdater.newUpdater(InboundFrames.class, "terminated");

    private final NettyInbound source;
    private final EngineWebSocket.Inbound inbound;
    private final NettyEngineWebSocket connection;
    private CoreSubscriber<? super Void> actual;
    private Subscription upstream;
    private volatile int terminated;

    InboundFrames(NettyInbound source, EngineWebSocket.Inbound inbound, NettyEngineWebSocket connection) {
        this.source = source;
        this.inbound = inbound;
        this.connection = connection;
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
        if (terminated != 0) {
            return;
        }
        try {
            if (message instanceof TextWebSocketFrame frame) {
                onText(frame.content());
            } else if (message instanceof BinaryWebSocketFrame frame) {
                inbound.onBinary(ByteBufUtil.getBytes(frame.content()));
            }
        } catch (RuntimeException e) {
            upstream.cancel();
            onError(e);
        }
    }

    /** Reactor Netty releases the frame after {@link #onNext} returns: what is kept is copied. */
    private void onText(ByteBuf content) {
        if (!ByteBufUtil.isText(content, StandardCharsets.UTF_8)) {
            // Invalid UTF-8 fails the connection, as ws does (1007).
            connection.close();
            inbound.onClose(true);
            return;
        }
        inbound.onText(content.toString(StandardCharsets.UTF_8));
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
        if (!TERMINATED.compareAndSet(this, 0, 1)) {
            return false;
        }
        connection.inboundEnded();
        inbound.onClose(error);
        return true;
    }
}
