package dev.socketeer.engine.netty;

import dev.socketeer.engine.EngineOptions;
import dev.socketeer.engine.PollingExchange;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;

/** One polling request/response; the response is written when the engine calls {@link #respond}. */
final class NettyPollingExchange implements PollingExchange {

    private record Response(int status, String contentType, byte[] body, boolean compressible) {
    }

    private final ServerWebExchange exchange;
    private final EngineOptions options;
    private final Sinks.One<Response> response = Sinks.one();
    private final AtomicBoolean responded = new AtomicBoolean();
    private volatile String cookieSid;
    private volatile Runnable onAbort;
    private volatile ChannelFutureListener closeListener;
    private final long arrivalNanos;

    NettyPollingExchange(ServerWebExchange exchange, EngineOptions options) {
        this.exchange = exchange;
        this.options = options;
        this.arrivalNanos = arrivalNanos(exchange.getRequest());
    }

    @Override
    public long arrivalNanos() {
        return arrivalNanos;
    }

    /**
     * Reactor Netty stamps each request when its headers are decoded, on the connection's own event
     * loop: the earliest moment we can know, before WebFilters and thread hops.
     */
    private static long arrivalNanos(ServerHttpRequest request) {
        Instant arrival;
        try {
            Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
            arrival = nativeRequest instanceof HttpServerRequest netty && netty.timestamp() != null
                    ? netty.timestamp().toInstant() : Instant.now();
        } catch (IllegalArgumentException e) {
            arrival = Instant.now();
        }
        return arrival.getEpochSecond() * 1_000_000_000L + arrival.getNano();
    }

    @Override
    public String method() {
        return exchange.getRequest().getMethod().name();
    }

    @Override
    public String contentType() {
        return exchange.getRequest().getHeaders().getFirst(HttpHeaders.CONTENT_TYPE);
    }

    @Override
    public void readBody(long maxBytes, BodyCallback callback) {
        if (exchange.getRequest().getHeaders().getContentLength() > maxBytes) {
            callback.onTooLarge(); // announced too large: not a byte of it is read
            return;
        }
        int limit = (int) Math.min(maxBytes, Integer.MAX_VALUE - 8);
        AtomicBoolean done = new AtomicBoolean();
        DataBufferUtils.join(exchange.getRequest().getBody(), limit).subscribe(buffer -> {
            byte[] body = new byte[buffer.readableByteCount()];
            buffer.read(body);
            DataBufferUtils.release(buffer);
            if (done.compareAndSet(false, true)) {
                callback.onBody(body);
            }
        }, error -> {
            if (done.compareAndSet(false, true)) {
                if (error instanceof DataBufferLimitException) {
                    callback.onTooLarge();
                } else {
                    callback.onError(error);
                }
            }
        }, () -> {
            if (done.compareAndSet(false, true)) {
                callback.onBody(new byte[0]);
            }
        });
    }

    @Override
    public void respond(int status, String contentType, byte[] body, boolean compressible) {
        if (responded.compareAndSet(false, true)) {
            Channel channel = channel();
            ChannelFutureListener listener = closeListener;
            if (channel != null && listener != null) {
                channel.closeFuture().removeListener(listener);
            }
            Response answer = new Response(status, contentType, body, compressible);
            if (channel == null || channel.eventLoop().inEventLoop()) {
                response.tryEmitValue(answer);
                return;
            }
            // Written, completed and wound down on the connection's own event loop, in one task, before the loop
            // reads the client's next request on this keep-alive connection. Completed on another thread (a
            // timer, another connection's loop, application code), the exchange could still be winding down
            // when that request arrived; Reactor Netty (1.3.6) then queued it and, if it was answered at once,
            // never read the connection again: the client's next request (its CONNECT, its next poll) hung.
            try {
                channel.eventLoop().execute(() -> response.tryEmitValue(answer));
            } catch (RejectedExecutionException e) {
                response.tryEmitValue(answer); // the loop is shutting down: whatever still can be written
            }
        }
    }

