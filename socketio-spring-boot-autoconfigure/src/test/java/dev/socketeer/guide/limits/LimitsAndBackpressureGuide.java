package dev.socketeer.guide.limits;

import dev.socketeer.autoconfigure.SocketIoServerCustomizer;
import dev.socketeer.server.Socket;
import java.util.Iterator;
import java.util.function.Supplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The code of docs/guide/limits-and-backpressure.md, compiled with the tests (and run by
 * {@code dev.socketeer.e2e.GuideBackpressureEndToEndTest}).
 */
public final class LimitsAndBackpressureGuide {

    private LimitsAndBackpressureGuide() {
    }

    /** Streams a feed to every client that asks for it, at the pace each client reads. */
    @Configuration(proxyBeanMethods = false)
    public static class FeedConfiguration {

        @Bean
        public SocketIoServerCustomizer feed(Supplier<Iterator<String>> feeds) {
            return server -> server.onConnection(socket -> socket.on("subscribe", (args, ack) -> {
                FeedStream stream = new FeedStream(socket, feeds.get());
                socket.onDrain(caughtUp -> stream.resume());
                stream.resume();
            }));
        }
    }

    /** One client's feed: sends while the client keeps up, pauses while it lags, resumes on drain. */
    public static final class FeedStream {

        private final Socket socket;
        private final Iterator<String> items;
        private boolean ended;

        public FeedStream(Socket socket, Iterator<String> items) {
            this.socket = socket;
            this.items = items;
        }

        /** Called on the connection's event loop: at the start, then on every drain. */
        public void resume() {
            while (items.hasNext() && socket.connected() && !socket.isLagging()) {
                socket.emit("item", items.next());
            }
            if (!items.hasNext() && !ended) {
                ended = true;
                socket.emit("end");
            }
        }
    }

    /** Positions that are only worth sending while the client keeps up. */
    static void sendCursor(Socket socket, int x, int y) {
        socket.asVolatile().emit("cursor", x, y); // dropped, not queued, while the socket lags
    }

    /** Logs the clients cut off by the backpressure policy. */
    static void watchSlowClients(Socket socket) {
        socket.onDisconnect((s, reason) -> {
            if ("slow client".equals(reason)) {
                System.getLogger("feed").log(System.Logger.Level.INFO,
                        "client " + s.id() + " could not keep up and was disconnected");
            }
        });
    }

    /** How far behind a client is, in bytes (a gauge per socket, say). */
    static long bytesBehind(Socket socket) {
        return socket.conn().bufferedAmount();
    }
}
