package dev.socketeer.adapter.postgres;

import dev.socketeer.adapter.cluster.BackendState;
import dev.socketeer.adapter.cluster.ClusterMessage;
import dev.socketeer.adapter.cluster.ClusterMessageCodec;
import dev.socketeer.adapter.cluster.MsgPack;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.api.Notification;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.api.PostgresqlResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Postgres side of the adapter and of the emitter, as {@code PubSubClient} of
 * {@code @socket.io/postgres-adapter}: one connection LISTENs on the channel of every namespace,
 * another one publishes ({@code pg_notify}), stores and fetches attachments and deletes old ones.
 * Nothing connects before {@link #start()}; then each connection is opened in the background and
 * reopened by itself when lost or refused, after a delay growing from 0.25 s to 5 s (the listening
 * one LISTENs again to every channel); meanwhile publications fail at once. {@link BackendState}
 * logs each change once and tells the adapters when the connections are (back) up.
 *
 * <p>Threads: notifications arrive on r2dbc-postgresql's event loop and are handed to the
 * namespace handlers there; nothing here blocks.
 */
final class PostgresPubSub implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PostgresPubSub.class.getName());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final PostgresqlConnectionFactory factory;
    private final PostgresAdapterOptions options;
    private final ClusterMessageCodec codec;
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final Link listener;
    private final Link commands;
    private final BackendState state;
    private final AtomicBoolean started = new AtomicBoolean();
    /** Completes (normally) when the publishing connection's first attempt ends, whatever its outcome. */
    private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();
    private volatile Disposable cleanup;
    private volatile boolean closed;

    /** Also run at each cleanup interval (the recovery tables' clean-up). */
    private final java.util.List<java.util.function.Supplier<Mono<Void>>> cleanups =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * A LISTENed channel: its namespace, whose own messages to skip, and where messages go with their offset (the
     * {@code offset} field a Java node adds to an event it stored for connection state recovery, else {@code ""}).
     */
    private record Channel(String nsp, Predicate<String> isOwnUid, BiConsumer<ClusterMessage, String> handler) {
    }

    /**
     * Connects nothing yet: see {@link #start()}.
     *
     * @param listen whether to LISTEN, create the table and clean it up (an adapter) or only publish
     *     (an emitter)
     */
    PostgresPubSub(PostgresqlConnectionFactory factory, PostgresAdapterOptions options, ClusterMessageCodec codec,
            boolean listen, BackendState state) {
        this.factory = factory;
        this.options = options;
        this.codec = codec;
        this.state = state;
        this.commands = new Link("publishing", false);
        this.listener = listen ? new Link("listening", true) : null;
    }

    /** Starts connecting in the background (once): the adapter at once, an emitter on first use. */
    void start() {
        if (!started.compareAndSet(false, true) || closed) {
            return;
        }
        if (listener != null) {
            cleanup = Schedulers.parallel().schedulePeriodically(this::deleteOldAttachments,
                    options.cleanupInterval().toMillis(), options.cleanupInterval().toMillis(), TimeUnit.MILLISECONDS);
        }
        commands.connect();
        if (listener != null) {
            listener.connect();
        }
        stallWatch = Schedulers.parallel().schedulePeriodically(this::probe, PROBE_PERIOD_MILLIS,
                PROBE_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** How often the publishing connection is probed with {@code SELECT 1}, one probe at a time. */
    static final long PROBE_PERIOD_MILLIS = 1_000;
    /** How long a probe may go unanswered before the backend is reported stalled (DOWN). */
    static final long PROBE_TIMEOUT_MILLIS = 3_000;

    private volatile Disposable stallWatch;
    private volatile CompletableFuture<Void> probing;
    private volatile long probeSentNanos;
    private volatile boolean stalled;

    /**
     * A server that keeps its connections open and answers nothing (stopped, swapping, locked up) would look
     * connected: one {@code SELECT 1} at a time on the publishing connection, through the statement queue; no answer
     * within {@link #PROBE_TIMEOUT_MILLIS} reports DOWN (logged once), the late answer UP again, without reconnecting.
     * A connection that is not there is the links' business.
     */
    private void probe() {
        if (closed) {
            return;
        }
        CompletableFuture<Void> pendingProbe = probing;
        if (pendingProbe == null) {
            PostgresqlConnection connection = commands.current;
            if (connection == null) {
                return;
            }
            probeSentNanos = System.nanoTime();
            CompletableFuture<Void> sent = queued(() -> run(connection, "SELECT 1"));
            probing = sent;
            sent.whenComplete((ignored, error) -> {
                probing = null;
                if (error == null && stalled) {
                    stalled = false;
                    if (isConnected()) {
                        state.up();
                    }
                }
            });
        } else if (!stalled && System.nanoTime() - probeSentNanos > TimeUnit.MILLISECONDS.toNanos(PROBE_TIMEOUT_MILLIS)) {
            stalled = true;
            state.down(new IllegalStateException("no answer to SELECT 1 within " + PROBE_TIMEOUT_MILLIS
                    + " ms: the server is stopped or overloaded"));
        }
    }

    BackendState state() {
        return state;
    }

    /** Whether every connection is up. */
    boolean isConnected() {
        return commands.current != null && (listener == null || listener.current != null);
    }

    /** Completes once every connection is up for the first time; fails when {@code timeout} passes first. */
    CompletableFuture<Void> awaitFirstConnection(java.time.Duration timeout) {
        CompletableFuture<Void> up = new CompletableFuture<>();
        state.onUp(() -> up.complete(null));
        start();
        if (state.connected()) {
            up.complete(null);
        }
        return up.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The channel of a namespace; refuses names Postgres would truncate (identifiers are at most 63
     * bytes), which would mix namespaces sharing a prefix.
     */
    String channelOf(String namespace) {
        String channel = options.channel(namespace);
        int bytes = channel.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > PostgresAdapterOptions.MAX_IDENTIFIER_BYTES) {
            throw new IllegalArgumentException("Namespace '" + namespace + "' cannot use the Postgres adapter: its"
                    + " channel '" + channel + "' is " + bytes + " bytes long and Postgres truncates identifiers to "
                    + PostgresAdapterOptions.MAX_IDENTIFIER_BYTES + " bytes; use a shorter namespace name or a"
                    + " shorter channel prefix (socketio.adapter.postgres.channel-prefix)");
        }
        return channel;
    }

    /** LISTENs to a namespace's channel; completes once listening (or at once while disconnected). */
    CompletableFuture<Void> listen(String namespace, Predicate<String> isOwnUid,
            BiConsumer<ClusterMessage, String> handler) {
        String channel = channelOf(namespace);
        channels.put(channel, new Channel(namespace, isOwnUid, handler));
        PostgresqlConnection connection = listener.current;
        if (connection == null) {
            return CompletableFuture.completedFuture(null);
        }
        return run(connection, "LISTEN " + quote(channel)).onErrorResume(error -> Mono.empty()).toFuture();
    }

    /** Stops listening to a namespace's channel. */
    CompletableFuture<Void> unlisten(String namespace) {
        String channel = options.channel(namespace);
        channels.remove(channel);
        PostgresqlConnection connection = listener == null ? null : listener.current;
        if (connection == null) {
            return CompletableFuture.completedFuture(null);
        }
        return run(connection, "UNLISTEN " + quote(channel)).onErrorResume(error -> Mono.empty()).toFuture();
    }

    /**
     * Publishes a message on its namespace's channel: a notification with its JSON, or, when it
     * carries binary (types 3, 9, 10, 12) or its JSON reaches the threshold, a row holding its
     * MessagePack and a notification {@code {"uid","type","attachmentId"}}.
     */
    CompletableFuture<Void> publish(ClusterMessage message) {
        return publish(codec.toTree(message), message.nsp());
    }

    /**
     * Publishes a wire object ({@code {type, data?, uid, nsp?}}) on a namespace's channel. Starts
     * connecting when nothing did yet (a lazy emitter) and waits for the first attempt while it is
     * under way; fails at once with {@code ClusterUnavailableException} while disconnected.
     */
    CompletableFuture<Void> publish(ObjectNode message, String namespace) {
        PostgresqlConnection connection = commands.current;
        if (connection == null && !firstAttempt.isDone() && !closed) {
            start();
            return firstAttempt.thenCompose(ignored -> publish(message, namespace));
        }
        if (connection == null || closed) {
            return CompletableFuture.failedFuture(state.unavailable("publish", null));
        }
        String channel = channelOf(namespace);
        int type = message.path("type").asInt();
        byte[] json = codec.encodeJson(message);
        boolean binary = (type == 3 || type == 9 || type == 10 || type == 12) && MsgPack.hasBinary(message);
        Mono<Void> done;
        if (binary || json.length >= options.payloadThreshold()) {
            byte[] payload = MsgPack.encode(message);
            done = connection.createStatement("INSERT INTO " + options.tableName()
                            + " (payload) VALUES (decode('" + Base64.getEncoder().encodeToString(payload)
                            + "', 'base64')) RETURNING id")
                    .execute()
                    .flatMap(result -> result.map((row, metadata) -> row.get(0, Long.class)))
                    .next()
                    .flatMap(id -> {
                        ObjectNode header = NODES.objectNode();
                        header.set("uid", message.get("uid"));
                        header.put("type", type);
                        header.put("attachmentId", Long.toString(id));
                        return notify(connection, channel, new String(codec.encodeJson(header), StandardCharsets.UTF_8));
                    });
        } else {
            done = notify(connection, channel, new String(json, StandardCharsets.UTF_8));
        }
        Mono<Void> statement = done;
        return queued(() -> statement);
    }

    private static Mono<Void> notify(PostgresqlConnection connection, String channel, String payload) {
        return connection.createStatement("SELECT pg_notify(" + literal(channel) + ", " + literal(payload) + ")")
                .execute()
                .flatMap(PostgresqlResult::getRowsUpdated)
                .then();
    }

    private static Mono<Void> run(PostgresqlConnection connection, String sql) {
        return connection.createStatement(sql).execute().flatMap(PostgresqlResult::getRowsUpdated).then();
    }

    /**
     * A string literal. Statements carry no bound parameters on purpose: r2dbc-postgresql 1.1 leaks
     * the buffers of bound parameters when the connection drops under a statement (the restart test
     * caught it), while the simple query protocol has nothing to leak. An escape string
     * ({@code E'...'}) reads backslashes the same whatever {@code standard_conforming_strings} says;
     * JSON text holds no NUL.
     */
    static String literal(String value) {
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** A quoted identifier, as the reference's {@code LISTEN "<channel>"}. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private void onNotification(Notification notification) {
        Channel channel = channels.get(notification.getName());
        String payload = notification.getParameter();
        if (channel == null || payload == null) {
            return;
        }
        try {
            JsonNode tree = codec.parse(payload.getBytes(StandardCharsets.UTF_8));
            JsonNode attachmentId = tree.get("attachmentId");
            String offset = tree.path("offset").isString() ? tree.get("offset").stringValue() : "";
            if (attachmentId == null) {
                channel.handler().accept(codec.fromTree(tree, channel.nsp()), offset);
                return;
            }
            JsonNode uid = tree.get("uid");
            if (uid != null && channel.isOwnUid().test(uid.asString())) {
                return;
            }
            long id = Long.parseLong(attachmentId.asString());
            Mono.fromFuture(() -> queued(() -> fetchAttachment(id)))
                    .subscribe(bytes -> channel.handler().accept(codec.fromTree(MsgPack.decode(bytes), channel.nsp()),
                            offset),
                            error -> LOG.log(System.Logger.Level.WARNING, "could not fetch Postgres attachment "
                                    + attachmentId.asString() + " of channel " + notification.getName() + ": " + error));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring notification on " + notification.getName()
                    + " that could not be handled: " + e, e);
        }
    }

    private Mono<byte[]> fetchAttachment(long id) {
        PostgresqlConnection connection = commands.current;
        if (connection == null) {
            return Mono.error(new IllegalStateException("the Postgres connection is down"));
        }
        return connection.createStatement("SELECT payload FROM " + options.tableName() + " WHERE id = " + id)
                .execute()
                .flatMap(result -> result.map((row, metadata) -> {
                    ByteBuffer buffer = row.get(0, ByteBuffer.class);
                    byte[] bytes = new byte[buffer.remaining()];
                    buffer.get(bytes);
                    return bytes;
                }))
                .next()
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("no such row (already cleaned up?)")));
    }

    /**
     * Deletes attachments older than the cleanup interval, like the reference, then runs the other clean-ups (the
     * recovery tables'), each on its own: one failing does not keep the others from running.
     */
    CompletableFuture<Void> deleteOldAttachments() {
        PostgresqlConnection connection = commands.current;
        if (connection == null) {
            return CompletableFuture.completedFuture(null);
        }
        Mono<Void> all = run(connection, "DELETE FROM " + options.tableName() + " WHERE created_at < now() - interval '"
                + options.cleanupInterval().toMillis() + " milliseconds'")
                .doOnError(error -> LOG.log(System.Logger.Level.DEBUG, () -> "could not clean up "
                        + options.tableName() + ": " + error))
                .onErrorResume(error -> Mono.empty());
        for (java.util.function.Supplier<Mono<Void>> cleanup : cleanups) {
            all = all.then(Mono.defer(cleanup).onErrorResume(error -> Mono.empty()));
        }
        Mono<Void> cleanups = all;
        return queued(() -> cleanups);
    }

    /**
     * At most this many statements in flight on the publishing connection. r2dbc-postgresql fails a statement at
     * once ("Cannot exchange messages because the request queue limit is exceeded") when 256 are waiting for their
     * answers: a burst of broadcasts lost most of its messages that way.
     */
    static final int MAX_IN_FLIGHT = 128;

    private final java.util.Queue<Runnable> queuedStatements = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger draining = new AtomicInteger();

    /**
     * Runs statements of the publishing connection in the order they were queued, at most {@link #MAX_IN_FLIGHT} at
     * a time, each started by one thread at a time (r2dbc-postgresql also fails a statement that two threads start at
     * the same moment). The statement is built when its turn comes.
     */
    <T> CompletableFuture<T> queued(java.util.function.Supplier<? extends Mono<T>> statement) {
        CompletableFuture<T> result = new CompletableFuture<>();
        queuedStatements.add(() -> {
            Mono<T> mono;
            try {
                mono = statement.get();
            } catch (RuntimeException e) {
                mono = Mono.error(e);
            }
            mono.subscribe(result::complete, error -> {
                result.completeExceptionally(error);
                statementDone();
            }, () -> {
                result.complete(null); // no-op when a value completed it
                statementDone();
            });
        });
        drain();
        return result;
    }

    private void statementDone() {
        inFlight.decrementAndGet();
        drain();
    }

    private void drain() {
        if (draining.getAndIncrement() != 0) {
            return;
        }
        do {
            while (inFlight.get() < MAX_IN_FLIGHT) {
                Runnable next = queuedStatements.poll();
                if (next == null) {
                    break;
                }
                inFlight.incrementAndGet();
                next.run();
            }
        } while (draining.decrementAndGet() != 0);
    }

    /** Adds a clean-up run at each cleanup interval, after the attachments'. */
    void addCleanup(java.util.function.Supplier<Mono<Void>> cleanup) {
        cleanups.add(cleanup);
    }

    /** The publishing connection, or {@code null} while it is down. */
    PostgresqlConnection commandConnection() {
        return commands.current;
    }

    /** Runs a statement without result rows. */
    static Mono<Void> execute(PostgresqlConnection connection, String sql) {
        return run(connection, sql);
    }

    private void lost(Link link, Throwable error) {
        if (link == commands) {
            firstAttempt.complete(null);
        }
        if (!closed) {
            state.down(error == null ? new IllegalStateException("the " + link.role + " connection closed") : error);
        }
    }

    private void connected(Link link) {
        if (link == commands) {
            firstAttempt.complete(null);
        }
        if (isConnected()) {
            state.up();
        }
    }

    /** One connection that comes back by itself. */
    private final class Link {

        final String role;
        final boolean listens;
        final AtomicInteger attempts = new AtomicInteger();
        volatile PostgresqlConnection current;
        volatile Disposable pending;

        Link(String role, boolean listens) {
            this.role = role;
            this.listens = listens;
        }

        void connect() {
            if (closed) {
                return;
            }
            pending = factory.create().subscribe(this::onConnected, error -> {
                lost(this, error);
                LOG.log(System.Logger.Level.DEBUG, () -> "Postgres " + role + " connection attempt failed: " + error);
                scheduleReconnect();
            });
        }

        private void onConnected(PostgresqlConnection connection) {
            if (closed) {
                connection.close().subscribe();
                return;
            }
            AtomicBoolean ended = new AtomicBoolean();
            Runnable end = () -> {
                if (ended.compareAndSet(false, true) && current == connection) {
                    current = null;
                    lost(this, null);
                    scheduleReconnect();
                }
            };
            // subscribed before LISTEN so that nothing is missed; it ends when the connection does
            connection.getNotifications().subscribe(listens ? PostgresPubSub.this::onNotification : n -> { },
                    error -> end.run(), end);
            Set<String> listened = Set.copyOf(channels.keySet());
            Mono<Void> setUp = Mono.empty();
            if (listens) {
                if (options.createTable()) {
                    setUp = run(connection, "CREATE TABLE IF NOT EXISTS " + options.tableName()
                            + " (id bigserial UNIQUE, created_at timestamptz DEFAULT NOW(), payload bytea)")
                            // several servers may race to create it; one wins, the others see it exist
                            .onErrorResume(error -> Mono.empty());
                }
                for (String channel : listened) {
                    setUp = setUp.then(run(connection, "LISTEN " + quote(channel)));
                }
            }
            setUp.subscribe(null, error -> {
                LOG.log(System.Logger.Level.DEBUG, () -> "Postgres " + role + " set-up failed: " + error);
                connection.close().subscribe();
                if (ended.compareAndSet(false, true)) {
                    lost(this, error);
                    scheduleReconnect();
                }
            }, () -> {
                if (ended.get()) {
                    return;
                }
                current = connection;
                attempts.set(0);
                if (closed) {
                    connection.close().subscribe();
                    return;
                }
                // a namespace added while we were connecting; listening to it before telling anyone we are up
                Mono<Void> late = Mono.empty();
                for (String channel : listens ? channels.keySet() : Set.<String>of()) {
                    if (!listened.contains(channel)) {
                        late = late.then(run(connection, "LISTEN " + quote(channel)).onErrorResume(e -> Mono.empty()));
                    }
                }
                late.subscribe(null, e -> connected(this), () -> connected(this));
            });
        }

        private void scheduleReconnect() {
            if (closed) {
                return;
            }
            long delay = BackendState.retryDelayMillis(attempts.incrementAndGet());
            pending = Schedulers.parallel().schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        }

        void close() {
            Disposable p = pending;
            if (p != null) {
                p.dispose();
            }
            PostgresqlConnection connection = current;
            current = null;
            if (connection != null) {
                connection.close().subscribe(null, error -> { });
            }
        }
    }

    /** Closes the connections, once; no warning follows. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        state.close();
        firstAttempt.complete(null);
        Disposable sweeper = cleanup;
        if (sweeper != null) {
            sweeper.dispose();
        }
        Disposable watch = stallWatch;
        if (watch != null) {
            watch.dispose();
        }
        if (listener != null) {
            listener.close();
        }
        commands.close();
    }
}
