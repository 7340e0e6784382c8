package dev.socketeer.engine;

import dev.socketeer.engine.Transport.Outbound;
import dev.socketeer.protocol.engineio.EngineCodec;
import dev.socketeer.protocol.engineio.EngineMessage;
import dev.socketeer.protocol.engineio.EnginePacket;
import dev.socketeer.protocol.engineio.EnginePacketType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * One Engine.IO session: state machine, send buffer, heartbeat and transport upgrade.
 *
 * <p>All state is guarded by {@link #lock}. Listener callbacks are queued under the lock and
 * delivered by {@link #drainEvents()} after it is released, by one thread at a time, so handlers
 * may send to other sockets (or this one) without deadlocks and never run concurrently.
 */
final class ServerEngineSocket implements EngineSocket {

    private static final Logger log = Loggers.getLogger(ServerEngineSocket.class);
    /** How long a polling session waits for the GET that carries its close packet (as the reference). */
    private static final long CLOSE_TIMEOUT_MS = 30_000;
    /**
     * How long a session closed by the client (POST {@code 1}) lingers for a GET sent in parallel,
     * which then gets a noop; requests on two connections may be handled in either order here.
     */
    private static final long CLIENT_CLOSE_GRACE_MS = 100;
    /** Like the reference's check interval: a poll that arrives during an upgrade gets a noop after this. */
    private static final long UPGRADE_NOOP_DELAY_MS = 100;
    /**
     * As Node's cluster engine ({@code noopUpgradeInterval}): while a WebSocket on another node upgrades this session,
     * a poll gets a noop after this, so that the client, which waits for its poll before it upgrades, is not held.
     */
    private static final long REMOTE_UPGRADE_NOOP_DELAY_MS = 200;
    /** The close reason of a session whose client fell further behind than the backpressure policy allows. */
    static final String SLOW_CLIENT = "slow client";
    private static final byte[] PING_FRAME = { (byte) EnginePacketType.PING.code() };
    /** How much of a text message an error log line shows. */
    private static final int LOGGED_TEXT = 200;

    private enum State { OPEN, CLOSING, CLOSED }

    private sealed interface Event {
    }

    private record TextEvent(String text) implements Event {
        @Override
        public String toString() {
            // a text message may be 1 MB: a log line shows its start and its length
            return "TextEvent[" + (text.length() <= LOGGED_TEXT ? text
                    : text.substring(0, LOGGED_TEXT) + "... (" + text.length() + " characters)") + "]";
        }
    }

    private record BinaryEvent(byte[] data) implements Event {
        @Override
        public String toString() {
            return "BinaryEvent[" + data.length + " bytes]";
        }
    }

    private record CloseEvent(String reason) implements Event {
    }

    private record UpgradeEvent() implements Event {
    }

    private record DrainEvent() implements Event {
    }

    private static final DrainEvent DRAIN = new DrainEvent();

    private final EngineServer server;
    private final String id;
    private final EngineRequest request;
    // An intrinsic lock: critical sections are short and never wait on I/O or a signal, so a
    // contended event loop waits only for the holder's CPU work.
    private final Object lock = new Object();

    // Guarded by lock.
    private State state = State.OPEN;
    private Transport transport;
    private List<Outbound> writeBuffer = new ArrayList<>();
    private boolean bufferCompress;
    // The polling form's bytes in writeBuffer (counted while the transport is polling), and whether they went over
    // the high-water mark since the buffer last drained.
    private long bufferedBytes;
    private boolean lagging;
    private Disposable pingIntervalTimer;
    private Disposable pingTimeoutTimer;
    private long pingDeadlineNanos;
    private WebSocketTransport upgradeCandidate;
    private boolean probed;
    private boolean upgraded;
    private Disposable upgradeTimer;
    private Disposable closeTimer;
    private boolean closeOnNextPoll;
    private EnginePacketType closeOnNextPollPacket = EnginePacketType.CLOSE;
    private Disposable upgradeNoopTimer;
    // A WebSocket on another node is upgrading this session (sticky sessions off), until it completes or times out.
    private boolean remoteUpgrading;
    private Disposable remoteUpgradeTimer;
    private String closingReason;
    // Events for the listener, oldest first: rarely more than one is queued, so the oldest waits in a field and a
    // deque is made only when a second one arrives (an idle session keeps neither).
    private Event nextEvent;
    private ArrayDeque<Event> laterEvents;
    private boolean draining;
    private volatile EngineSocketListener listener;

    ServerEngineSocket(EngineServer server, String id, EngineRequest request, Transport transport) {
        this.server = server;
        this.id = id;
        this.request = request;
        this.transport = transport;
    }

    // ---- EngineSocket

    @Override
    public String id() {
        return id;
    }

    @Override
    public String transportName() {
        synchronized (lock) {
            return transport.name();
        }
    }

    @Override
    public EngineRequest request() {
        return request;
    }

    @Override
    public boolean isOpen() {
        synchronized (lock) {
            return state == State.OPEN;
        }
    }

    @Override
    public boolean isWritable() {
        synchronized (lock) {
            if (state != State.OPEN) {
                return false;
            }
            if (transport instanceof WebSocketTransport ws) {
                return ws.connection().isWritable();
            }
            return transport.writable();
        }
    }

    @Override
    public boolean isLagging() {
        synchronized (lock) {
            if (state != State.OPEN) {
                return false;
            }
            if (transport instanceof WebSocketTransport ws) {
                return !ws.connection().isWritable();
            }
            return bufferedBytes > server.options().backpressure().highWaterMark();
        }
    }

    @Override
    public long bufferedAmount() {
        synchronized (lock) {
            return transport instanceof WebSocketTransport ws ? ws.connection().bufferedAmount() : bufferedBytes;
        }
    }

    @Override
    public void send(EngineMessage message) {
        send(List.of(Objects.requireNonNull(message, "message")), true);
    }

    @Override
    public void send(List<EngineMessage> messages, boolean compress) {
        long slowClientBytes;
        boolean queuedEvents;
        synchronized (lock) {
            if (state != State.OPEN) {
                return;
            }
            // The broadcast path: on WebSocket with nothing buffered, the shared messages go straight to the
            // connection (no buffer entry, no list per recipient); its backpressure is the connection's.
            if (transport instanceof WebSocketTransport ws && writeBuffer.isEmpty()) {
                ws.send(messages);
                return;
            }
            for (EngineMessage message : messages) {
                buffer(Outbound.message(message, compress));
            }
            flush();
            slowClientBytes = checkPollingBackpressure();
            queuedEvents = nextEvent != null; // a drain (a poll took the buffer) or the close
        }
        if (slowClientBytes >= 0) {
            reportSlowClient("polling", slowClientBytes, slowClientBytes <= server.options().backpressure().maxBuffer());
        }
        if (queuedEvents) {
            drainEvents();
        }
    }

    /**
     * Applies the backpressure policy to what waits for the next poll (lock held): over the high-water mark the
     * client lags; over the maximum, or lagging without a poll for the maximum lag, it is closed.
     *
     * @return the bytes that waited when the session was closed for it, else -1
     */
    private long checkPollingBackpressure() {
        EngineOptions.Backpressure policy = server.options().backpressure();
        if (!(transport instanceof PollingTransport polling) || bufferedBytes <= policy.highWaterMark()) {
            return -1;
        }
        lagging = true;
        if (bufferedBytes <= policy.maxBuffer() && System.nanoTime() - polling.lastPollNanos() < policy.maxLag().toNanos()) {
            return -1;
        }
        long waiting = bufferedBytes;
        // Nothing of what waited is sent: the close packet goes to a pending GET if there is one (there rarely is,
        // or nothing would wait); the next poll is refused as its session is gone.
        discardBuffer();
        polling.sendControl(EnginePacketType.CLOSE);
        onClose(SLOW_CLIENT);
        return waiting;
    }

    private void reportSlowClient(String transportName, long waiting, boolean stalled) {
        EngineOptions.Backpressure policy = server.options().backpressure();
        log.warn("Closed Engine.IO session " + id + " (" + transportName + "): the client "
                + (stalled ? "read nothing for " + policy.maxLag().toMillis() + " ms (backpressure max-lag)"
                        : "fell more than " + policy.maxBuffer() + " bytes behind (backpressure max-buffer)")
                + " while " + waiting + " bytes waited for it; close reason \"" + SLOW_CLIENT + "\"");
        server.observer().slowClientClosed(transportName, stalled);
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (state != State.OPEN) {
                return;
            }
            state = State.CLOSING;
            closingReason = "forced close";
            cancelUpgradeIfNotProbed();
            if (upgradeCandidate != null) {
                // The upgrade completes (or fails) first; the close follows it.
                return;
            }
            closeTransport();
        }
        drainEvents();
    }

    @Override
    public void listener(EngineSocketListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        drainEvents();
    }

    @Override
    public String toString() {
        return "EngineSocket[" + id + "]";
    }

    // ---- lifecycle, called by EngineServer

    /** Queues the open packet and starts the heartbeat. */
    void open(List<String> upgrades) {
        EngineOptions options = server.options();
        StringBuilder json = new StringBuilder(128).append("{\"sid\":\"").append(id).append("\",\"upgrades\":[");
        for (int i = 0; i < upgrades.size(); i++) {
            json.append(i == 0 ? "\"" : ",\"").append(upgrades.get(i)).append('"');
        }
        json.append("],\"pingInterval\":").append(options.pingInterval().toMillis())
                .append(",\"pingTimeout\":").append(options.pingTimeout().toMillis())
                .append(",\"maxPayload\":").append(options.maxHttpBufferSize()).append('}');
        synchronized (lock) {
            schedulePing();
            buffer(Outbound.control(EnginePacketType.OPEN, json.toString()));
            flush();
        }
    }

    /** Closes the session at once with a close packet where the transport can carry one (server shutdown). */
    void closeNow(String reason) {
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            if (transport instanceof PollingTransport polling && polling.writable()) {
                // what one response may carry, then the close; the rest is dropped: the server is going away
                List<Outbound> packets = takeBatch();
                packets.add(Outbound.control(EnginePacketType.CLOSE, ""));
                polling.send(packets, false);
            } else if (!(transport instanceof PollingTransport)) {
                List<Outbound> packets = takeBuffer();
                packets.add(Outbound.control(EnginePacketType.CLOSE, ""));
                transport.send(packets, false);
            }
            onClose(reason);
        }
        drainEvents();
    }

    /**
     * Closes the session when its ping deadline has passed, even if the timer has not fired yet.
     *
     * @return whether the socket is still usable
     */
    boolean checkAlive() {
        try {
        synchronized (lock) {
            if (state != State.CLOSED && pingDeadlineNanos != 0 && System.nanoTime() - pingDeadlineNanos >= 0) {
                onClose("ping timeout");
            }
            return state != State.CLOSED;
        }
    } finally {
            drainEvents();
        }
    }

    boolean isUpgradingOrUpgraded() {
        synchronized (lock) {
            return upgradeCandidate != null || upgraded || remoteUpgrading;
        }
    }

    // ---- polling requests

    void onPollingRequest(PollingExchange exchange) {
        try {
            synchronized (lock) {
                if (!(transport instanceof PollingTransport polling) || state == State.CLOSED) {
                    respondError(exchange, EngineError.BAD_REQUEST);
                    return;
                }
                switch (exchange.method()) {
                    case "GET" -> onPoll(polling, exchange);
                    case "POST" -> onData(polling, exchange);
                    default -> exchange.respond(500, null, null, false);
                }
            }
        } finally {
            drainEvents();
        }
    }

    private void onPoll(PollingTransport polling, PollingExchange exchange) {
        PollingExchange pending = polling.pendingGet();
        if (pending != null) {
            // Duplicate poll: the one that arrived last is refused and the session closes, whichever
            // event loop got here first; the earlier poll receives the close packet.
            if (exchange.arrivalNanos() - pending.arrivalNanos() < 0) {
                polling.pendingGet(exchange);
                exchange.onAbort(() -> onPollAborted(polling, exchange));
                pending.respond(400, null, null, false);
            } else {
                exchange.respond(400, null, null, false);
            }
            onClose("transport error");
            return;
        }
        polling.pendingGet(exchange);
        polling.lastPollNanos(System.nanoTime());
        exchange.onAbort(() -> onPollAborted(polling, exchange));
        if (state == State.CLOSING && closeOnNextPoll) {
            if (sendPollingBatch(polling, closeOnNextPollPacket)) {
                onClose(closingReason);
            }
            return;
        }
        flush();
        if (polling.writable() && (probed || remoteUpgrading)) {
            // The client is upgrading: let its poll return (unless the upgrade completes first).
            scheduleUpgradeNoop(polling, exchange, probed ? UPGRADE_NOOP_DELAY_MS : REMOTE_UPGRADE_NOOP_DELAY_MS);
        }
    }

    private void scheduleUpgradeNoop(PollingTransport polling, PollingExchange exchange, long delayMillis) {
        cancel(upgradeNoopTimer);
        upgradeNoopTimer = server.scheduler().schedule(() -> {
            synchronized (lock) {
                if (transport == polling && polling.pendingGet() == exchange) {
                    polling.sendControl(EnginePacketType.NOOP);
                }
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void onPollAborted(PollingTransport polling, PollingExchange exchange) {
        synchronized (lock) {
            if (polling.pendingGet() == exchange) {
                polling.pendingGet(null);
                onClose("transport error");
            }
        }
        drainEvents();
    }

    private void onData(PollingTransport polling, PollingExchange exchange) {
        if (polling.dataInProgress()) {
            exchange.respond(400, null, null, false);
            onClose("transport error");
            return;
        }
        String contentType = exchange.contentType();
        if (contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/octet-stream")) {
            exchange.respond(400, null, null, false);
            onClose("transport error");
            return;
        }
        polling.dataInProgress(true);
        exchange.readBody(server.options().maxHttpBufferSize(), new PollingExchange.BodyCallback() {
            @Override
            public void onBody(byte[] body) {
                onPollingBody(polling, exchange, body);
            }

            @Override
            public void onTooLarge() {
                synchronized (lock) {
                    polling.dataInProgress(false);
                }
                exchange.respond(413, null, null, false);
            }

            @Override
            public void onError(Throwable error) {
                synchronized (lock) {
                    polling.dataInProgress(false);
                    onClose("transport error");
                }
                drainEvents();
            }
        });
    }

    private void onPollingBody(PollingTransport polling, PollingExchange exchange, byte[] body) {
        boolean malformed;
        synchronized (lock) {
            polling.dataInProgress(false);
            EngineCodec.DecodedPayload payload = EngineCodec.decodePayload(new String(body, StandardCharsets.UTF_8));
            onPollingPackets(polling, payload.packets());
            malformed = payload.malformed();
            if (malformed) {
                onClose("parse error");
            }
        }
        if (malformed) {
            respondError(exchange, EngineError.BAD_REQUEST);
        } else {
            exchange.respond(200, "text/html", OK, false);
        }
        drainEvents();
    }

    /** The packets of one POST, in order, up to a close packet; under the lock. */
    private void onPollingPackets(PollingTransport polling, List<EnginePacket> packets) {
        for (EnginePacket packet : packets) {
            if (packet.type() == EnginePacketType.CLOSE) {
                onClientClose(polling);
                return;
            }
            onPacket(packet);
        }
    }

    private void onClientClose(PollingTransport polling) {
        if (polling.writable() || state != State.OPEN) {
            polling.sendControl(EnginePacketType.NOOP);
            onClose("transport close");
            return;
        }
        state = State.CLOSING;
        closingReason = "transport close";
        closeOnNextPoll = true;
        closeOnNextPollPacket = EnginePacketType.NOOP;
        discardBuffer();
        closeTimer = server.scheduler().schedule(() -> {
            synchronized (lock) {
                onClose(closingReason);
            }
            drainEvents();
        }, CLIENT_CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
    }

    // ---- requests served on another node of a cluster (sticky sessions off)

    /** Takes a poll that reached another node as this session's pending poll, unless one is pending already. */
    boolean lendPoll(PollingExchange remote) {
        try {
            synchronized (lock) {
                if (!(transport instanceof PollingTransport polling) || state != State.OPEN
                        || polling.pendingGet() != null) {
                    return false;
                }
                onPoll(polling, remote);
                return true;
            }
        } finally {
            drainEvents();
        }
    }

    boolean acceptsRemoteData() {
        synchronized (lock) {
            return transport instanceof PollingTransport && state == State.OPEN;
        }
    }

    /**
     * The packets of a POST, or of a WebSocket after the upgrade, that reached another node, in order. A POST's
     * packets are taken after an upgrade too: the client sent them before it upgraded, but the other node's message
     * may come after the upgrade packet on this node's own WebSocket.
     */
    void onRemoteData(List<EnginePacket> packets) {
        try {
            synchronized (lock) {
                if (transport instanceof PollingTransport polling) {
                    onPollingPackets(polling, packets);
                } else {
                    for (EnginePacket packet : packets) {
                        if (packet.type() == EnginePacketType.CLOSE) {
                            onClose("transport close");
                            return;
                        }
                        onPacket(packet);
                    }
                }
            }
        } finally {
            drainEvents();
        }
    }

    /**
     * A WebSocket on another node wants to upgrade this session: it may, unless the session is not on long-polling,
     * or upgrades (or upgraded) already. A poll pending now or while it upgrades gets a noop soon, as for a local
     * upgrade. An upgrade that never completes stops holding the session back after twice the upgrade timeout.
     */
    boolean lendUpgrade() {
        try {
            synchronized (lock) {
                if (!(transport instanceof PollingTransport polling) || state != State.OPEN || upgradeCandidate != null
                        || upgraded || remoteUpgrading) {
                    return false;
                }
                remoteUpgrading = true;
                if (polling.writable()) {
                    scheduleUpgradeNoop(polling, polling.pendingGet(), REMOTE_UPGRADE_NOOP_DELAY_MS);
                }
                remoteUpgradeTimer = server.scheduler().schedule(() -> {
                    synchronized (lock) {
                        remoteUpgrading = false;
                    }
                }, 2 * server.options().upgradeTimeout().toMillis(), TimeUnit.MILLISECONDS);
                return true;
            }
        } finally {
            drainEvents();
        }
    }

    void abandonUpgrade() {
        synchronized (lock) {
            if (remoteUpgrading) {
                remoteUpgrading = false;
                cancel(remoteUpgradeTimer);
                cancel(upgradeNoopTimer);
                upgradeNoopTimer = null;
            }
        }
    }

    /**
     * The client upgraded to a WebSocket on another node: from now on, what this session sends goes to
     * {@code remote} (which carries it to that node), and the packets the client sends come back through
     * {@link #onRemoteData}.
     *
     * @return {@code false} when the session is closed, or no longer on long-polling
     */
    boolean relayUpgraded(Consumer<List<EnginePacket>> remote) {
        try {
            synchronized (lock) {
                if (!(transport instanceof PollingTransport polling) || state != State.OPEN || upgradeCandidate != null
                        || upgraded) {
                    return false;
                }
                remoteUpgrading = false;
                cancel(remoteUpgradeTimer);
                cancel(upgradeNoopTimer);
                upgradeNoopTimer = null;
                if (polling.pendingGet() != null) {
                    // as for a local upgrade: the client waited for its poll before upgrading; one still here is stale
                    PollingExchange late = polling.pendingGet();
                    polling.pendingGet(null);
                    respondError(late, EngineError.BAD_REQUEST);
                }
                transport = new RelayedTransport(remote);
                upgraded = true;
                bufferedBytes = 0;
                queueEvent(new UpgradeEvent());
                flush();
                return true;
            }
        } finally {
            drainEvents();
        }
    }

    /**
     * A session handed over by the node that held it, when its client upgraded here (Node's cluster engine does it
     * for a session the Socket.IO layer had not seen yet): it starts on {@code ws}, upgraded, with the packets the
     * client had sent the other node; the connection listener is told by {@link EngineServer#announce}.
     */
    void adopt(List<EnginePacket> packets) {
        synchronized (lock) {
            upgraded = true;
            schedulePing();
            queueEvent(new UpgradeEvent());
            for (EnginePacket packet : packets) {
                if (packet.type() == EnginePacketType.CLOSE) {
                    onClose("transport close");
                    return;
                }
                onPacket(packet);
            }
        }
    }

    void onRemoteClose(String reason) {
        try {
            synchronized (lock) {
                onClose(reason);
            }
        } finally {
            drainEvents();
        }
    }

    private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

    static void respondError(PollingExchange exchange, EngineError error) {
        exchange.respond(error.httpStatus(), "application/json", error.toJson().getBytes(StandardCharsets.UTF_8), false);
    }

    // ---- WebSocket

    /** The inbound side of a WebSocket that is (or may become) this socket's transport. */
    EngineWebSocket.Inbound inbound(WebSocketTransport ws) {
        return new EngineWebSocket.Inbound() {
            @Override
            public void onText(String text) {
                EnginePacket packet;
                try {
                    packet = EngineCodec.decodeText(text);
                } catch (IllegalArgumentException e) {
                    packet = null;
                }
                onWebSocketPacket(ws, packet);
            }

            @Override
            public void onBinary(byte[] data) {
                onWebSocketPacket(ws, EngineCodec.decodeBinary(data));
            }

            @Override
            public void onClose(boolean error) {
                onWebSocketClosed(ws, error);
            }

            @Override
            public void onDrain() {
                onWebSocketDrain(ws);
            }

            @Override
            public void onSlowClient(long bufferedBytes, boolean stalled) {
                onWebSocketSlowClient(ws, bufferedBytes, stalled);
            }
        };
    }

    /** Starts the upgrade of a polling session to {@code ws}. */
    void maybeUpgrade(WebSocketTransport ws) {
        synchronized (lock) {
            if (state != State.OPEN || upgradeCandidate != null || upgraded || remoteUpgrading) {
                ws.close();
                return;
            }
            upgradeCandidate = ws;
            probed = false;
            upgradeTimer = server.scheduler().schedule(() -> {
                synchronized (lock) {
                    if (upgradeCandidate == ws) {
                        cancelUpgrade();
                    }
                }
                drainEvents();
            }, server.options().upgradeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void onWebSocketPacket(WebSocketTransport ws, EnginePacket packet) {
        synchronized (lock) {
            if (transport == ws) {
                if (packet == null) {
                    onClose("parse error");
                } else if (packet.type() == EnginePacketType.CLOSE) {
                    // The reference ignores it and waits for the ping timeout; closing now is kinder.
                    onClose("transport close");
                } else {
                    onPacket(packet);
                }
            } else if (upgradeCandidate == ws) {
                onUpgradePacket(ws, packet);
            }
        }
        drainEvents();
    }

    private void onUpgradePacket(WebSocketTransport ws, EnginePacket packet) {
        if (packet != null && packet.type() == EnginePacketType.PING && "probe".equals(packet.data())) {
            ws.send(List.of(Outbound.control(EnginePacketType.PONG, "probe")), false);
            probed = true;
            if (transport instanceof PollingTransport polling) {
                polling.sendControl(EnginePacketType.NOOP);
            }
        } else if (packet != null && packet.type() == EnginePacketType.UPGRADE && state != State.CLOSED) {
            clearUpgrade();
            if (transport instanceof PollingTransport polling && polling.pendingGet() != null) {
                // Only a poll sent after the probe can still be pending: polling is over for this session.
                PollingExchange late = polling.pendingGet();
                polling.pendingGet(null);
                respondError(late, EngineError.BAD_REQUEST);
            }
            Transport previous = transport;
            transport = ws;
            upgraded = true;
            if (previous instanceof WebSocketTransport taken) {
                // A WebSocket session taken over by another WebSocket (the reference allows it): its old connection
                // would stay open with no session behind it, so it is closed now, as the reference does.
                taken.close();
            }
            queueEvent(new UpgradeEvent());
            flush();
            if (state == State.CLOSING) {
                closeTransport();
            }
        } else {
            cancelUpgrade();
        }
    }

    private void onWebSocketClosed(WebSocketTransport ws, boolean error) {
        synchronized (lock) {
            if (transport == ws) {
                onClose(error ? "transport error" : "transport close");
            } else if (upgradeCandidate == ws) {
                cancelUpgrade();
            }
        }
        drainEvents();
    }

    private void onWebSocketDrain(WebSocketTransport ws) {
        synchronized (lock) {
            if (transport == ws && state == State.OPEN) {
                queueEvent(DRAIN);
            }
        }
        drainEvents();
    }

    private void onWebSocketSlowClient(WebSocketTransport ws, long bufferedBytes, boolean stalled) {
        boolean closed = false;
        synchronized (lock) {
            if (transport == ws && state != State.CLOSED) {
                // the connection dropped what waited and sent the close packet: the close frame goes next
                discardBuffer();
                onClose(SLOW_CLIENT);
                closed = true;
            } else if (upgradeCandidate == ws) {
                cancelUpgrade();
            }
        }
        if (closed) {
            reportSlowClient("websocket", bufferedBytes, stalled);
        }
        drainEvents();
    }

    private void cancelUpgrade() {
        WebSocketTransport candidate = upgradeCandidate;
        clearUpgrade();
        if (candidate != null) {
            candidate.close();
        }
        if (state == State.CLOSING && candidate != null) {
            closeTransport();
        }
    }

    private void cancelUpgradeIfNotProbed() {
        if (upgradeCandidate != null && !probed) {
            WebSocketTransport candidate = upgradeCandidate;
            clearUpgrade();
            candidate.close();
        }
    }

    private void clearUpgrade() {
        upgradeCandidate = null;
        probed = false;
        cancel(upgradeNoopTimer);
        upgradeNoopTimer = null;
        if (upgradeTimer != null) {
            upgradeTimer.dispose();
            upgradeTimer = null;
        }
    }

    // ---- packets, heartbeat, buffer (all under lock)

    private void onPacket(EnginePacket packet) {
        if (state != State.OPEN) {
            return;
        }
        switch (packet.type()) {
            case PING -> onClose("transport error"); // v4 clients never ping: "invalid heartbeat direction"
            case PONG -> {
                cancel(pingTimeoutTimer);
                pingTimeoutTimer = null;
                pingDeadlineNanos = 0;
                cancel(pingIntervalTimer);
                schedulePing();
            }
            case MESSAGE -> queueEvent(packet.isBinary() ? new BinaryEvent(packet.binary()) : new TextEvent(packet.data()));
            default -> {
                // open, upgrade and noop carry nothing for an open session
            }
        }
    }

    private void schedulePing() {
        long interval = server.options().pingInterval().toMillis();
        pingIntervalTimer = server.scheduler().schedule(this::ping, interval, TimeUnit.MILLISECONDS);
    }

    private void ping() {
        synchronized (lock) {
            if (state != State.OPEN) {
                return;
            }
            long timeout = server.options().pingTimeout().toMillis();
            // The deadline starts when the ping is queued, whether or not a poll can carry it yet.
            pingDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
            if (transport instanceof WebSocketTransport ws && writeBuffer.isEmpty()) {
                // Ahead of what waits for a lagging client: the pong then says whether the client is there and
                // reading, not how long its backlog takes to read (with the reference, a client reading a backlog
                // longer than the ping timeout is cut off).
                ws.connection().writeAhead(PING_FRAME);
            } else {
                buffer(Outbound.control(EnginePacketType.PING, ""));
                flush();
            }
            pingTimeoutTimer = server.scheduler().schedule(() -> {
                synchronized (lock) {
                    if (state != State.CLOSED && pingDeadlineNanos != 0) {
                        onClose("ping timeout");
                    }
                }
                drainEvents();
            }, timeout, TimeUnit.MILLISECONDS);
        }
        drainEvents();
    }

    private void buffer(Outbound packet) {
        writeBuffer.add(packet);
        bufferCompress |= packet.compress();
        if (transport instanceof PollingTransport) {
            bufferedBytes += packet.pollingLength() + 1; // and its separator
        }
    }

    private List<Outbound> takeBuffer() {
        List<Outbound> packets = writeBuffer;
        writeBuffer = new ArrayList<>();
        bufferCompress = false;
        bufferedBytes = 0;
        return packets;
    }

    private void discardBuffer() {
        writeBuffer = new ArrayList<>();
        bufferCompress = false;
        bufferedBytes = 0;
    }

    /**
     * Takes what one polling response may carry off the head of the buffer: packets up to
     * {@code maxHttpBufferSize} bytes (the {@code maxPayload} the client was told), and always at least one, so a
     * message larger than that still goes, alone. The client's next poll gets the rest, as the reference client
     * batches its own payloads.
     */
    private List<Outbound> takeBatch() {
        long limit = server.options().maxHttpBufferSize();
        int count = 0;
        long size = 0;
        while (count < writeBuffer.size()) {
            long next = size + writeBuffer.get(count).pollingLength() + 1;
            if (count > 0 && next - 1 > limit) {
                break;
            }
            size = next;
            count++;
        }
        if (count == writeBuffer.size()) {
            return takeBuffer();
        }
        List<Outbound> head = writeBuffer.subList(0, count);
        List<Outbound> batch = new ArrayList<>(head);
        head.clear();
        bufferedBytes -= size;
        return batch;
    }

    /**
     * Answers the pending poll with one batch, followed by {@code last} (a close or noop packet, or {@code null})
     * when that empties the buffer.
     *
     * @return whether the buffer is empty now (and {@code last} went out)
     */
    private boolean sendPollingBatch(PollingTransport polling, EnginePacketType last) {
        List<Outbound> batch = takeBatch();
        boolean emptied = writeBuffer.isEmpty();
        if (emptied && last != null) {
            batch.add(Outbound.control(last, ""));
        }
        boolean compress = false;
        for (int i = 0, n = batch.size(); i < n && !compress; i++) {
            compress = batch.get(i).compress();
        }
        polling.send(batch, compress);
        if (lagging && bufferedBytes <= server.options().backpressure().highWaterMark() / 2) {
            lagging = false;
            if (state == State.OPEN) {
                queueEvent(DRAIN);
            }
        }
        return emptied;
    }

    private void flush() {
        if (state != State.CLOSED && !writeBuffer.isEmpty() && transport.writable()) {
            if (transport instanceof PollingTransport polling) {
                sendPollingBatch(polling, null);
            } else {
                boolean compress = bufferCompress;
                transport.send(takeBuffer(), compress);
            }
        }
    }

    /** Server-initiated close of the current transport, after what is buffered. */
    private void closeTransport() {
        if (transport instanceof PollingTransport polling) {
            if (polling.writable() && sendPollingBatch(polling, EnginePacketType.CLOSE)) {
                onClose(closingReason);
            } else {
                // the close packet goes after what waits, a batch per poll
                closeOnNextPoll = true;
                closeTimer = server.scheduler().schedule(() -> {
                    synchronized (lock) {
                        onClose(closingReason);
                    }
                    drainEvents();
                }, CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
        } else {
            List<Outbound> packets = takeBuffer();
            packets.add(Outbound.control(EnginePacketType.CLOSE, ""));
            transport.send(packets, false);
            onClose(closingReason);
        }
    }

    private void onClose(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        cancel(pingIntervalTimer);
        cancel(pingTimeoutTimer);
        cancel(closeTimer);
        cancel(remoteUpgradeTimer);
        pingDeadlineNanos = 0;
        discardBuffer();
        WebSocketTransport candidate = upgradeCandidate;
        clearUpgrade();
        if (candidate != null) {
            candidate.close();
        }
        transport.close();
        server.remove(this);
        queueEvent(new CloseEvent(reason));
    }

    /** Queues an event for the listener (lock held). */
    private void queueEvent(Event event) {
        if (nextEvent == null) {
            nextEvent = event; // nothing older is waiting: laterEvents is empty whenever nextEvent is null
        } else {
            if (laterEvents == null) {
                laterEvents = new ArrayDeque<>(4);
            }
            laterEvents.add(event);
        }
    }

    private static void cancel(Disposable timer) {
        if (timer != null) {
            timer.dispose();
        }
    }

    // ---- listener delivery

    /** Delivers queued events outside the lock, one thread at a time, in order. */
    private void drainEvents() {
        if (Thread.holdsLock(lock)) {
            return; // the outermost caller drains once it has released the lock
        }
        while (true) {
            Event event;
            EngineSocketListener target;
            synchronized (lock) {
                target = listener;
                if (draining || target == null || nextEvent == null) {
                    return;
                }
                draining = true;
                event = nextEvent;
                nextEvent = laterEvents == null ? null : laterEvents.poll();
            }
            try {
                dispatch(target, event);
            } catch (Throwable t) {
                log.error("Engine.IO listener failed on " + event + " for socket " + id, t);
            } finally {
                synchronized (lock) {
                    draining = false;
                }
            }
        }
    }

    private void dispatch(EngineSocketListener target, Event event) {
        if (event instanceof TextEvent text) {
            target.onMessage(this, text.text());
        } else if (event instanceof BinaryEvent binary) {
            target.onMessage(this, binary.data());
        } else if (event instanceof CloseEvent close) {
            target.onClose(this, close.reason());
        } else if (event instanceof UpgradeEvent) {
            target.onUpgrade(this);
        } else if (event instanceof DrainEvent) {
            target.onDrain(this);
        }
    }
}
