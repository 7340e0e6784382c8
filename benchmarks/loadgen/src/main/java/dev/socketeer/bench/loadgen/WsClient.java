package dev.socketeer.bench.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;

/** One WebSocket client: {@code ?EIO=4&transport=websocket}, one Engine.IO packet per text frame. */
final class WsClient extends SioClient {

    private final WebSocketClientHandshaker handshaker;
    volatile Channel channel;

    WsClient(LoadGen gen, int index, int room, URI uri) {
        super(gen, index, room);
        this.handshaker = WebSocketClientHandshakerFactory.newHandshaker(
                uri, WebSocketVersion.V13, null, false, EmptyHttpHeaders.INSTANCE, 1 << 20);
    }

    @Override
    void send(String packet, boolean flush) {
        Channel ch = channel;
        if (ch == null || closed) {
            return;
        }
        TextWebSocketFrame frame = new TextWebSocketFrame(ByteBufUtil.writeUtf8(ch.alloc(), packet));
        if (flush) {
            ch.writeAndFlush(frame, ch.voidPromise());
        } else {
            ch.write(frame, ch.voidPromise());
        }
    }

    @Override
    Channel channel() {
        return channel;
    }

    void flush() {
        Channel ch = channel;
        if (ch != null) {
            ch.flush();
        }
    }

    @Override
    void close() {
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    final class Handler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            handshaker.handshake(ctx.channel());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!handshaker.isHandshakeComplete()) {
                    handshaker.finishHandshake(ctx.channel(), (FullHttpResponse) msg);
                    return;
                }
                if (msg instanceof TextWebSocketFrame text) {
                    ByteBuf b = text.content();
                    onPacket(b, b.readerIndex(), b.writerIndex());
                } else if (msg instanceof PingWebSocketFrame ping) {
                    ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
                } else if (msg instanceof CloseWebSocketFrame) {
                    ctx.close();
                } else if (msg instanceof WebSocketFrame) {
                    stats.corrupt.increment();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed = true;
            if (sioConnected) {
                stats.disconnectedAfterConnect.increment();
                if (room >= 0) {
                    stats.roomMembers.decrementAndGet(room);
                }
            } else {
                gen.onConnectFailed(WsClient.this);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            gen.noteError(cause);
            ctx.close();
        }
    }
}
