package dev.socketeer.server;

import dev.socketeer.adapter.Adapter;
import dev.socketeer.adapter.BroadcastFlags;
import dev.socketeer.adapter.LocalNamespace;
import dev.socketeer.adapter.LocalSocket;
import dev.socketeer.adapter.Session;
import dev.socketeer.engine.WriteScope;
import dev.socketeer.protocol.socketio.Packet;
import dev.socketeer.protocol.socketio.PacketEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * A namespace: a communication channel multiplexed over the connections, with its own sockets,
 * middlewares, rooms (through its {@link Adapter}) and connection listeners. Mirrors the reference
 * server's {@code Namespace}. Thread-safe.
 */
public class Namespace {

    private final SocketIoServer server;
    private final String name;
    private final Adapter adapter;
    private final Map<String, Socket> sockets = new ConcurrentHashMap<>();
    private final Map<String, Socket> preConnectSockets = new ConcurrentHashMap<>();
    final List<ConnectionMiddleware> middlewares = new CopyOnWriteArrayList<>();
    final List<Consumer<Socket>> connectionListeners = new CopyOnWriteArrayList<>();
    private final Object eventListenersLock = new Object();
    private volatile Map<String, List<SocketEventListener>> eventListeners = Map.of();
    private final Map<String, List<EventArgsListener>> serverSideListeners = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final ParentNamespace parent;

    Namespace(SocketIoServer server, String name, ParentNamespace parent, Function<LocalNamespace, Adapter> adapterCreator) {
        this.server = server;
        this.name = name;
        this.parent = parent;
        this.adapter = adapterCreator.apply(new View());
        adapter.init().exceptionally(error -> {
            Listeners.warn("adapter of namespace " + name + " failed to start: " + error);
            return null;
        });
    }

    /** The namespace name, e.g. {@code "/"} or {@code "/chat"}. */
    public String name() {
        return name;
    }

    /** The adapter keeping this namespace's rooms. */
    public Adapter adapter() {
        return adapter;
    }

    /** The server. */
    public SocketIoServer server() {
        return server;
    }

    /** The sockets connected to this namespace on this server, by id (a live, read-only view). */
    public Map<String, Socket> sockets() {
        return Collections.unmodifiableMap(sockets);
    }

