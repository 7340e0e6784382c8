package dev.socketeer.bench.floor;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * The floor: a bare Reactor Netty WebSocket server with no Socket.IO logic. It answers the
 * Engine.IO open and the namespace CONNECT with canned frames, so the same generator works, and
 * writes each broadcast as one pre-encoded frame shared by every member of the room (the least
 * work a WebSocket fan-out can do on this stack). WebSocket only; no long-polling.
 */
public final class FloorServer {

    private static final ConcurrentHashMap<String, ChannelGroup> ROOMS = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();
    private static final byte[] BCAST = "42[\"bcast\",\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REQ = "\"req\",".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "3000"));
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(port)
                .handle((req, res) -> {
                    String uri = req.uri();
                    if (!uri.startsWith("/socket.io/")) {
                        return res.status(404).send();
                    }
                    return res.sendWebsocket((in, out) -> {
                        Connection[] conn = new Connection[1];
                        in.withConnection(c -> conn[0] = c);
                        Channel ch = conn[0].channel();
                        int k = uri.indexOf("room=");
                        if (k >= 0) {
                            int end = uri.indexOf('&', k);
                            String room = uri.substring(k + 5, end < 0 ? uri.length() : end);
                            ROOMS.computeIfAbsent(room, r -> new DefaultChannelGroup(GlobalEventExecutor.INSTANCE)).add(ch);
                        }
                        String sid = Long.toString(IDS.incrementAndGet());
                        ch.writeAndFlush(new TextWebSocketFrame("0{\"sid\":\"" + sid
                                + "\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}"));
                        in.aggregateFrames(1 << 20).receiveFrames().doOnNext(frame -> onFrame(ch, frame, sid)).subscribe();
                        return out.neverComplete();
                    }, WebsocketServerSpec.builder().maxFramePayloadLength(1 << 20).build());
                })
                .bindNow();
        System.err.println("floor listening on " + server.port());
        server.onDispose().block();
    }

    private static void onFrame(Channel ch, WebSocketFrame frame, String sid) {
        if (!(frame instanceof TextWebSocketFrame)) {
            return;
        }
        ByteBuf b = frame.content();
        int from = b.readerIndex();
        int to = b.writerIndex();
        if (to - from < 1) {
            return;
        }
        byte type = b.getByte(from);
        if (type == '3') {
            return; // pong
        }
        if (type != '4' || to - from < 2) {
            return;
        }
        byte sio = b.getByte(from + 1);
        if (sio == '0') {
            ch.writeAndFlush(new TextWebSocketFrame("40{\"sid\":\"" + sid + "\"}"));
        } else if (sio == '2') {
            if (startsWith(b, from, to, BCAST)) {
                // 42["bcast","<room>",<json string>]  ->  42["m",<json string>] to the room, encoded once
                int roomStart = from + BCAST.length;
                int roomEnd = b.indexOf(roomStart, to, (byte) '"');
                String room = b.toString(roomStart, roomEnd - roomStart, StandardCharsets.US_ASCII);
                int argStart = roomEnd + 2; // skip `",`
                ByteBuf out = Unpooled.directBuffer(8 + to - argStart);
                out.writeBytes("42[\"m\",".getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(b, argStart, to - argStart);
                ChannelGroup group = ROOMS.get(room);
                if (group != null) {
                    group.writeAndFlush(new TextWebSocketFrame(out));
                } else {
                    out.release();
                }
            } else {
                // 42<id>["req",<json>]  ->  43<id>[<json>]
                int i = from + 2;
                while (i < to && Character.isDigit(b.getByte(i))) {
                    i++;
                }
                int idEnd = i;
                if (i < to && b.getByte(i) == '[' && startsWith(b, i + 1, to, REQ)) {
                    int argStart = i + 1 + REQ.length;
                    ByteBuf out = ch.alloc().buffer(8 + to - from);
                    out.writeByte('4').writeByte('3');
                    out.writeBytes(b, from + 2, idEnd - from - 2);
                    out.writeByte('[');
                    out.writeBytes(b, argStart, to - argStart);
                    ch.writeAndFlush(new TextWebSocketFrame(out), ch.voidPromise());
                }
            }
        }
    }

    private static boolean startsWith(ByteBuf b, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (b.getByte(from + k) != prefix[k]) {
                return false;
            }
        }
        return true;
    }
}
