package dev.socketeer.admin;

import dev.socketeer.server.Namespace;
import dev.socketeer.server.ReactiveConnectionMiddleware;
import dev.socketeer.server.RemoteSocket;
import dev.socketeer.server.Socket;
import dev.socketeer.server.SocketIoServer;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/**
 * The server side of the Socket.IO Admin UI on a {@link SocketIoServer}, as the reference's
 * {@code instrument(io, options)}: call {@link #instrument} once. Nothing of it runs, and the server's hot paths pay
 * nothing for it, until then.
 *
 * <p>Everything the UI is sent goes through the admin namespace's adapter, so with a cluster adapter a UI connected
 * to any server sees every server's statistics and sockets, and its commands reach sockets on every server.
 */
public final class AdminInstrumentation implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final System.Logger LOG = System.getLogger(AdminInstrumentation.class.getName());

    private final SocketIoServer io;
    private final AdminOptions options;
    private final Namespace admin;
    private final List<String> supportedFeatures;
    private final AggregatedEvents events = new AggregatedEvents();
    private final SocketSerializer serializer;
    // weak: a socket refused by a later middleware, or gone before its CONNECT, leaves nothing behind
    private final Map<Socket, String> newSessions = Collections.synchronizedMap(new WeakHashMap<>());
    private final String hostname;
    private final long pid = ProcessHandle.current().pid();
    private final Disposable statsTimer;

    private AdminInstrumentation(SocketIoServer io, AdminOptions options) {
        this.io = io;
        this.options = options;
        this.admin = io.of(options.namespace());
        this.serializer = new SocketSerializer(io.options().jsonMapper());
        this.hostname = hostname();
        List<String> features = new ArrayList<>();
        if (!options.readOnly()) {
            features.addAll(List.of("EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT"));
        }
        features.add("AGGREGATED_EVENTS");
        if (options.mode() == AdminOptions.Mode.DEVELOPMENT) {
            features.add("ALL_EVENTS");
        }
        this.supportedFeatures = List.copyOf(features);
        if (options.auth() != null) {
            admin.use(authentication(options.auth()));
        }
        admin.onConnection(this::onAdminConnection);
        io.addObserver(options.mode() == AdminOptions.Mode.DEVELOPMENT
                ? new DevelopmentObserver(this, admin, serializer) : new StatsObserver(events));
        long interval = options.statsInterval().toMillis();
        this.statsTimer = Schedulers.parallel().schedulePeriodically(this::emitStats, 0, interval,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Serves the admin protocol on {@code io}: the admin namespace, its authentication, {@code server_stats} every
     * {@link AdminOptions#statsInterval()}, and in development mode the sockets and their events.
     */
    public static AdminInstrumentation instrument(SocketIoServer io, AdminOptions options) {
        return new AdminInstrumentation(io, options);
    }

    /** The features announced to the UI in {@code config}. */
    public List<String> supportedFeatures() {
        return supportedFeatures;
    }

    AggregatedEvents events() {
        return events;
    }

    /** Stops sending statistics (the server's own shutdown disconnects the UIs). */
    @Override
    public void close() {
        statsTimer.dispose();
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            String env = System.getenv("HOSTNAME");
            return env != null ? env : "localhost";
        }
    }

    /** {@code hostname#pid}: what the reference names a server of a Node cluster. */
    public static String defaultServerId() {
        return hostname() + "#" + ProcessHandle.current().pid();
    }

    // ---- authentication

    private ReactiveConnectionMiddleware authentication(AdminOptions.BasicAuth auth) {
        return socket -> {
            JsonNode given = socket.handshake().auth();
            String sessionId = text(given, "sessionId");
            Mono<Boolean> known = sessionId == null ? Mono.just(false)
                    : Mono.fromFuture(() -> options.sessions().exists(sessionId)).onErrorResume(error -> {
                        LOG.log(System.Logger.Level.WARNING, "Admin UI session store failed: " + error);
                        return Mono.just(false);
                    });
            return known.flatMap(valid -> valid ? Mono.<Void>empty() : login(socket, auth, given));
        };
    }

    private Mono<Void> login(Socket socket, AdminOptions.BasicAuth auth, JsonNode given) {
        String username = text(given, "username");
        String password = text(given, "password");
        if (!auth.username().equals(username) || password == null) {
            return Mono.error(new IllegalArgumentException("invalid credentials"));
        }
        // bcrypt is slow by design: never on the event loop
        return Mono.fromCallable(() -> auth.matcher().matches(password, auth.passwordHash()))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(matches -> {
                    if (!matches) {
                        return Mono.error(new IllegalArgumentException("invalid credentials"));
                    }
                    byte[] bytes = new byte[8];
                    RANDOM.nextBytes(bytes);
                    String newSession = HexFormat.of().formatHex(bytes);
                    newSessions.put(socket, newSession);
                    return Mono.fromFuture(() -> options.sessions().save(newSession)).onErrorResume(error -> {
                        LOG.log(System.Logger.Level.WARNING, "Admin UI session store failed: " + error);
                        return Mono.empty();
                    });
                });
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isString() ? value.asString() : null;
    }

    // ---- the UI's connection and commands

    private void onAdminConnection(Socket socket) {
        String session = newSessions.remove(socket);
        if (session != null) {
            // after the CONNECT (the reference sends it from the middleware): the client keeps it either way
            socket.emit("session", session);
        }
        if (!options.readOnly()) {
            registerCommands(socket);
        }
        socket.emit("config", Map.of("supportedFeatures", supportedFeatures));
        if (options.mode() == AdminOptions.Mode.DEVELOPMENT) {
            allSockets().whenComplete((sockets, error) -> {
                if (error != null) {
                    LOG.log(System.Logger.Level.WARNING, "Admin UI could not fetch the sockets: " + error);
                    socket.emit("all_sockets", List.of());
                } else {
                    socket.emit("all_sockets", sockets);
                }
            });
        }
    }

    private CompletableFuture<List<Map<String, Object>>> allSockets() {
        List<CompletableFuture<List<Map<String, Object>>>> perNamespace = new ArrayList<>();
        for (String name : io.namespaceNames()) {
            perNamespace.add(io.of(name).fetchSockets().thenApply(sockets -> {
                List<Map<String, Object>> serialized = new ArrayList<>(sockets.size());
                for (RemoteSocket remote : sockets) {
                    serialized.add(serializer.serialize(remote, name));
                }
                return serialized;
            }));
        }
        return CompletableFuture.allOf(perNamespace.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<Map<String, Object>> all = new ArrayList<>();
            perNamespace.forEach(future -> all.addAll(future.join()));
            return all;
        });
    }

    private void registerCommands(Socket socket) {
        socket.on("emit", (args, ack) -> {
            if (args.size() < 3) {
                return;
            }
            Object[] rest = args.subList(3, args.size()).toArray();
            Namespace namespace = io.of(args.get(0).asString());
            String filter = filter(args, 1);
            String event = args.get(2).asString();
            if (filter != null) {
                namespace.in(filter).emit(event, rest);
            } else {
                namespace.emit(event, rest);
            }
        });
        socket.on("join", (args, ack) -> {
            if (args.size() >= 2) {
                String filter = filter(args, 2);
                Namespace namespace = io.of(args.get(0).asString());
                report(filter != null ? namespace.in(filter).socketsJoin(args.get(1).asString())
                        : namespace.socketsJoin(args.get(1).asString()), "join");
            }
        });
        socket.on("leave", (args, ack) -> {
            if (args.size() >= 2) {
                String filter = filter(args, 2);
                Namespace namespace = io.of(args.get(0).asString());
                report(filter != null ? namespace.in(filter).socketsLeave(args.get(1).asString())
                        : namespace.socketsLeave(args.get(1).asString()), "leave");
            }
        });
        socket.on("_disconnect", (args, ack) -> {
            if (args.size() >= 2) {
                String filter = filter(args, 2);
                Namespace namespace = io.of(args.get(0).asString());
                boolean close = args.get(1).asBoolean(false);
                report(filter != null ? namespace.in(filter).disconnectSockets(close)
                        : namespace.disconnectSockets(close), "disconnect");
            }
        });
    }

    private static String filter(List<JsonNode> args, int index) {
        if (args.size() <= index || !args.get(index).isString() || args.get(index).asString().isEmpty()) {
            return null;
        }
        return args.get(index).asString();
    }

    private static void report(CompletableFuture<Void> command, String name) {
        command.whenComplete((ignored, error) -> {
            if (error != null) {
                LOG.log(System.Logger.Level.WARNING, "Admin UI command '" + name + "' failed: " + error);
            }
        });
    }

    // ---- statistics

    private void emitStats() {
        try {
            List<Map<String, Object>> namespaces = new ArrayList<>();
            for (String name : io.namespaceNames()) {
                namespaces.add(Map.of("name", name, "socketsCount", io.of(name).sockets().size()));
            }
            Map<String, Object> stats = new LinkedHashMap<>();
            stats.put("serverId", options.serverId());
            stats.put("hostname", hostname);
            stats.put("pid", pid);
            stats.put("uptime", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
            stats.put("clientsCount", io.clientsCount());
            stats.put("pollingClientsCount", io.pollingClientsCount());
            stats.put("aggregatedEvents", events.drain());
            stats.put("namespaces", namespaces);
            admin.emit("server_stats", stats);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Admin UI statistics failed: " + e);
        }
    }
}
