package dev.socketeer.server;

import dev.socketeer.engine.Base64Id;
import dev.socketeer.engine.EngineServer;
import dev.socketeer.engine.EngineSocket;
import dev.socketeer.protocol.socketio.PacketDecoder;
import dev.socketeer.protocol.socketio.PacketEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The Socket.IO v5 server, attached to an Engine.IO server: namespaces, sockets, rooms,
 * broadcasts. The methods without a namespace act on the main namespace {@code "/"}, as in the
 * reference server. Thread-safe; nothing blocks.
 */
public final class SocketIoServer {

    /** How long a shutdown keeps the connections open for the sessions being saved (connection state recovery). */
    private static final Duration SESSION_SAVE_WAIT = Duration.ofSeconds(3);
    /** How long a shutdown keeps the adapters open for the work of {@link #awaitOnClose} (disconnect handlers). */
    private static final long CLOSE_WORK_WAIT_SECONDS = 10;
    private static final System.Logger LOG = System.getLogger(SocketIoServer.class.getName());

    private final ServerOptions options;
    private final PacketEncoder encoder;
    private final PacketDecoder.Settings decoderSettings;
    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
    private final List<ParentNamespace> parents = new CopyOnWriteArrayList<>();
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final Runnable engineCloser;
    private final Namespace main;
    private final Base64Id ids = new Base64Id();
    private volatile ServerObserver observer = ServerObserver.NONE;
    private final AtomicReference<CompletableFuture<Void>> closed = new AtomicReference<>();
    private final List<Supplier<? extends CompletionStage<?>>> closeWork = new CopyOnWriteArrayList<>();

    /** A server attached to an Engine.IO server; closing it closes the engine too. */
    public SocketIoServer(EngineServer engine, ServerOptions options) {
        this(engine::connectionListener, engine::close, options);
    }

    /**
     * A server fed by an engine: {@code connectionHook} is given the callback to call with each new
     * Engine.IO session (e.g. {@code engineServer::connectionListener}).
     *
     * @param engineCloser closes the engine when this server closes, or {@code null}
     */
    public SocketIoServer(Consumer<Consumer<EngineSocket>> connectionHook, Runnable engineCloser, ServerOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.encoder = new PacketEncoder(options.jsonMapper());
        this.decoderSettings = new PacketDecoder.Settings(options.jsonMapper(), options.decoderLimits());
        PacketDecoder.warmUp(options.jsonMapper());
        this.engineCloser = engineCloser;
        this.main = of("/");
        connectionHook.accept(this::onConnection);
    }