    @Override
    public void onAbort(Runnable onAbort) {
        this.onAbort = onAbort;
        Channel channel = channel();
        if (channel == null) {
            return;
        }
        ChannelFutureListener listener = (ChannelFuture future) -> {
            if (responded.compareAndSet(false, true)) {
                Runnable abort = this.onAbort;
                if (abort != null) {
                    abort.run();
                }
            }
        };
        closeListener = listener;
        channel.closeFuture().addListener(listener);
        if (responded.get()) {
            channel.closeFuture().removeListener(listener);
        }
    }

    @Override
    public void sessionCreated(String sid) {
        cookieSid = sid;
    }

    private Channel channel() {
        ServerHttpRequest request = exchange.getRequest();
        try {
            Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
            return nativeRequest instanceof Connection connection ? connection.channel() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Completes when the response has been written. */
    Mono<Void> result() {
        return response.asMono().flatMap(this::write);
    }

    private Mono<Void> write(Response r) {
        ServerHttpResponse res = exchange.getResponse();
        res.setStatusCode(HttpStatusCode.valueOf(r.status()));
        HttpHeaders headers = res.getHeaders();
        if (r.status() == 413) {
            // the rest of the body is not read: the connection closes after the answer, as the reference closes it,
            // instead of reading whatever the client still sends (its Content-Length may claim gigabytes)
            headers.set(HttpHeaders.CONNECTION, "close");
        }
        if (r.status() == 200) {
            headers.set(HttpHeaders.CACHE_CONTROL, "no-store");
            EngineOptions.Cookie cookie = options.cookie();
            String sid = cookieSid;
            if (cookie != null && sid != null) {
                // Written by hand: Netty's encoder spells the flag "HTTPOnly"; the reference writes "HttpOnly".
                StringBuilder value = new StringBuilder(cookie.name()).append('=').append(sid);
                if (cookie.path() != null) {
                    value.append("; Path=").append(cookie.path());
                }
                if (cookie.httpOnly()) {
                    value.append("; HttpOnly");
                }
                if (cookie.secure()) {
                    value.append("; Secure");
                }
                if (cookie.sameSite() != null) {
                    value.append("; SameSite=").append(cookie.sameSite());
                }
                headers.add(HttpHeaders.SET_COOKIE, value.toString());
            }
        }
        if (r.body() == null) {
            headers.setContentLength(0);
            return res.setComplete();
        }
        byte[] body = r.body();
        headers.set(HttpHeaders.CONTENT_TYPE, r.contentType());
        EngineOptions.Compression compression = options.httpCompression();
        if (r.compressible() && compression != null && body.length >= compression.threshold()) {
            String encoding = chooseEncoding(exchange.getRequest().getHeaders().getFirst(HttpHeaders.ACCEPT_ENCODING));
            if (encoding != null) {
                body = compress(body, encoding);
                headers.set(HttpHeaders.CONTENT_ENCODING, encoding);
            }
        }
        headers.setContentLength(body.length);
        DataBuffer buffer = res.bufferFactory().wrap(body);
        return res.writeWith(Mono.just(buffer));
    }

    /** gzip or deflate, whichever the client prefers (gzip on a tie), or {@code null}. */
    static String chooseEncoding(String acceptEncoding) {
        if (acceptEncoding == null) {
            return null;
        }
        double gzip = -1;
        double deflate = -1;
        double any = -1;
        for (String part : acceptEncoding.split(",")) {
            String[] pieces = part.trim().split(";");
            String name = pieces[0].trim().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int i = 1; i < pieces.length; i++) {
                String p = pieces[i].trim();
                if (p.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            switch (name) {
                case "gzip" -> gzip = q;
                case "deflate" -> deflate = q;
                case "*" -> any = q;
                default -> {
                }
            }
        }
        if (gzip < 0) {
            gzip = any;
        }
        if (deflate < 0) {
            deflate = any;
        }
        if (gzip <= 0 && deflate <= 0) {
            return null;
        }
        return gzip >= deflate ? "gzip" : "deflate";
    }

    private static byte[] compress(byte[] body, String encoding) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length / 2 + 32);
        try (OutputStream out = "gzip".equals(encoding) ? new GZIPOutputStream(bytes) : new DeflaterOutputStream(bytes)) {
            out.write(body);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory compression failed", e);
        }
        return bytes.toByteArray();
    }
}