    /**
     * Listens to an event of every socket of this namespace (those connected already and those to come), once: the
     * listener gets the socket, so nothing is created per connection. Runs before the listeners registered on the
     * socket itself. On a dynamic namespace pattern, serves the sockets of every child namespace.
     */
    public Namespace on(String event, SocketEventListener listener) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(listener, "listener");
        synchronized (eventListenersLock) {
            Map<String, List<SocketEventListener>> copy = new HashMap<>(eventListeners);
            List<SocketEventListener> list = new ArrayList<>(copy.getOrDefault(event, List.of()));
            list.add(listener);
            copy.put(event, List.copyOf(list));
            eventListeners = Map.copyOf(copy);
        }
        return this;
    }

    /** Stops a listener given to {@link #on(String, SocketEventListener)}. */
    public Namespace off(String event, SocketEventListener listener) {
        synchronized (eventListenersLock) {
            List<SocketEventListener> list = eventListeners.get(event);
            if (list != null && list.contains(listener)) {
                Map<String, List<SocketEventListener>> copy = new HashMap<>(eventListeners);
                List<SocketEventListener> rest = new ArrayList<>(list);
                rest.remove(listener);
                if (rest.isEmpty()) {
                    copy.remove(event);
                } else {
                    copy.put(event, List.copyOf(rest));
                }
                eventListeners = Map.copyOf(copy);
            }
        }
        return this;
    }

    /** The namespace-wide listeners of an event (a child namespace's parent's included), or {@code null}. */
    List<SocketEventListener> eventListeners(String event) {
        List<SocketEventListener> own = eventListeners.get(event);
        List<SocketEventListener> inherited = parent == null ? null : parent.eventListeners(event);
        if (inherited == null) {
            return own;
        }
        if (own == null) {
            return inherited;
        }
        List<SocketEventListener> both = new ArrayList<>(inherited);
        both.addAll(own);
        return both;
    }

    /** Called with each socket that connected (after the middlewares and the CONNECT reply). */
    public Namespace onConnection(Consumer<Socket> listener) {
        connectionListeners.add(listener);
        return this;
    }

    /** Adds a connection middleware; middlewares run in order. */
    public Namespace use(ConnectionMiddleware middleware) {
        middlewares.add(middleware);
        return this;
    }

    /** Adds a connection middleware returning a {@code Mono}. */
    public Namespace use(ReactiveConnectionMiddleware middleware) {
        return use((socket, next) -> {
            var mono = middleware.apply(socket);
            if (mono == null) {
                next.proceed();
            } else {
                mono.subscribe(ignored -> { }, next::refuse, next::proceed);
            }
        });
    }

    BroadcastOperator newBroadcastOperator() {
        return new BroadcastOperator(this, adapter, Set.of(), Set.of(), BroadcastFlags.NONE);
    }

    /** The sockets in these rooms. */
    public BroadcastOperator to(String... rooms) {
        return newBroadcastOperator().to(rooms);
    }

    /** Alias of {@link #to}. */
    public BroadcastOperator in(String... rooms) {
        return newBroadcastOperator().in(rooms);
    }

    /** Every socket except those in these rooms. */
    public BroadcastOperator except(String... rooms) {
        return newBroadcastOperator().except(rooms);
    }

    /** Broadcasts that may be dropped for clients that are not ready. */
    public BroadcastOperator asVolatile() {
        return newBroadcastOperator().asVolatile();
    }

    public BroadcastOperator compress(boolean compress) {
        return newBroadcastOperator().compress(compress);
    }

    /** This server's sockets only. */
    public BroadcastOperator local() {
        return newBroadcastOperator().local();
    }

    /** Broadcasts with acknowledgements collected for this long. */
    public BroadcastOperator timeout(Duration timeout) {
        return newBroadcastOperator().timeout(timeout);
    }

    /** Sends an event to every socket of the namespace. */
    public boolean emit(String event, Object... args) {
        return newBroadcastOperator().emit(event, args);
    }

    /**
     * Sends an event to every socket of the namespace and collects their acknowledgements, within the server's
     * default acknowledgement timeout ({@code socketio.ack-timeout}); see {@link BroadcastOperator#emitWithAck}.
     */
    public CompletableFuture<List<JsonNode>> emitWithAck(String event, Object... args) {
        return newBroadcastOperator().emitWithAck(event, args);
    }

    /** The ids of all sockets of the namespace, cluster-wide. */
    public CompletableFuture<Set<String>> allSockets() {
        return newBroadcastOperator().allSockets();
    }

    public CompletableFuture<List<RemoteSocket>> fetchSockets() {
        return newBroadcastOperator().fetchSockets();
    }

    public CompletableFuture<Void> socketsJoin(String... rooms) {
        return newBroadcastOperator().socketsJoin(rooms);
    }

    public CompletableFuture<Void> socketsLeave(String... rooms) {
        return newBroadcastOperator().socketsLeave(rooms);
    }

    public CompletableFuture<Void> disconnectSockets(boolean close) {
        return newBroadcastOperator().disconnectSockets(close);
    }

    /** Sends an event to the other servers of the cluster. */
    public boolean serverSideEmit(String event, Object... args) {
        checkNotReserved(event);
        adapter.serverSideEmit(packetOf(event, args));
        return true;
    }

    /** Sends an event to the other servers and collects their answers. */
    public CompletableFuture<List<JsonNode>> serverSideEmitWithAck(Duration timeout, String event, Object... args) {
        checkNotReserved(event);
        return adapter.serverSideEmitWithAck(packetOf(event, args), timeout);
    }

    /** Sends an event to the other servers and collects their answers within the default acknowledgement timeout. */
    public CompletableFuture<List<JsonNode>> serverSideEmitWithAck(String event, Object... args) {
        Duration timeout = server().options().ackTimeout();
        if (timeout == null) {
            throw new IllegalStateException("serverSideEmitWithAck needs a timeout: pass one, or give the server a"
                    + " default (socketio.ack-timeout)");
        }
        return serverSideEmitWithAck(timeout, event, args);
    }

    /** Receives events that other servers sent with {@code serverSideEmit}. */
    public Namespace onServerSideEmit(String event, EventArgsListener listener) {
        serverSideListeners.computeIfAbsent(event, key -> new CopyOnWriteArrayList<>()).add(listener);
        return this;
    }

    private static List<Object> packetOf(String event, Object[] args) {
        List<Object> packet = new ArrayList<>(args.length + 1);
        packet.add(event);
        packet.addAll(Arrays.asList(args));
        return packet;
    }

    static void checkNotReserved(String event) {
        if (event == null || Packet.RESERVED_EVENTS.contains(event)) {
            throw new IllegalArgumentException("\"" + event + "\" is a reserved event name");
        }
    }

    long nextAckId() {
        return ids.getAndIncrement();
    }

    // ---- connection flow, called by the client

    void add(Client client, JsonNode auth, Consumer<Socket> onConnected) {
        createSocket(client, auth).whenComplete((socket, error) -> {
            if (error != null) {
                Listeners.warn("could not create a socket in namespace " + name + ": " + error);
                return;
            }
            preConnectSockets.put(socket.id(), socket);
            ServerOptions.ConnectionStateRecovery recovery = server.options().connectionStateRecovery();
            if (recovery != null && recovery.skipMiddlewares() && socket.recovered() && client.isOpen()) {
                doConnect(socket, onConnected);
                return;
            }
            runMiddlewares(socket, 0, refusal -> {
                if (!client.isOpen()) {
                    socket.cleanup();
                } else if (refusal != null) {
                    socket.cleanup();
                    socket.sendConnectError(refusal);
                } else {
                    doConnect(socket, onConnected);
                }
            });
        });
    }

    private CompletableFuture<Socket> createSocket(Client client, JsonNode auth) {
        JsonNode pid = auth.get("pid");
        JsonNode offset = auth.get("offset");
        // a client that had received no event sends no offset (socket.io issue #5538): the adapter decides
        // whether it can still restore the session (the Redis Streams adapter can, the in-memory one cannot)
        if (server.options().connectionStateRecovery() != null && pid != null && pid.isString()
                && (offset == null || offset.isString())) {
            return adapter.restoreSession(pid.stringValue(), offset == null ? null : offset.stringValue())
                    .exceptionally(error -> Optional.empty())
                    .thenApply(session -> new Socket(this, client, auth, session.orElse(null)));
        }
        return CompletableFuture.completedFuture(new Socket(this, client, auth, (Session) null));
    }

    private void runMiddlewares(Socket socket, int index, Consumer<Throwable> done) {
        if (index >= middlewares.size()) {
            done.accept(null);
            return;
        }
        ConnectionMiddleware middleware = middlewares.get(index);
        AtomicBoolean called = new AtomicBoolean();
        ConnectionMiddleware.Next next = new ConnectionMiddleware.Next() {
            @Override
            public void proceed() {
                if (called.compareAndSet(false, true)) {
                    runMiddlewares(socket, index + 1, done);
                }
            }

            @Override
            public void refuse(Throwable error) {
                if (called.compareAndSet(false, true)) {
                    done.accept(error == null ? new ConnectionRefusedException("refused") : error);
                }
            }
        };
        try {
            middleware.apply(socket, next);
        } catch (RuntimeException e) {
            next.refuse(e);
        }
    }

    private void doConnect(Socket socket, Consumer<Socket> onConnected) {
        preConnectSockets.remove(socket.id());
        sockets.put(socket.id(), socket);
        // The client knows the socket before the CONNECT goes out, so its first packets find it.
        onConnected.accept(socket);
        socket.onConnect();
        for (Consumer<Socket> listener : connectionListeners) {
            Listeners.safely("connection listener of namespace " + name, () -> listener.accept(socket));
        }
        // Packets that arrived while the listeners were registering (possible when an asynchronous
        // middleware completed off the connection's thread) are delivered now, in order.
        socket.listenersReady();
    }

    void remove(Socket socket) {
        if (sockets.remove(socket.id(), socket) || preConnectSockets.remove(socket.id(), socket)) {
            if (parent != null && server.options().cleanupEmptyChildNamespaces() && sockets.isEmpty()) {
                parent.removeChild(this);
            }
        }
    }

    /**
     * Disconnects every local socket with the reason given, without a DISCONNECT packet (server shutdown); completes
     * once their sessions are saved for connection state recovery (failures included: the shutdown goes on).
     */
    CompletableFuture<Void> closeSockets(String reason) {
        List<CompletableFuture<Void>> saved = new ArrayList<>();
        for (Socket socket : new ArrayList<>(sockets.values())) {
            saved.add(socket.onClose(reason).exceptionally(error -> null));
        }
        return CompletableFuture.allOf(saved.toArray(CompletableFuture[]::new));
    }

    @Override
    public String toString() {
        return "Namespace[" + name + "]";
    }

    /** What the adapter sees of this namespace. */
    private final class View implements LocalNamespace {

        @Override
        public void broadcastDelivered(int recipients) {
            server.observer().broadcast(name, recipients);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void roomJoined(String room, String id) {
            ServerObserver observer = server.observer();
            if (observer != ServerObserver.NONE) {
                observer.roomJoined(name, room, id);
            }
        }

        @Override
        public void roomLeft(String room, String id) {
            ServerObserver observer = server.observer();
            if (observer != ServerObserver.NONE) {
                observer.roomLeft(name, room, id);
            }
        }

        @Override
        public void fanOut(Runnable writes) {
            WriteScope.run(writes);
        }

        @Override
        public LocalSocket socket(String id) {
            Socket socket = sockets.get(id);
            return socket == null ? null : socket.view();
        }

        @Override
        public long nextAckId() {
            return Namespace.this.nextAckId();
        }

        @Override
        public PacketEncoder encoder() {
            return server.encoder();
        }

        @Override
        public void onServerSideEmit(List<JsonNode> args, Consumer<Object> ack) {
            if (args.isEmpty()) {
                return;
            }
            String event = args.get(0).isString() ? args.get(0).stringValue() : args.get(0).toString();
            List<JsonNode> eventArgs = List.copyOf(args.subList(1, args.size()));
            List<EventArgsListener> eventListeners = serverSideListeners.get(event);
            if (eventListeners == null) {
                return;
            }
            AtomicBoolean answered = new AtomicBoolean();
            Ack reply = ack == null ? null : values -> {
                if (answered.compareAndSet(false, true)) {
                    ack.accept(values.length == 0 ? null : values[0]);
                }
            };
            for (EventArgsListener listener : eventListeners) {
                Listeners.safely("server-side listener of '" + event + "'", () -> listener.onEvent(eventArgs, reply));
            }
        }

        @Override
        public Duration maxDisconnectionDuration() {
            ServerOptions.ConnectionStateRecovery recovery = server.options().connectionStateRecovery();
            return recovery == null ? null : recovery.maxDisconnectionDuration();
        }
    }
}
