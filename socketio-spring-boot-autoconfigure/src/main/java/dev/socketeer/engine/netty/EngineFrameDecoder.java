package dev.socketeer.engine.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The frame decoder of an Engine.IO WebSocket connection, in place of the one the handshake installed: Netty's, with
 * RFC 6455's answers where Netty's differ from the reference's ({@code ws}), and the channel's writability changes
 * passed to the connection (which holds frames back while the channel is not writable).
 *
 * <ul>
 * <li>A protocol error is answered by Netty with a close frame (1002, or 1009 for a frame over the size limit) and
 * the channel closed, then thrown up the pipeline, where Reactor Netty logged it at WARN for every such connection:
 * a client chose the log's volume. Here it is counted and logged at DEBUG, and goes no further.</li>
 * <li>A close frame with an invalid status code, or a reason that is not UTF-8, got a bare TCP close from Netty;
 * {@code ws} answers with a close frame (1002, 1007), and so does this decoder.</li>
 * <li>Reserved bits are refused (1002) unless an extension was negotiated, as {@code ws} refuses them.</li>
 * </ul>
 * One per connection, like the decoder it replaces; its own fields are the connection and a flag.
 */
final class EngineFrameDecoder extends WebSocket13FrameDecoder {

    private final NettyEngineWebSocket connection;
    private final EngineWebHandler handler;
    private boolean corrupt;

    EngineFrameDecoder(WebSocketDecoderConfig config, NettyEngineWebSocket connection, EngineWebHandler handler) {
        super(config);
        this.connection = connection;
        this.handler = handler;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (corrupt) {
            in.skipBytes(in.readableBytes()); // the connection is closing: nothing after the error is read
            return;
        }
        try {
            super.decode(ctx, in, out);
        } catch (CorruptedWebSocketFrameException error) {
            corrupt = true;
            connection.markFailed();
            handler.protocolError(ctx.channel(), error.closeStatus().code(), error.getMessage());
        }
    }

    @Override
    protected void checkCloseFrameBody(ChannelHandlerContext ctx, ByteBuf body) {
        if (body != null && body.readableBytes() >= 2) {
            int code = body.getUnsignedShort(body.readerIndex());
            if (!isValidCloseCode(code)) {
                refuse(ctx, WebSocketCloseStatus.PROTOCOL_ERROR, "invalid close code " + code);
            }
            if (body.readableBytes() > 2
                    && !ByteBufUtil.isText(body, body.readerIndex() + 2, body.readableBytes() - 2, StandardCharsets.UTF_8)) {
                refuse(ctx, WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "invalid UTF-8 in the close reason");
            }
        }
        super.checkCloseFrameBody(ctx, body);
    }

    /** The close codes a peer may send, as {@code ws} accepts them (RFC 6455 §7.4). */
    private static boolean isValidCloseCode(int code) {
        return (code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006)
                || (code >= 3000 && code <= 4999);
    }

    private static void refuse(ChannelHandlerContext ctx, WebSocketCloseStatus status, String reason) {
        ctx.writeAndFlush(new CloseWebSocketFrame(status, reason)).addListener(ChannelFutureListener.CLOSE);
        throw new CorruptedWebSocketFrameException(status, reason);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        connection.onWritabilityChanged();
        super.channelWritabilityChanged(ctx);
    }
}
