package dev.socketeer.autoconfigure;

import dev.socketeer.engine.EngineObserver;
import dev.socketeer.engine.EngineServer;
import dev.socketeer.protocol.socketio.PacketType;
import dev.socketeer.server.ServerObserver;
import dev.socketeer.server.Socket;
import dev.socketeer.server.SocketIoServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Socket.IO meters, fed by the server's {@link ServerObserver} and the engine's connection-error
 * listener (this binder sets both):
 * <ul>
 * <li>{@code socketio.connections} (gauge, tag {@code namespace}): sockets connected now;</li>
 * <li>{@code socketio.connects} (counter, {@code namespace}) and {@code socketio.disconnects}
 * (counter, {@code namespace}, {@code reason}: the reference server's disconnect reason);</li>
 * <li>{@code socketio.packets.received} / {@code socketio.packets.sent} (counters) and
 * {@code socketio.bytes.received} / {@code socketio.bytes.sent} (counters: bytes of binary
 * messages, characters of text messages);</li>
 * <li>{@code socketio.handshake.errors} (counter, tag {@code code}: the Engine.IO error code,
 * 0 unknown transport … 5 unsupported protocol version);</li>
 * <li>{@code socketio.broadcast.recipients} (distribution summary, {@code namespace}): local
 * sockets reached per broadcast;</li>
 * <li>{@code socketio.ack.latency} (timer): time from {@code emitWithAck} to the client's answer;</li>
 * <li>{@code socketio.backpressure.disconnects} (counter, tags {@code transport} and {@code limit}:
 * {@code max-buffer} or {@code max-lag}): clients disconnected as {@code "slow client"};</li>
 * <li>{@code socketio.backpressure.volatile.dropped} (counter): volatile packets not sent to a lagging client;</li>
 * <li>{@code socketio.websocket.protocol.errors} (counter, tag {@code code}: the close code sent): WebSocket
 * connections closed for breaking RFC 6455.</li>
 * </ul>
 */
public class SocketIoMetrics implements MeterBinder {

    private final SocketIoServer server;
    private final EngineServer engine;

    public SocketIoMetrics(SocketIoServer server, EngineServer engine) {
        this.server = server;
        this.engine = engine;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Recorder recorder = new Recorder(registry);
        server.addObserver(recorder);
        engine.connectionErrorListener(error -> recorder.handshakeError(error.code()));
        engine.observer(new LimitsRecorder(registry));
        for (String namespace : server.namespaceNames()) {
            recorder.gauge(namespace);
        }
    }

    private static final class Recorder implements ServerObserver {

        private final MeterRegistry registry;
        private final Map<String, AtomicInteger> connections = new ConcurrentHashMap<>();
        private final Map<String, Counter> connects = new ConcurrentHashMap<>();
        private final Map<String, Counter> disconnects = new ConcurrentHashMap<>();
        private final Map<String, DistributionSummary> fanOut = new ConcurrentHashMap<>();
        private final Map<Integer, Counter> handshakeErrors = new ConcurrentHashMap<>();
        private final Counter packetsReceived;
        private final Counter packetsSent;
        private final Counter bytesReceived;
        private final Counter bytesSent;
        private final Timer ackLatency;
        private final Counter volatileDropped;

        Recorder(MeterRegistry registry) {
            this.registry = registry;
            this.packetsReceived = Counter.builder("socketio.packets.received")
                    .description("Socket.IO packets received from clients").register(registry);
            this.packetsSent = Counter.builder("socketio.packets.sent")
                    .description("Socket.IO packets written to clients").register(registry);
            this.bytesReceived = Counter.builder("socketio.bytes.received").baseUnit("bytes")
                    .description("Size of the Engine.IO messages received (characters for text)").register(registry);
            this.bytesSent = Counter.builder("socketio.bytes.sent").baseUnit("bytes")
                    .description("Size of the Engine.IO messages written (characters for text)").register(registry);
            this.ackLatency = Timer.builder("socketio.ack.latency")
                    .description("Time from an emit with acknowledgement to the client's answer").register(registry);
            this.volatileDropped = Counter.builder("socketio.backpressure.volatile.dropped")
                    .description("Volatile packets not sent to a lagging client").register(registry);
        }

        AtomicInteger gauge(String namespace) {
            return connections.computeIfAbsent(namespace, name -> {
                AtomicInteger count = new AtomicInteger();
                Gauge.builder("socketio.connections", count, AtomicInteger::get).tag("namespace", name)
                        .description("Sockets connected to the namespace").register(registry);
                return count;
            });
        }

        @Override
        public void connected(Socket socket) {
            String namespace = socket.namespace().name();
            gauge(namespace).incrementAndGet();
            connects.computeIfAbsent(namespace, name -> Counter.builder("socketio.connects").tag("namespace", name)
                    .description("Sockets that joined the namespace").register(registry)).increment();
        }

        @Override
        public void disconnected(Socket socket, String reason) {
            String namespace = socket.namespace().name();
            gauge(namespace).decrementAndGet();
            disconnects.computeIfAbsent(namespace + '\0' + reason, key -> Counter.builder("socketio.disconnects")
                    .tag("namespace", namespace).tag("reason", reason)
                    .description("Sockets that left the namespace, by reason").register(registry)).increment();
        }

        @Override
        public void messageReceived(int size) {
            bytesReceived.increment(size);
        }

        @Override
        public void packetReceived(PacketType type) {
            packetsReceived.increment();
        }

        @Override
        public void packetSent(int size) {
            packetsSent.increment();
            bytesSent.increment(size);
        }

        @Override
        public void broadcast(String namespace, int recipients) {
            fanOut.computeIfAbsent(namespace, name -> DistributionSummary.builder("socketio.broadcast.recipients")
                    .tag("namespace", name).description("Local sockets reached by one broadcast")
                    .register(registry)).record(recipients);
        }

        @Override
        public void ackReceived(long nanos) {
            ackLatency.record(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void volatilePacketDropped() {
            volatileDropped.increment();
        }

        void handshakeError(int code) {
            handshakeErrors.computeIfAbsent(code, key -> Counter.builder("socketio.handshake.errors")
                    .tag("code", Integer.toString(key))
                    .description("Engine.IO requests refused, by error code").register(registry)).increment();
        }
    }

    // ---- limits: backpressure and WebSocket protocol errors

    /** Counts what the engine does to protect itself. */
    private static final class LimitsRecorder implements EngineObserver {

        private final MeterRegistry registry;
        private final Map<String, Counter> slowClients = new ConcurrentHashMap<>();
        private final Map<Integer, Counter> protocolErrors = new ConcurrentHashMap<>();

        LimitsRecorder(MeterRegistry registry) {
            this.registry = registry;
        }

        @Override
        public void slowClientClosed(String transport, boolean stalled) {
            String limit = stalled ? "max-lag" : "max-buffer";
            slowClients.computeIfAbsent(transport + '\0' + limit, key -> Counter.builder("socketio.backpressure.disconnects")
                    .tag("transport", transport).tag("limit", limit)
                    .description("Clients disconnected for lagging further than the backpressure policy allows")
                    .register(registry)).increment();
        }

        @Override
        public void webSocketProtocolError(int closeCode) {
            protocolErrors.computeIfAbsent(closeCode, code -> Counter.builder("socketio.websocket.protocol.errors")
                    .tag("code", Integer.toString(code))
                    .description("WebSocket connections closed for breaking RFC 6455, by close code")
                    .register(registry)).increment();
        }
    }
}
