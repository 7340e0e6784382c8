package dev.socketeer.server;

import dev.socketeer.adapter.AckTimeoutException;
import dev.socketeer.adapter.Adapter;
import dev.socketeer.adapter.BroadcastFlags;
import dev.socketeer.adapter.BroadcastOptions;
import dev.socketeer.adapter.LocalSocket;
import dev.socketeer.adapter.Session;
import dev.socketeer.adapter.SessionToPersist;
import dev.socketeer.adapter.SocketDetails;
import dev.socketeer.engine.EngineSocket;
import dev.socketeer.protocol.engineio.EngineMessage;
import dev.socketeer.protocol.socketio.Packet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.NullNode;

/**
 * One client connected to one namespace. Mirrors the reference server's {@code Socket}: rooms,
 * events with acknowledgements, middlewares, broadcasts from this socket, disconnection.
 *
 * <p>Thread-safe. Listeners are called on the connection's event loop (or on the thread that
 * completed an asynchronous middleware) and must not block; their exceptions are logged.
 */
public final class Socket {

    private static final Set<String> RECOVERABLE_DISCONNECT_REASONS = Set.of("transport error", "transport close",
            "forced close", "ping timeout", "server shutting down", "forced server close");

    private final Namespace namespace;
    private final Client client;
    private final Adapter adapter;
    private final String id;
    private final String pid;
    private final boolean recovered;
    private final Handshake handshake;
    // Most sockets use few of these: the maps are created on first use, and the listeners are
    // immutable snapshots replaced on registration (copy-on-write, under the view's monitor), all
    // starting as the shared empty list or map. An idle socket allocates none of them, and one with
    // a few event listeners a small immutable map of one-element lists.
    private volatile Map<String, Object> data;
    private volatile Map<String, List<EventArgsListener>> listeners = Map.of();
    private volatile List<AnyListener> anyListeners = List.of();
    private volatile List<AnyListener> anyOutgoingListeners = List.of();
    private volatile List<EventMiddleware> middlewares = List.of();
    private volatile List<DisconnectListener> disconnectingListeners = List.of();
    private volatile List<DisconnectListener> disconnectListeners = List.of();
    private volatile List<Consumer<Throwable>> errorListeners = List.of();
    private volatile List<Consumer<Socket>> drainListeners = List.of();
    private volatile Map<Long, Consumer<List<JsonNode>>> acks;
    /** The joins not settled yet, which acknowledgements wait for; {@code null} or done when none. */
    private volatile CompletableFuture<Void> pendingJoins;
    private final LocalSocket view = new View();
    private volatile boolean connected;
    private volatile boolean cleanedUp;

    Socket(Namespace namespace, Client client, JsonNode auth, Session previous) {
        this.namespace = namespace;
        this.client = client;
        this.adapter = namespace.adapter();
        this.handshake = new Handshake(client.conn().request(), auth);
        if (previous != null) {
            this.id = previous.sid();
            this.pid = previous.pid();
            this.recovered = true;
            awaitBeforeAcks(adapter.addAll(id, new LinkedHashSet<>(previous.rooms())));
            previous.data().forEach((key, value) -> {
                if (key != null) {
                    data().put(key, value);
                }
            });
            for (List<Object> missed : previous.missedPackets()) {
                writePacket(Packet.event(namespace.name(), null, missed), false, true);
            }
        } else {
            this.id = namespace.server().ids().next();
            this.pid = namespace.server().options().connectionStateRecovery() != null ? namespace.server().ids().next() : null;
            this.recovered = false;
        }
    }

    /** The socket id: 20 characters, distinct from the Engine.IO session id. */
    public String id() {
        return id;
    }

    /** The private session id used for connection state recovery, or {@code null} when recovery is off. */
    public String pid() {
        return pid;
    }

    /** Whether this socket got its previous session back (connection state recovery). */
    public boolean recovered() {
        return recovered;
    }

    /** The namespace of this socket. */
    public Namespace namespace() {
        return namespace;
    }

    /** The handshake details. */
    public Handshake handshake() {
        return handshake;
    }