    /**
     * Sets what sees connections, packets, broadcasts and acknowledgements, for metrics
     * ({@link ServerObserver#NONE} by default).
     */
    public void observer(ServerObserver observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /**
     * Adds an observer to the one already set: both are told, the existing one first. Observers that must
     * coexist (metrics, the admin instrumentation) use this rather than {@link #observer(ServerObserver)}.
     */
    public synchronized void addObserver(ServerObserver added) {
        this.observer = ServerObserver.both(observer, Objects.requireNonNull(added, "observer"));
    }

    /** The observer set with {@link #observer(ServerObserver)}. */
    public ServerObserver observer() {
        return observer;
    }

    /** Generates socket ids and private session ids. */
    Base64Id ids() {
        return ids;
    }

    /** The options. */
    public ServerOptions options() {
        return options;
    }

    /** The packet encoder, shared by every namespace. */
    public PacketEncoder encoder() {
        return encoder;
    }

    /** What each connection's packet decoder is built with. */
    PacketDecoder.Settings decoderSettings() {
        return decoderSettings;
    }

    /** The main namespace {@code "/"}. */
    public Namespace sockets() {
        return main;
    }

    /** The namespace with this name, created if needed ({@code "/"} is prepended when missing). */
    public Namespace of(String name) {
        String normalized = name.startsWith("/") ? name : "/" + name;
        return namespaces.computeIfAbsent(normalized,
                key -> new Namespace(this, key, null, options.adapterFactory()::create));
    }

    /**
     * Dynamic namespaces: a child namespace is created for each name the pattern finds a match in
     * (like JavaScript's {@code RegExp.test}, so anchor it with {@code ^...$}).
     */
    public Namespace of(Pattern pattern) {
        return of((name, auth) -> pattern.matcher(name).find());
    }

    /** Dynamic namespaces: a child namespace for each accepted name. */
    public Namespace of(Predicate<String> names) {
        return of((name, auth) -> names.test(name));
    }

    /** Dynamic namespaces decided on the name and the CONNECT payload. */
    public Namespace of(BiPredicate<String, JsonNode> matcher) {
        ParentNamespace parent = new ParentNamespace(this, matcher);
        parents.add(parent);
        return parent;
    }

    /** The names of the existing namespaces (dynamic children included). */
    public Set<String> namespaceNames() {
        return Set.copyOf(namespaces.keySet());
    }

    /** How many connections are currently open. */
    public int clientsCount() {
        return clients.size();
    }

    /** How many open connections are on long-polling (counted on each call, for periodic statistics). */
    public int pollingClientsCount() {
        int count = 0;
        for (Client client : clients) {
            if ("polling".equals(client.conn().transportName())) {
                count++;
            }
        }
        return count;
    }

    Namespace namespace(String name) {
        return namespaces.get(name);
    }

    Namespace checkNamespace(String name, JsonNode auth) {
        for (ParentNamespace parent : parents) {
            if (parent.matches(name, auth)) {
                return namespaces.computeIfAbsent(name, parent::createChild);
            }
        }
        return null;
    }

    void removeNamespace(Namespace namespace) {
        namespaces.remove(namespace.name(), namespace);
    }

    private void onConnection(EngineSocket conn) {
        Client client = new Client(this, conn);
        clients.add(client);
        observer.clientConnected(conn);
        conn.listener(client);
    }

    void removeClient(Client client) {
        clients.remove(client);
    }

    // ---- main namespace shortcuts

    /** Listens to connections on the main namespace. */
    public SocketIoServer onConnection(Consumer<Socket> listener) {
        main.onConnection(listener);
        return this;
    }

    /** Adds a connection middleware to the main namespace. */
    public SocketIoServer use(ConnectionMiddleware middleware) {
        main.use(middleware);
        return this;
    }

    /** Adds a reactive connection middleware to the main namespace. */
    public SocketIoServer use(ReactiveConnectionMiddleware middleware) {
        main.use(middleware);
        return this;
    }

    public BroadcastOperator to(String... rooms) {
        return main.to(rooms);
    }

    public BroadcastOperator in(String... rooms) {
        return main.in(rooms);
    }

    public BroadcastOperator except(String... rooms) {
        return main.except(rooms);
    }

    public BroadcastOperator asVolatile() {
        return main.asVolatile();
    }

    public BroadcastOperator compress(boolean compress) {
        return main.compress(compress);
    }

    public BroadcastOperator local() {
        return main.local();
    }

    public BroadcastOperator timeout(Duration timeout) {
        return main.timeout(timeout);
    }

    public boolean emit(String event, Object... args) {
        return main.emit(event, args);
    }

    /** {@link Namespace#emitWithAck} on the main namespace (needs {@code socketio.ack-timeout}). */
    public CompletableFuture<List<JsonNode>> emitWithAck(String event, Object... args) {
        return main.emitWithAck(event, args);
    }

    public CompletableFuture<List<RemoteSocket>> fetchSockets() {
        return main.fetchSockets();
    }

    public CompletableFuture<Void> socketsJoin(String... rooms) {
        return main.socketsJoin(rooms);
    }

    public CompletableFuture<Void> socketsLeave(String... rooms) {
        return main.socketsLeave(rooms);
    }

    public CompletableFuture<Void> disconnectSockets(boolean close) {
        return main.disconnectSockets(close);
    }

    public boolean serverSideEmit(String event, Object... args) {
        return main.serverSideEmit(event, args);
    }

    public CompletableFuture<List<JsonNode>> serverSideEmitWithAck(Duration timeout, String event, Object... args) {
        return main.serverSideEmitWithAck(timeout, event, args);
    }

    /** {@link Namespace#serverSideEmitWithAck(String, Object...)} on the main namespace. */
    public CompletableFuture<List<JsonNode>> serverSideEmitWithAck(String event, Object... args) {
        return main.serverSideEmitWithAck(event, args);
    }

    /**
     * Makes {@link #close()} wait for some work before it closes the adapters: {@code work} is called once the
     * sockets have disconnected (their disconnect listeners have run) and returns what completes when the work
     * they started is done, such as disconnect handlers that still send cluster requests or broadcasts. The wait
     * is bounded (ten seconds): work still running then sees the adapters close.
     */
    public void awaitOnClose(Supplier<? extends CompletionStage<?>> work) {
        closeWork.add(Objects.requireNonNull(work, "work"));
    }

    /**
     * Closes the server, once (later calls return the same future): every socket disconnects with
     * "server shutting down"; the connections (and the engine, when this server owns it) close once the sessions
     * of the sockets are saved for connection state recovery (at once without it; three seconds at most); the
     * adapters close (cluster adapters say goodbye) once the work registered with {@link #awaitOnClose} is done,
     * so that disconnect handlers can still reach the cluster.
     */
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> closing = new CompletableFuture<>();
        CompletableFuture<Void> previous = closed.compareAndExchange(null, closing);
        if (previous != null) {
            return previous;
        }
        List<CompletableFuture<Void>> saved = new ArrayList<>();
        for (Namespace namespace : namespaces.values()) {
            saved.add(namespace.closeSockets("server shutting down"));
        }
        // the connections close once the sessions are saved (within a bound): a client reconnecting to another node
        // at once must find its session as it was, not miss it or find an older checkpoint of it
        CompletableFuture<Void> connectionsClosed = CompletableFuture.allOf(saved.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, SESSION_SAVE_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .handle((done, error) -> {
                    for (Client client : new ArrayList<>(clients)) {
                        client.close();
                    }
                    if (engineCloser != null) {
                        engineCloser.run();
                    }
                    return null;
                });
        // the adapters close once the disconnect handlers are done (within a bound): one that asks the cluster who
        // is still online must get the answer, not a request timeout
        CompletableFuture<Void> adaptersClosed = workDone().thenCompose(done -> {
            List<CompletableFuture<Void>> adapters = new ArrayList<>();
            for (Namespace namespace : namespaces.values()) {
                adapters.add(namespace.adapter().close());
            }
            for (ParentNamespace parent : parents) {
                adapters.add(parent.adapter().close());
            }
            return CompletableFuture.allOf(adapters.toArray(CompletableFuture[]::new));
        });
        CompletableFuture.allOf(adaptersClosed, connectionsClosed).whenComplete((done, error) -> {
            if (error != null) {
                closing.completeExceptionally(error);
            } else {
                closing.complete(null);
            }
        });
        return closing;
    }

    private CompletableFuture<Void> workDone() {
        if (closeWork.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<?>> work = new ArrayList<>();
        for (Supplier<? extends CompletionStage<?>> supplier : closeWork) {
            try {
                work.add(supplier.get().toCompletableFuture().exceptionally(error -> null));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Work to await on close failed; not waiting for it", e);
            }
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(work.toArray(CompletableFuture[]::new));
        return all.copy().completeOnTimeout(null, CLOSE_WORK_WAIT_SECONDS, TimeUnit.SECONDS).thenRun(() -> {
            if (!all.isDone()) {
                LOG.log(System.Logger.Level.WARNING, "Disconnect handlers still running after "
                        + CLOSE_WORK_WAIT_SECONDS + " s of shutdown; closing the adapters under them");
            }
        });
    }
}
