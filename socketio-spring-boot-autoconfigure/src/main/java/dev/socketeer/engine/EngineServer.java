package dev.socketeer.engine;

import dev.socketeer.protocol.engineio.EnginePacket;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * An Engine.IO v4 server: verifies requests, opens sessions, and hands each new
 * {@link EngineSocket} to the connection listener. It knows no HTTP library: a mounting layer
 * (such as {@code dev.socketeer.engine.netty}) turns HTTP requests into calls to
 * {@link #handlePolling} and WebSocket connections into calls to {@link #verifyUpgrade} and
 * {@link #onWebSocket}.
 *
 * <p>Thread-safe. Timers run on Reactor's parallel scheduler and never block.
 */
public final class EngineServer {

    private static final Logger log = Loggers.getLogger(EngineServer.class);

    private final EngineOptions options;
    private final Scheduler scheduler;
    private final Base64Id ids = new Base64Id();
    private final Map<String, ServerEngineSocket> clients = new ConcurrentHashMap<>();
    private volatile Consumer<EngineSocket> connectionListener = socket -> {
    };
    private volatile Consumer<EngineError> connectionErrorListener = error -> {
    };
    private volatile EngineObserver observer = EngineObserver.NONE;
    private volatile SessionForwarder forwarder;
    // WebSockets upgrading or relaying sessions of other nodes, until they close
    private final Set<ForwardedUpgrade> forwardedUpgrades = ConcurrentHashMap.newKeySet();

    public EngineServer(EngineOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.scheduler = Schedulers.parallel();
    }

    /** The options this server was built with. */
    public EngineOptions options() {
        return options;
    }

    /**
     * Sets what is called once per new session, before any of its messages is delivered; it
     * normally sets the socket's listener. Must not block.
     */
    public void connectionListener(Consumer<EngineSocket> listener) {
        this.connectionListener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Sets what is told about each refused request (the reference server's
     * {@code connection_error} event), e.g. to count handshake failures by code. Must be cheap and
     * must not block.
     */
    public void connectionErrorListener(Consumer<EngineError> listener) {
        this.connectionErrorListener = Objects.requireNonNull(listener, "listener");
    }

    /** Sets what is told about slow clients closed and WebSocket protocol errors, e.g. to count them. */
    public void observer(EngineObserver observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /** The observer set with {@link #observer(EngineObserver)}, or {@link EngineObserver#NONE}. */
    public EngineObserver observer() {
        return observer;
    }

    /**
     * Sets what serves polling requests for sessions held by other nodes (sticky sessions off), or {@code null}
     * (the default) to answer them {@code 400 Session ID unknown}. Requests for sessions held here never reach it.
     */
    public void forwarder(SessionForwarder forwarder) {
        this.forwarder = forwarder;
    }

    /** How many sessions are open. */
    public int clientsCount() {
        return clients.size();
    }

    /** The open session with this id, or {@code null}. */
    public EngineSocket socket(String sid) {
        return clients.get(sid);
    }

    /**
     * Closes every session with reason {@code "server shutting down"}: close packet, then transport close; and every
     * WebSocket that relays a session of another node (that session closes there).
     */
    public void close() {
        for (ServerEngineSocket socket : List.copyOf(clients.values())) {
            socket.closeNow("server shutting down");
        }
        for (ForwardedUpgrade upgrade : List.copyOf(forwardedUpgrades)) {
            upgrade.shutdown();
        }
    }

    // ---- for the mounting layer

    /**
     * Handles one HTTP request that is not a WebSocket upgrade: handshake, poll, data or error.
     * The exchange is always answered, now or when data is ready.
     */
    public void handlePolling(EngineRequest request, PollingExchange exchange) {
        String method = exchange.method();
        EngineError error = verify(request, method, false);
        String sid = request.query().get("sid");
        SessionForwarder forwarder = this.forwarder;
        if (error == EngineError.UNKNOWN_SID && forwarder != null && !clients.containsKey(sid)) {
            // not held here: perhaps by another node of the cluster
            forwarder.forward(sid, request, exchange, () -> {
                notifyConnectionError(EngineError.UNKNOWN_SID);
                ServerEngineSocket.respondError(exchange, EngineError.UNKNOWN_SID);
            });
            return;
        }
        if (error != null) {
            notifyConnectionError(error);
            ServerEngineSocket.respondError(exchange, error);
            return;
        }
        if (sid != null) {
            ServerEngineSocket socket = clients.get(sid);
            if (socket == null) {
                ServerEngineSocket.respondError(exchange, EngineError.UNKNOWN_SID);
            } else {
                socket.onPollingRequest(exchange);
            }
            return;
        }
        ServerEngineSocket socket = new ServerEngineSocket(this, ids.next(), request, new PollingTransport());
        clients.put(socket.id(), socket);
        socket.open(options.allowUpgrades() && options.transports().contains("websocket") ? List.of("websocket") : List.of());
        exchange.sessionCreated(socket.id());
        socket.onPollingRequest(exchange);
        notifyConnection(socket);
    }

    // ---- for a SessionForwarder, on the node that holds the session

    /**
     * Lends session {@code sid}'s next poll to a GET that reached another node: {@code remotePoll} becomes the
     * session's pending poll and is answered (with what waits, or when something is sent) like a local one.
     *
     * @return {@code false} when the session is not held here, is not on long-polling, or has a poll pending
     */
    public boolean lendPoll(String sid, PollingExchange remotePoll) {
        ServerEngineSocket socket = clients.get(sid);
        return socket != null && socket.lendPoll(remotePoll);
    }

    /** Whether session {@code sid} is held here, on long-polling, and open: a POST on another node may feed it. */
    public boolean acceptsRemoteData(String sid) {
        ServerEngineSocket socket = clients.get(sid);
        return socket != null && socket.acceptsRemoteData();
    }

    /** Delivers the packets a POST carried to another node, in order, as if the POST had come here. */
    public void receiveRemoteData(String sid, List<EnginePacket> packets) {
        ServerEngineSocket socket = clients.get(sid);
        if (socket != null) {
            socket.onRemoteData(packets);
        }
    }

    /**
     * Lets a WebSocket on another node upgrade session {@code sid}: a poll pending now, or while it upgrades, gets a
     * noop soon, so that the client can switch.
     *
     * @return {@code false} when the session is not held here, is not on long-polling, or upgrades already
     */
    public boolean lendUpgrade(String sid) {
        ServerEngineSocket socket = clients.get(sid);
        return socket != null && socket.lendUpgrade();
    }

    /**
     * Session {@code sid}'s client upgraded to a WebSocket on another node: the session stays here, what it sends
     * goes to {@code remote} (which carries the packets to that node, in order, and must not block), and the
     * client's packets come through {@link #receiveRemoteData}. A {@code close} packet among them ends the relay.
     *
     * @return {@code false} when the session is not held here, or is closed or no longer on long-polling
     */
    public boolean relayUpgraded(String sid, Consumer<List<EnginePacket>> remote) {
        ServerEngineSocket socket = clients.get(sid);
        return socket != null && socket.relayUpgraded(remote);
    }

    /** A WebSocket on another node gave up upgrading session {@code sid}: it may be upgraded again. */
    public void abandonUpgrade(String sid) {
        ServerEngineSocket socket = clients.get(sid);
        if (socket != null) {
            socket.abandonUpgrade();
        }
    }

    /** Closes session {@code sid} when its request on another node failed (e.g. a lent poll was aborted). */
    public void closeRemote(String sid, String reason) {
        ServerEngineSocket socket = clients.get(sid);
        if (socket != null) {
            socket.onRemoteClose(reason);
        }
    }

    /**
     * Checks a WebSocket upgrade request before the upgrade.
     *
     * @return {@code null} when the upgrade may proceed, else the error to answer with
     */
    public EngineError verifyUpgrade(EngineRequest request) {
        EngineError error = verify(request, "GET", true);
        if (error == EngineError.UNKNOWN_SID && forwarder != null && !clients.containsKey(request.query().get("sid"))
                && "websocket".equals(request.query().get("transport"))) {
            // perhaps a session of another node (sticky sessions off): onWebSocket asks the cluster for it; refused,
            // the WebSocket closes right after its handshake, the client's probe fails and it stays on long-polling,
            // where its requests are forwarded, instead of reading a 400 as a lost session
            return null;
        }
        if (error != null) {
            notifyConnectionError(error);
        }
        return error;
    }

    private void notifyConnectionError(EngineError error) {
        try {
            connectionErrorListener.accept(error);
        } catch (RuntimeException e) {
            log.error("Engine.IO connection error listener failed", e);
        }
    }

    /**
     * Takes an upgraded WebSocket connection (the request passed {@link #verifyUpgrade}): opens a
     * session, or starts the upgrade of the polling session named by {@code sid}. A connection
     * that cannot be used is closed.
     *
     * @return what the mounting layer calls with inbound frames and the connection's end
     */
    public EngineWebSocket.Inbound onWebSocket(EngineRequest request, EngineWebSocket connection) {
        WebSocketTransport transport = new WebSocketTransport(connection);
        String sid = request.query().get("sid");
        if (sid != null) {
            ServerEngineSocket socket = clients.get(sid);
            SessionForwarder forwarder = this.forwarder;
            if (socket == null && forwarder != null && "websocket".equals(request.query().get("transport"))) {
                ForwardedUpgrade upgrade = new ForwardedUpgrade(this, sid, request, transport);
                forwardedUpgrades.add(upgrade);
                forwarder.forwardUpgrade(sid, request, upgrade);
                return upgrade;
            }
            if (socket == null || socket.isUpgradingOrUpgraded() || !"websocket".equals(request.query().get("transport"))) {
                connection.close();
                return IGNORED;
            }
            socket.maybeUpgrade(transport);
            return socket.inbound(transport);
        }
        ServerEngineSocket socket = new ServerEngineSocket(this, ids.next(), request, transport);
        clients.put(socket.id(), socket);
        socket.open(List.of());
        notifyConnection(socket);
        return socket.inbound(transport);
    }

    /**
     * Opens session {@code sid}, handed over by the node that held it, on {@code ws} (see
     * {@link ForwardedUpgrade#completed}); {@code null} when a session with that id is open here already.
     */
    ServerEngineSocket adopt(String sid, EngineRequest request, WebSocketTransport ws, List<EnginePacket> packets) {
        ServerEngineSocket socket = new ServerEngineSocket(this, sid, request, ws);
        if (clients.putIfAbsent(sid, socket) != null) {
            return null;
        }
        socket.adopt(packets);
        return socket;
    }

    /** A forwarded upgrade's WebSocket closed. */
    void forget(ForwardedUpgrade upgrade) {
        forwardedUpgrades.remove(upgrade);
    }

    /** Tells the connection listener of a session opened by {@link #adopt}. */
    void announce(ServerEngineSocket socket) {
        notifyConnection(socket);
    }

    private static final EngineWebSocket.Inbound IGNORED = new EngineWebSocket.Inbound() {
        @Override
        public void onText(String text) {
        }

        @Override
        public void onBinary(byte[] data) {
        }

        @Override
        public void onClose(boolean error) {
        }

        @Override
        public void onDrain() {
        }

        @Override
        public void onSlowClient(long bufferedBytes, boolean stalled) {
        }
    };

    private void notifyConnection(ServerEngineSocket socket) {
        try {
            connectionListener.accept(socket);
        } catch (RuntimeException e) {
            log.error("Engine.IO connection listener failed for " + socket, e);
        }
    }

    /** The reference's verify() followed by its protocol-version check, in the same order. */
    private EngineError verify(EngineRequest request, String method, boolean upgrade) {
        String transport = request.query().get("transport");
        if (transport == null || !options.transports().contains(transport)) {
            return EngineError.UNKNOWN_TRANSPORT;
        }
        if (hasInvalidHeaderChar(request.header("origin"))) {
            return EngineError.BAD_REQUEST;
        }
        String sid = request.query().get("sid");
        if (sid != null) {
            ServerEngineSocket socket = clients.get(sid);
            if (socket == null || !socket.checkAlive()) {
                return EngineError.UNKNOWN_SID;
            }
            if (!upgrade && !socket.transportName().equals(transport)) {
                return EngineError.BAD_REQUEST;
            }
            return null;
        }
        if (!"GET".equals(method)) {
            return EngineError.BAD_HANDSHAKE_METHOD;
        }
        if ("websocket".equals(transport) && !upgrade) {
            return EngineError.BAD_REQUEST;
        }
        if (options.allowRequest() != null) {
            String refusal = options.allowRequest().check(request);
            if (refusal != null) {
                return refusal.isBlank() ? EngineError.FORBIDDEN : new EngineError(EngineError.FORBIDDEN.code(), refusal);
            }
        }
        if (!"4".equals(request.query().get("EIO"))) {
            return EngineError.UNSUPPORTED_PROTOCOL_VERSION;
        }
        return null;
    }

    private static boolean hasInvalidHeaderChar(String value) {
        if (value == null) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c == '\t' || (c >= 0x20 && c <= 0x7e) || (c >= 0x80 && c <= 0xff))) {
                return true;
            }
        }
        return false;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    void remove(ServerEngineSocket socket) {
        clients.remove(socket.id(), socket);
    }
}