    /**
     * Application data attached to the socket, Node's {@code socket.data}: visible to {@code fetchSockets} on every
     * node and kept by connection state recovery. Values are anything the application's JSON mapper writes, and may
     * be {@code null}: JSON objects (with null fields), arrays and scalars come back unchanged from a remote
     * {@code fetchSockets} (as maps, lists and plain values). Safe to use from several threads; iterate it inside
     * {@code synchronized (socket.data())}, as for any {@link Collections#synchronizedMap}.
     */
    public Map<String, Object> data() {
        Map<String, Object> map = data;
        if (map == null) {
            synchronized (view) {
                map = data;
                if (map == null) {
                    // not a ConcurrentHashMap: JSON data has nulls, and a null value must not throw at the user
                    ServerObserver observer = namespace.server().observer();
                    map = observer.observesData()
                            ? new ObservedData(key -> observer.dataChanged(this, key))
                            : Collections.synchronizedMap(new LinkedHashMap<>(4));
                    data = map;
                }
            }
        }
        return map;
    }

    /** A snapshot of {@link #data()} without creating it; null values kept. */
    private Map<String, Object> dataSnapshot() {
        Map<String, Object> map = data;
        if (map == null) {
            return Map.of();
        }
        synchronized (map) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(map));
        }
    }

    private Map<Long, Consumer<List<JsonNode>>> acks() {
        Map<Long, Consumer<List<JsonNode>>> map = acks;
        if (map == null) {
            synchronized (view) {
                map = acks;
                if (map == null) {
                    map = new ConcurrentHashMap<>(4);
                    acks = map;
                }
            }
        }
        return map;
    }

    private static <T> List<T> plus(List<T> list, T item) {
        Objects.requireNonNull(item, "listener");
        List<T> copy = new ArrayList<>(list.size() + 1);
        copy.addAll(list);
        copy.add(item);
        return List.copyOf(copy);
    }

    private static <T> List<T> minus(List<T> list, T item) {
        int index = list.indexOf(item);
        if (index < 0) {
            return list;
        }
        List<T> copy = new ArrayList<>(list);
        copy.remove(index);
        return List.copyOf(copy);
    }

    /** A copy of the listener map with {@code event}'s list replaced (removed when empty). */
    private static Map<String, List<EventArgsListener>> replace(Map<String, List<EventArgsListener>> map, String event,
            List<EventArgsListener> list) {
        Map<String, List<EventArgsListener>> copy = new HashMap<>(map);
        if (list.isEmpty()) {
            copy.remove(event);
        } else {
            copy.put(event, list);
        }
        return Map.copyOf(copy);
    }

    /** The underlying Engine.IO connection (transport name, request, engine id). */
    public EngineSocket conn() {
        return client.conn();
    }

    /**
     * Whether this socket's client reads more slowly than it is written to: more than the backpressure
     * high-water mark ({@code socketio.backpressure.high-water-mark}) waits for it. Volatile packets to it are
     * dropped meanwhile; {@link #onDrain} says when it has caught up. A producer that can wait (a feed, a file)
     * checks this before each emit and resumes on drain.
     */
    public boolean isLagging() {
        return client.conn().isLagging();
    }

    /**
     * Called (on the connection's event loop) when this socket was {@linkplain #isLagging() lagging} and has caught
     * up, like the reference's {@code socket.conn.on("drain")}; must not block.
     */
    public Socket onDrain(Consumer<Socket> listener) {
        synchronized (view) {
            drainListeners = plus(drainListeners, listener);
        }
        return this;
    }

    void onDrained() {
        for (Consumer<Socket> listener : drainListeners) {
            Listeners.safely("drain listener", () -> listener.accept(this));
        }
    }

    /** Whether the socket is connected to its namespace. */
    public boolean connected() {
        return connected;
    }

    /** The rooms this socket is in, including its own id; a snapshot. */
    public Set<String> rooms() {
        return adapter.socketRooms(id);
    }

    /**
     * Joins rooms. The socket is in them at once, and gets this server's broadcasts to them from
     * now on; the future completes when it also gets the other servers' (at once with the in-memory
     * and classic Redis adapters; the sharded Redis adapter waits for the room's subscription). An
     * acknowledgement this socket sends afterwards waits for it, so a client told "joined" by an ack
     * never misses a broadcast sent to the room next, from any server. It fails with a
     * {@code ClusterException} when the cluster backend cannot confirm in time; the socket stays in
     * the rooms.
     */
    public CompletableFuture<Void> join(String... rooms) {
        return join(Arrays.asList(rooms));
    }

    /** Joins rooms; see {@link #join(String...)}. */
    public CompletableFuture<Void> join(Collection<String> rooms) {
        if (cleanedUp) {
            return CompletableFuture.completedFuture(null);
        }
        return awaitBeforeAcks(adapter.addAll(id, new LinkedHashSet<>(rooms)));
    }

    /** Holds this socket's next acknowledgements until {@code join} has settled (succeeded or failed). */
    private CompletableFuture<Void> awaitBeforeAcks(CompletableFuture<Void> join) {
        if (!join.isDone()) {
            CompletableFuture<Void> settled = join.handle((ignored, error) -> null);
            synchronized (view) {
                CompletableFuture<Void> previous = pendingJoins;
                pendingJoins = previous == null || previous.isDone() ? settled : CompletableFuture.allOf(previous, settled);
            }
        }
        return join;
    }

    /** Leaves a room. */
    public Socket leave(String room) {
        adapter.del(id, room);
        return this;
    }

    /**
     * Sends an event to this client.
     *
     * @throws IllegalArgumentException if the event name is reserved
     */
    public boolean emit(String event, Object... args) {
        return emit(BroadcastFlags.NONE, event, args, null);
    }

    /**
     * Sends an event and waits for the client's acknowledgement: for the server's default acknowledgement timeout
     * ({@code socketio.ack-timeout}; the future then fails with {@link AckTimeoutException}), or forever when there
     * is none (see {@link #timeout}).
     *
     * @return the acknowledgement arguments
     */
    public CompletableFuture<List<JsonNode>> emitWithAck(String event, Object... args) {
        return emitWithAck(BroadcastFlags.NONE, event, args);
    }

    /** Emits with an acknowledgement timeout: the future fails with {@link AckTimeoutException}. */
    public SocketEmitter timeout(Duration timeout) {
        return new SocketEmitter(this, BroadcastFlags.NONE.withTimeout(timeout));
    }

    /** Emits packets that may be dropped when the transport is not writable. */
    public SocketEmitter asVolatile() {
        return new SocketEmitter(this, BroadcastFlags.NONE.withVolatile(true));
    }

    /** Emits packets with or without transport compression. */
    public SocketEmitter compress(boolean compress) {
        return new SocketEmitter(this, BroadcastFlags.NONE.withCompress(compress));
    }

    /** Every other socket of the namespace. */
    public BroadcastOperator broadcast() {
        return new BroadcastOperator(namespace, adapter, Set.of(), Set.of(id), BroadcastFlags.NONE);
    }

    /** The sockets in these rooms, except this one. */
    public BroadcastOperator to(String... rooms) {
        return broadcast().to(rooms);
    }

    /** Alias of {@link #to}. */
    public BroadcastOperator in(String... rooms) {
        return broadcast().in(rooms);
    }

    /** Every other socket, except those in these rooms. */
    public BroadcastOperator except(String... rooms) {
        return broadcast().except(rooms);
    }

    /** Every other socket of this server only. */
    public BroadcastOperator local() {
        return broadcast().local();
    }

    /** Listens to an event. */
    public Socket on(String event, EventArgsListener listener) {
        Objects.requireNonNull(event, "event");
        synchronized (view) {
            Map<String, List<EventArgsListener>> map = listeners;
            listeners = replace(map, event, plus(map.getOrDefault(event, List.of()), listener));
        }
        return this;
    }

    /** Listens to an event with a listener that gets this socket (see {@link Namespace#on} to serve every socket). */
    public Socket on(String event, SocketEventListener listener) {
        return on(event, new Bound(this, Objects.requireNonNull(listener, "listener")));
    }

    /** Stops a listener given to {@link #on(String, SocketEventListener)}. */
    public Socket off(String event, SocketEventListener listener) {
        return off(event, new Bound(this, listener));
    }

    /** A socket listener as this socket's event listener; equal for the same listener, so that off() finds it. */
    private record Bound(Socket socket, SocketEventListener listener) implements EventArgsListener {

        @Override
        public void onEvent(List<JsonNode> args, Ack ack) {
            listener.onEvent(socket, args, ack);
        }
    }

    /** Stops listening to an event. */
    public Socket off(String event, EventArgsListener listener) {
        synchronized (view) {
            Map<String, List<EventArgsListener>> map = listeners;
            List<EventArgsListener> list = map.get(event);
            if (list != null) {
                List<EventArgsListener> rest = minus(list, listener);
                if (rest != list) {
                    listeners = replace(map, event, rest);
                }
            }
        }
        return this;
    }

    /** Sees every incoming event, before the middlewares. */
    public Socket onAny(AnyListener listener) {
        synchronized (view) {
            anyListeners = plus(anyListeners, listener);
        }
        return this;
    }

    public Socket offAny(AnyListener listener) {
        synchronized (view) {
            anyListeners = minus(anyListeners, listener);
        }
        return this;
    }

    /** Sees every outgoing event (emits and broadcasts reaching this socket). */
    public Socket onAnyOutgoing(AnyListener listener) {
        synchronized (view) {
            anyOutgoingListeners = plus(anyOutgoingListeners, listener);
        }
        return this;
    }

    public Socket offAnyOutgoing(AnyListener listener) {
        synchronized (view) {
            anyOutgoingListeners = minus(anyOutgoingListeners, listener);
        }
        return this;
    }

    /** Adds a middleware that sees each incoming event before the listeners. */
    public Socket use(EventMiddleware middleware) {
        synchronized (view) {
            middlewares = plus(middlewares, middleware);
        }
        return this;
    }

    /** Called when the socket is about to disconnect; its rooms are still there. */
    public Socket onDisconnecting(DisconnectListener listener) {
        synchronized (view) {
            disconnectingListeners = plus(disconnectingListeners, listener);
        }
        return this;
    }

    /** Called once the socket has disconnected. */
    public Socket onDisconnect(DisconnectListener listener) {
        synchronized (view) {
            disconnectListeners = plus(disconnectListeners, listener);
        }
        return this;
    }

    /** Called when an event middleware refuses an event, or the connection receives an invalid packet. */
    public Socket onError(Consumer<Throwable> listener) {
        synchronized (view) {
            errorListeners = plus(errorListeners, listener);
        }
        return this;
    }

    /**
     * Disconnects this socket: sends DISCONNECT ("server namespace disconnect"), or with
     * {@code close} disconnects every namespace of the connection and closes it.
     */
    public Socket disconnect(boolean close) {
        if (!connected) {
            return this;
        }
        if (close) {
            client.disconnectAll();
        } else {
            writePacket(Packet.disconnect(namespace.name()), false, true);
            onClose("server namespace disconnect");
        }
        return this;
    }

    // ---- emitting

    boolean emit(BroadcastFlags flags, String event, Object[] args, Consumer<List<JsonNode>> ack) {
        Namespace.checkNotReserved(event);
        List<Object> packetData = new ArrayList<>(args.length + 1);
        packetData.add(event);
        packetData.addAll(Arrays.asList(args));
        Long ackId = null;
        if (ack != null) {
            ackId = namespace.nextAckId();
            acks().put(ackId, ack);
        }
        Packet packet = Packet.event(namespace.name(), ackId, packetData);
        if (namespace.server().options().connectionStateRecovery() != null) {
            adapter.broadcast(packet, new BroadcastOptions(Set.of(id), Set.of(), flags));
        } else {
            notifyOutgoing(packet);
            writePacket(packet, flags.isVolatile(), flags.compress());
        }
        return true;
    }

    CompletableFuture<List<JsonNode>> emitWithAck(BroadcastFlags flags, String event, Object[] args) {
        CompletableFuture<List<JsonNode>> result = new CompletableFuture<>();
        ServerObserver observer = namespace.server().observer();
        long start = observer == ServerObserver.NONE ? 0 : System.nanoTime();
        Consumer<List<JsonNode>> callback = observer == ServerObserver.NONE ? result::complete : answer -> {
            observer.ackReceived(System.nanoTime() - start);
            result.complete(answer);
        };
        emit(flags, event, args, callback);
        Duration timeout = flags.timeout() != null ? flags.timeout() : namespace.server().options().ackTimeout();
        if (timeout != null) {
            Disposable timer = Schedulers.parallel().schedule(() -> {
                if (acks().values().remove(callback)) {
                    result.completeExceptionally(new AckTimeoutException(List.of()));
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            result.whenComplete((value, error) -> timer.dispose());
        }
        return result;
    }

    void writePacket(Packet packet, boolean isVolatile, boolean compress) {
        client.writePacket(packet.withNamespace(namespace.name()), isVolatile, compress);
    }

    void notifyOutgoing(Packet packet) {
        if (anyOutgoingListeners.isEmpty()) {
            return;
        }
        List<?> eventData = asList(packet.data());
        if (eventData.isEmpty()) {
            return;
        }
        String event = eventName(eventData.get(0));
        List<?> args = eventData.subList(1, eventData.size());
        for (AnyListener listener : anyOutgoingListeners) {
            Listeners.safely("onAnyOutgoing listener", () -> listener.onEvent(event, args));
        }
    }

    private static List<?> asList(Object data) {
        if (data instanceof JsonNode tree) {
            List<JsonNode> list = new ArrayList<>(tree.size());
            tree.forEach(list::add);
            return list;
        }
        return data instanceof List<?> list ? list : List.of();
    }

    /**
     * The elements of a received array, as an unmodifiable view over one array: listeners and middlewares share it
     * (and its sub-lists) without a copy each.
     */
    private static List<JsonNode> elements(ArrayNode tree) {
        JsonNode[] values = new JsonNode[tree.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = tree.get(i);
        }
        return Collections.unmodifiableList(Arrays.asList(values));
    }

    private static String eventName(Object first) {
        if (first instanceof JsonNode node) {
            return node.isString() ? node.stringValue() : node.toString();
        }
        return String.valueOf(first);
    }

    // ---- lifecycle, called by the namespace and the client

    private volatile boolean listenersReady;
    private List<Packet> early; // guarded by the view's monitor

    void onConnect() {
        connected = true;
        join(id);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("sid", id);
        if (pid != null) {
            payload.put("pid", pid);
        }
        writePacket(Packet.connect(namespace.name(), payload), false, true);
        namespace.server().observer().connected(this);
    }

    void sendConnectError(Throwable error) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("message", error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage());
        if (error instanceof ConnectionRefusedException refused && refused.data() != null) {
            payload.put("data", refused.data());
        }
        writePacket(Packet.connectError(namespace.name(), payload), false, true);
    }

    /**
     * Delivers a packet from the client. Until the connection listeners have run, packets are held
     * back: a client may answer the CONNECT before a listener registered on another thread has put
     * its handlers in place, and the reference server (single-threaded) never drops such a packet.
     */
    void onPacket(Packet packet) {
        if (listenersReady) {
            dispatch(packet);
            return;
        }
        synchronized (view) {
            if (!listenersReady) {
                if (early == null) {
                    early = new ArrayList<>(2);
                }
                early.add(packet);
                return;
            }
        }
        dispatch(packet);
    }

    /** Called once the connection listeners have run: delivers the held-back packets, in order. */
    void listenersReady() {
        while (true) {
            List<Packet> batch;
            synchronized (view) {
                if (early == null || early.isEmpty()) {
                    early = null;
                    listenersReady = true;
                    return;
                }
                batch = early;
                early = null;
            }
            batch.forEach(this::dispatch);
        }
    }

    private void dispatch(Packet packet) {
        switch (packet.type()) {
            case EVENT, BINARY_EVENT -> onEvent(packet);
            case ACK, BINARY_ACK -> onAck(packet);
            case DISCONNECT -> onClose("client namespace disconnect");
            default -> {
                // CONNECT and CONNECT_ERROR never reach a connected socket
            }
        }
    }

    private void onEvent(Packet packet) {
        if (!(packet.data() instanceof ArrayNode tree) || tree.isEmpty()) {
            return;
        }
        List<JsonNode> event = elements(tree);
        String name = eventName(event.get(0));
        List<JsonNode> args = event.subList(1, event.size());
        Ack ack = packet.id() == null ? null : new OnceAck(packet.id());
        for (AnyListener listener : anyListeners) {
            Listeners.safely("onAny listener", () -> listener.onEvent(name, args));
        }
        if (middlewares.isEmpty()) {
            deliver(name, args, ack);
            return;
        }
        runMiddlewares(event, 0, error -> {
            if (error != null) {
                onError(error);
            } else {
                deliver(name, args, ack);
            }
        });
    }

    private void deliver(String name, List<JsonNode> args, Ack ack) {
        if (!connected) {
            return;
        }
        List<SocketEventListener> shared = namespace.eventListeners(name);
        if (shared != null) {
            for (SocketEventListener listener : shared) {
                try {
                    listener.onEvent(this, args, ack);
                } catch (RuntimeException | Error e) {
                    Listeners.failed("listener of event '" + name + "'", e);
                }
            }
        }
        List<EventArgsListener> eventListeners = listeners.get(name);
        if (eventListeners == null) {
            return;
        }
        for (EventArgsListener listener : eventListeners) {
            // not Listeners.safely: the description is built only when a listener fails, not per event
            try {
                listener.onEvent(args, ack);
            } catch (RuntimeException | Error e) {
                Listeners.failed("listener of event '" + name + "'", e);
            }
        }
    }

    private void runMiddlewares(List<JsonNode> event, int index, Consumer<Throwable> done) {
        List<EventMiddleware> chain = middlewares;
        if (index >= chain.size()) {
            done.accept(null);
            return;
        }
        EventMiddleware middleware = chain.get(index);
        AtomicBoolean called = new AtomicBoolean();
        ConnectionMiddleware.Next next = new ConnectionMiddleware.Next() {
            @Override
            public void proceed() {
                if (called.compareAndSet(false, true)) {
                    runMiddlewares(event, index + 1, done);
                }
            }

            @Override
            public void refuse(Throwable error) {
                if (called.compareAndSet(false, true)) {
                    done.accept(error);
                }
            }
        };
        try {
            middleware.apply(event, next);
        } catch (RuntimeException e) {
            next.refuse(e);
        }
    }

    /** Answers one event that asked for an acknowledgement; only the first answer is sent. */
    private final class OnceAck extends AtomicBoolean implements Ack {

        private final long ackId;

        OnceAck(long ackId) {
            this.ackId = ackId;
        }

        @Override
        public void send(Object... args) {
            if (!compareAndSet(false, true)) {
                return;
            }
            Packet packet = Packet.ack(namespace.name(), ackId, Arrays.asList(args));
            CompletableFuture<Void> joins = pendingJoins;
            if (joins == null || joins.isDone()) {
                writePacket(packet, false, true);
            } else {
                joins.whenComplete((ignored, error) -> writePacket(packet, false, true));
            }
        }
    }

    private void onAck(Packet packet) {
        Map<Long, Consumer<List<JsonNode>>> pending = acks;
        Consumer<List<JsonNode>> callback = packet.id() == null || pending == null ? null : pending.remove(packet.id());
        if (callback == null) {
            return;
        }
        List<JsonNode> args = packet.data() instanceof ArrayNode tree ? elements(tree) : List.of();
        Listeners.safely("acknowledgement callback", () -> callback.accept(args));
    }

    void onError(Throwable error) {
        for (Consumer<Throwable> listener : errorListeners) {
            Listeners.safely("error listener", () -> listener.accept(error));
        }
    }

    /** Returns when the session is saved for connection state recovery (at once when there is none to save). */
    CompletableFuture<Void> onClose(String reason) {
        if (!connected) {
            return CompletableFuture.completedFuture(null);
        }
        for (DisconnectListener listener : disconnectingListeners) {
            Listeners.safely("disconnecting listener", () -> listener.onDisconnect(this, reason));
        }
        CompletableFuture<Void> saved = CompletableFuture.completedFuture(null);
        if (namespace.server().options().connectionStateRecovery() != null
                && RECOVERABLE_DISCONNECT_REASONS.contains(reason)) {
            saved = adapter.persistSession(new SessionToPersist(id, pid, List.copyOf(rooms()), dataSnapshot()));
        }
        cleanup();
        client.remove(this);
        connected = false;
        namespace.server().observer().disconnected(this, reason);
        for (DisconnectListener listener : disconnectListeners) {
            Listeners.safely("disconnect listener", () -> listener.onDisconnect(this, reason));
        }
        return saved;
    }

    void cleanup() {
        adapter.delAll(id);
        namespace.remove(this);
        cleanedUp = true;
    }

    LocalSocket view() {
        return view;
    }

    @Override
    public String toString() {
        return "Socket[" + id + " in " + namespace.name() + "]";
    }

    /** What the adapter sees of this socket. */
    private final class View implements LocalSocket {

        @Override
        public String id() {
            return id;
        }

        @Override
        public String pid() {
            return pid;
        }

        @Override
        public void write(List<EngineMessage> messages, boolean isVolatile, boolean compress) {
            client.writeToEngine(messages, isVolatile, compress);
        }

        @Override
        public void notifyOutgoing(Packet packet) {
            Socket.this.notifyOutgoing(packet);
        }

        @Override
        public void registerAck(long ackId, Consumer<JsonNode> response) {
            acks().put(ackId, args -> response.accept(args.isEmpty() ? NullNode.getInstance() : args.get(0)));
        }

        @Override
        public SocketDetails details() {
            return new SocketDetails(id, handshake, rooms(), dataSnapshot(), true);
        }

        @Override
        public void disconnect(boolean close) {
            Socket.this.disconnect(close);
        }
    }
}
