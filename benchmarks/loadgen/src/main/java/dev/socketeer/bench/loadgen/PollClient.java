package dev.socketeer.bench.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * One HTTP long-polling client: a keep-alive connection that always holds a pending GET and a
 * second one for POSTs (one POST in flight at a time, later packets batched with 0x1E).
 */
final class PollClient extends SioClient {

    private final String host;
    private final String path;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    volatile Channel getChannel;
    Channel postChannel;
    private boolean postConnecting;
    private String sid;
    private boolean postInFlight;
    private int getReconnects;
    private final ArrayDeque<String> postQueue = new ArrayDeque<>(2);

    PollClient(LoadGen gen, int index, int room, String host, String path, InetSocketAddress remote, InetSocketAddress local) {
        super(gen, index, room);
        this.host = host;
        this.path = path;
        this.remote = remote;
        this.local = local;
    }

    private String url() {
        return path + "?EIO=4&transport=polling&room=" + roomName() + (sid == null ? "" : "&sid=" + sid);
    }

    void start(Bootstrap bootstrap) {
        ChannelFuture f = bootstrap.clone().handler(gen.httpInitializer(new Handler(true))).connect(remote, local);
        getChannel = f.channel();
    }

    @Override
    Channel channel() {
        return getChannel;
    }

    private void get() {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, url());
        req.headers().set(HttpHeaderNames.HOST, host);
        getChannel.writeAndFlush(req, getChannel.voidPromise());
    }

    @Override
    void send(String packet, boolean flush) {
        if (closed) {
            return;
        }
        postQueue.add(packet);
        drainPosts();
    }

    private void drainPosts() {
        if (postInFlight || postQueue.isEmpty() || sid == null) {
            return;
        }
        if (postChannel == null || !postChannel.isActive()) {
            if (!postConnecting) {
                postConnecting = true;
                ChannelFuture f = gen.bootstrapOn(getChannel.eventLoop()).handler(gen.httpInitializer(new Handler(false)))
                        .connect(remote, new InetSocketAddress(local.getAddress(), 0));
                postChannel = f.channel();
            }
            return;
        }
        StringBuilder body = new StringBuilder();
        while (!postQueue.isEmpty()) {
            if (body.length() > 0) {
                body.append((char) Wire.RS);
            }
            body.append(postQueue.poll());
        }
        ByteBuf content = ByteBufUtil.writeUtf8(postChannel.alloc(), body);
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, url(), content);
        req.headers().set(HttpHeaderNames.HOST, host)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        postInFlight = true;
        postChannel.writeAndFlush(req, postChannel.voidPromise());
    }

    @Override
    void close() {
        if (!closed) {
            closed = true;
            if (getChannel != null) {
                getChannel.close();
            }
            if (postChannel != null) {
                postChannel.close();
            }
        }
    }

    private void onGetResponse(FullHttpResponse res) {
        if (LoadGen.DEBUG) {
            LoadGen.log("poll client %d GET %s: %s", index, res.status(), res.content().toString(StandardCharsets.UTF_8));
        }
        if (res.status().code() != 200) {
            gen.noteError(new IllegalStateException("polling GET answered " + res.status() + ": "
                    + res.content().toString(StandardCharsets.UTF_8)));
            failOrClose();
            return;
        }
        ByteBuf b = res.content();
        int from = b.readerIndex();
        int end = b.writerIndex();
        if (sid == null) {
            // 0{"sid":"...", ...}
            String open = b.toString(StandardCharsets.UTF_8);
            int k = open.indexOf("\"sid\":\"");
            if (!open.startsWith("0") || k < 0) {
                gen.noteError(new IllegalStateException("bad polling handshake: " + open));
                failOrClose();
                return;
            }
            sid = open.substring(k + 7, open.indexOf('"', k + 7));
            onPacket(b, from, from + 1); // queues the CONNECT
            if (!closed) {
                get();
            }
            return;
        }
        while (from < end) {
            int sep = b.indexOf(from, end, Wire.RS);
            int stop = sep < 0 ? end : sep;
            onPacket(b, from, stop);
            from = stop + 1;
        }
        if (!closed) {
            get();
        }
    }

    private void failOrClose() {
        if (!sioConnected) {
            gen.onConnectFailed(this);
        }
        close();
    }

    private void onPostResponse(FullHttpResponse res) {
        postInFlight = false;
        if (res.status().code() != 200) {
            gen.noteError(new IllegalStateException("polling POST answered " + res.status()));
            failOrClose();
            return;
        }
        drainPosts();
    }

    final class Handler extends ChannelInboundHandlerAdapter {

        private final boolean isGet;

        Handler(boolean isGet) {
            this.isGet = isGet;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (isGet) {
                getChannel = ctx.channel();
                get();
            } else {
                postChannel = ctx.channel();
                postConnecting = false;
                drainPosts();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof FullHttpResponse res) {
                    if (isGet) {
                        onGetResponse(res);
                    } else {
                        onPostResponse(res);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!isGet) {
                // servers close idle keep-alive connections (Node after 5 s): reconnect on the next POST
                if (postChannel == ctx.channel()) {
                    postChannel = null;
                    postConnecting = false;
                    if (postInFlight) {
                        postInFlight = false;
                        gen.noteError(new IllegalStateException("POST connection closed with a request in flight"));
                    }
                    drainPosts();
                }
                return;
            }
            if (closed) {
                return;
            }
            if (LoadGen.DEBUG) {
                LoadGen.log("poll client %d: GET connection closed by the server (sid %s, connected %s)", index, sid, sioConnected);
            }
            if (sid != null && getReconnects < 1_000_000) {
                // netty-socketio closes the GET connection after each response: reconnect, as browsers do (counted)
                getReconnects++;
                gen.getReconnects.increment();
                getChannel = gen.bootstrapOn(ctx.channel().eventLoop()).handler(gen.httpInitializer(new Handler(true)))
                        .connect(remote, new InetSocketAddress(local.getAddress(), 0)).channel();
                return;
            }
            closed = true;
            if (sioConnected) {
                stats.disconnectedAfterConnect.increment();
                if (room >= 0) {
                    stats.roomMembers.decrementAndGet(room);
                }
            } else {
                gen.onConnectFailed(PollClient.this);
            }
            close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            gen.noteError(cause);
            ctx.close();
        }
    }
}
