package dev.socketeer.adapter.cluster;

import dev.socketeer.adapter.AckTimeoutException;
import dev.socketeer.adapter.AdapterHealth;
import dev.socketeer.adapter.BackendStatus;
import dev.socketeer.adapter.BroadcastFlags;
import dev.socketeer.adapter.BroadcastOptions;
import dev.socketeer.adapter.ClusterException;
import dev.socketeer.adapter.ClusterRequestTimeoutException;
import dev.socketeer.adapter.ClusterUnavailableException;
import dev.socketeer.adapter.InMemoryAdapter;
import dev.socketeer.adapter.LocalNamespace;
import dev.socketeer.adapter.Session;
import dev.socketeer.adapter.SocketDetails;
import dev.socketeer.adapter.cluster.ClusterMessage.Broadcast;
import dev.socketeer.adapter.cluster.ClusterMessage.BroadcastAck;
import dev.socketeer.adapter.cluster.ClusterMessage.BroadcastClientCount;
import dev.socketeer.adapter.cluster.ClusterMessage.DisconnectSockets;
import dev.socketeer.adapter.cluster.ClusterMessage.FetchSockets;
import dev.socketeer.adapter.cluster.ClusterMessage.FetchSocketsResponse;
import dev.socketeer.adapter.cluster.ClusterMessage.ServerSideEmit;
import dev.socketeer.adapter.cluster.ClusterMessage.ServerSideEmitResponse;
import dev.socketeer.adapter.cluster.ClusterMessage.SocketsJoin;
import dev.socketeer.adapter.cluster.ClusterMessage.SocketsLeave;
import dev.socketeer.protocol.engineio.EngineMessage;
import dev.socketeer.protocol.socketio.Packet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/**
 * The cluster protocol of socket.io-adapter's {@code ClusterAdapter}, independent of the transport.
 * A subclass publishes with {@link #doPublish} and {@link #doPublishResponse}, and hands what it
 * receives to {@link #onMessage} and {@link #onResponse}. Local work is {@link InMemoryAdapter}'s.
 *
 * <p>Local delivery never waits for the transport: a broadcast reaches this server's sockets at
 * once, even while the transport is down. Requests to the other servers ({@code fetchSockets},
 * {@code serverSideEmitWithAck}) wait at most the requests timeout (5 s unless set), then fail.
 * Nothing here blocks; timers run on Reactor's parallel scheduler.
 */
public abstract class ClusterAdapter extends InMemoryAdapter implements AdapterHealth {

    /** The uid emitters publish with; never counted as a server. */
    public static final String EMITTER_UID = "emitter";

    /** The reference default of every cluster request. */
    public static final Duration DEFAULT_REQUESTS_TIMEOUT = Duration.ofSeconds(5);

    private static final System.Logger LOG = System.getLogger(ClusterAdapter.class.getName());

    /** This server's uid in this namespace: 16 hex characters, like the reference. */
    protected final String uid = randomId();
    /** Encodes and decodes messages. */
    protected final ClusterMessageCodec codec;
    private final Duration requestsTimeout;
    private final Map<String, AckRequest> ackRequests = new ConcurrentHashMap<>();
    private final PendingRequests requests = new PendingRequests();
    private volatile int serversSeen = -1;
    /** Restores waiting for the backend to come back ({@link #whenBackendUp}); released at {@link #close()}. */
    private final Set<CompletableFuture<Void>> backendWaits = ConcurrentHashMap.newKeySet();
    private volatile boolean waitsReleased;

    protected ClusterAdapter(LocalNamespace namespace, ClusterMessageCodec codec, Duration requestsTimeout) {
        super(namespace);
        this.codec = codec;
        this.requestsTimeout = requestsTimeout == null ? DEFAULT_REQUESTS_TIMEOUT : requestsTimeout;
    }

    /**
     * 16 random hex characters, as the reference's {@code randomBytes(8).toString("hex")}; ids need to be
     * unique, not secret, and SecureRandom may read /dev/urandom on an event loop.
     */
    public static String randomId() {
        byte[] bytes = new byte[8];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** This server's uid in this namespace. */
    public String uid() {
        return uid;
    }

    /** How long requests to the other servers wait for their answers. */
    public Duration requestsTimeout() {
        return requestsTimeout;
    }

    /** The state of the connection this adapter publishes and listens on. */
    protected abstract BackendState backendState();

    @Override
    public BackendStatus backendStatus() {
        return backendState().status();
    }

    /** The server count last answered by {@link #serverCount()}, or {@code -1}. */
    @Override
    public int serversSeen() {
        return serversSeen;
    }

    /** Records a server count that {@link #serverCount()} answered. */
    protected final int seen(int servers) {
        serversSeen = servers;
        return servers;
    }

    /** Publishes a message to every server of the namespace; completes with its offset ({@code ""} if none). */
    protected abstract CompletableFuture<String> doPublish(ClusterMessage message);

    /** Publishes a response to the server that sent a request. */
    protected abstract CompletableFuture<Void> doPublishResponse(String requesterUid, ClusterMessage response);

    /** The uids of the servers expected to answer a request, or {@code null} to count answers instead. */
    protected Set<String> expectedResponders() {
        return null;
    }

    /** Publishes, logging (not throwing) a failure: the cluster part of an operation is best effort. */
    protected CompletableFuture<String> publish(ClusterMessage message) {
        CompletableFuture<String> result;
        try {
            result = doPublish(message);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.whenComplete((offset, error) -> {
            if (error != null) {
                LOG.log(System.Logger.Level.DEBUG, () -> "could not publish message of type " + message.type()
                        + " in namespace " + namespace.name() + ": " + error);
            }
        });
    }

    /** Publishes a response, logging a failure. */
    protected void publishResponse(String requesterUid, ClusterMessage response) {
        try {
            doPublishResponse(requesterUid, response).whenComplete((ignored, error) -> {
                if (error != null) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "could not publish response of type " + response.type()
                            + " to " + requesterUid + ": " + error);
                }
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "could not publish response to " + requesterUid + ": " + e);
        }
    }

    // ---- receiving

    /** Handles a message from another server; ignores its own and other namespaces'. */
    protected void onMessage(ClusterMessage message, String offset) {
        if (message == null || uid.equals(message.uid()) || !namespace.name().equals(message.nsp())) {
            return;
        }
        try {
            dispatch(message, offset);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring cluster message of type " + message.type()
                    + " in namespace " + namespace.name() + " that could not be handled: " + e, e);
        }
    }

    private void dispatch(ClusterMessage message, String offset) {
        if (message instanceof Broadcast m) {
            Packet packet = ClusterMessageCodec.packet(m.packet(), namespace.name());
            if (packet == null) {
                return;
            }
            if (m.requestId() == null) {
                onRemoteBroadcast(packet, m.options(), offset);
            } else {
                String requester = m.uid();
                super.broadcastWithAck(packet, m.options(),
                        count -> publishResponse(requester,
                        new BroadcastClientCount(uid, namespace.name(), m.requestId(), count)),
                        arg -> publishResponse(requester,
                        new BroadcastAck(uid, namespace.name(), m.requestId(), arg)));
            }
        } else if (message instanceof SocketsJoin m) {
            super.addSockets(m.options(), new LinkedHashSet<>(m.rooms()));
        } else if (message instanceof SocketsLeave m) {
            super.delSockets(m.options(), new LinkedHashSet<>(m.rooms()));
        } else if (message instanceof DisconnectSockets m) {
            super.disconnectSockets(m.options(), m.close());
        } else if (message instanceof FetchSockets m) {
            super.fetchSockets(m.options()).thenAccept(sockets -> publishResponse(m.uid(),
                    new FetchSocketsResponse(uid, namespace.name(), m.requestId(),
                    sockets.stream().map(codec::socketTree).toList())));
        } else if (message instanceof ServerSideEmit m) {
            List<JsonNode> args = new ArrayList<>();
            m.packet().forEach(args::add);
            if (m.requestId() == null) {
                namespace.onServerSideEmit(args, null);
            } else {
                String requester = m.uid();
                namespace.onServerSideEmit(args, reply -> publishResponse(requester,
                        new ServerSideEmitResponse(uid, namespace.name(), m.requestId(), codec.tree(reply))));
            }
        } else if (message instanceof FetchSocketsResponse m) {
            onResponse(m);
        } else if (message instanceof ServerSideEmitResponse m) {
            onResponse(m);
        } else if (message instanceof BroadcastClientCount m) {
            onResponse(m);
        } else if (message instanceof BroadcastAck m) {
            onResponse(m);
        }
        // heartbeats and goodbyes only matter to ClusterAdapterWithHeartbeat
    }

    /**
     * Delivers a broadcast another server published to this server's matching sockets.
     *
     * @param offset where the backend stored the message ({@code ""} when it stores nothing), which a
     *     transport that keeps messages for connection state recovery appends to the packet
     */
    protected void onRemoteBroadcast(Packet packet, BroadcastOptions options, String offset) {
        super.broadcast(packet, options);
    }

    /**
     * Local delivery while sessions are being restored here ({@link RecoveryHandOver}): each hand-over is offered the
     * packet first, and the sockets whose hand-over deals with it get nothing directly. That is decided once per
     * socket, before the others are written to, so that a socket whose hand-over ends meanwhile gets the packet once,
     * never twice or not at all. A hand-over this delivery settles ends.
     *
     * @param offset where the packet is stored ({@code null}: nowhere)
     */
    protected final <K> void deliver(Packet packet, BroadcastOptions options, K offset,
            Map<String, RecoveryHandOver<K>> handOvers) {
        if (handOvers.isEmpty()) {
            localBroadcast(packet, options);
            return;
        }
        List<EngineMessage> messages = toMessages(packet);
        BroadcastFlags flags = options.flags();
        Set<String> handedOver = new HashSet<>();
        for (RecoveryHandOver<K> session : handOvers.values()) {
            if (session.offer(packet, messages, offset, flags, shouldInclude(session.rooms(), options))) {
                handedOver.add(session.sid());
            }
            if (offset != null && session.settled(offset)) {
                handOvers.remove(session.sid(), session);
            }
        }
        int[] count = new int[1];
        namespace.fanOut(() -> forEachMatching(options, socket -> {
            if (handedOver.contains(socket.id())) {
                return;
            }
            count[0]++;
            socket.notifyOutgoing(packet);
            socket.write(messages, flags.isVolatile(), flags.compress());
        }));
        namespace.broadcastDelivered(count[0]);
    }

    /** Handles a response to one of this server's requests; unknown request ids are ignored. */
    protected void onResponse(ClusterMessage response) {
        if (response == null) {
            return;
        }
        if (response instanceof BroadcastClientCount m) {
            AckRequest request = ackRequests.get(m.requestId());
            if (request != null) {
                request.clientCount().accept(m.clientCount());
            }
        } else if (response instanceof BroadcastAck m) {
            AckRequest request = ackRequests.get(m.requestId());
            if (request != null) {
                request.ack().accept(m.packet());
            }
        } else if (response instanceof FetchSocketsResponse m) {
            PendingRequests.Pending request = requests.get(m.requestId());
            if (request != null) {
                request.answer(m.uid(), m.sockets());
            }
        } else if (response instanceof ServerSideEmitResponse m) {
            PendingRequests.Pending request = requests.get(m.requestId());
            if (request != null) {
                request.answer(m.uid(), List.of(m.packet()));
            }
        } else {
        }
    }

    /** A server left: requests stop waiting for it. */
    protected void forgetResponder(String serverUid) {
        requests.forget(serverUid);
    }

    // ---- operations

    @Override
    public CompletableFuture<Void> broadcast(Packet packet, BroadcastOptions options) {
        if (!options.flags().local()) {
            publish(new Broadcast(uid, namespace.name(), codec.packetTree(packet.withNamespace(namespace.name())),
                    options, null));
        }
        return super.broadcast(packet, options);
    }

    @Override
    public void broadcastWithAck(Packet packet, BroadcastOptions options, IntConsumer clientCount,
            Consumer<JsonNode> response) {
        if (!options.flags().local()) {
            String requestId = randomId();
            ackRequests.put(requestId, new AckRequest(clientCount, response));
            Duration timeout = options.flags().timeout() != null ? options.flags().timeout() : requestsTimeout;
            Schedulers.parallel().schedule(() -> ackRequests.remove(requestId), timeout.toMillis(), TimeUnit.MILLISECONDS);
            // the packet id is local to each server; receivers assign their own
            publish(new Broadcast(uid, namespace.name(), codec.packetTree(packet.withNamespace(namespace.name())),
                    options, requestId));
        }
        super.broadcastWithAck(packet, options, clientCount, response);
    }

    @Override
    public CompletableFuture<Void> addSockets(BroadcastOptions options, Set<String> rooms) {
        if (!options.flags().local()) {
            publish(new SocketsJoin(uid, namespace.name(), options, List.copyOf(rooms)));
        }
        return super.addSockets(options, rooms);
    }

    @Override
    public CompletableFuture<Void> delSockets(BroadcastOptions options, Set<String> rooms) {
        if (!options.flags().local()) {
            publish(new SocketsLeave(uid, namespace.name(), options, List.copyOf(rooms)));
        }
        return super.delSockets(options, rooms);
    }

    @Override
    public CompletableFuture<Void> disconnectSockets(BroadcastOptions options, boolean close) {
        if (!options.flags().local()) {
            publish(new DisconnectSockets(uid, namespace.name(), options, close));
        }
        return super.disconnectSockets(options, close);
    }

    @Override
    public CompletableFuture<Set<String>> sockets(Set<String> rooms) {
        return fetchSockets(new BroadcastOptions(rooms, Set.of(), BroadcastFlags.NONE))
                .thenApply(sockets -> {
                    Set<String> ids = new LinkedHashSet<>();
                    sockets.forEach(socket -> ids.add(socket.id()));
                    return ids;
                });
    }

    /** The union of the rooms of every socket of the cluster (the cluster protocol has no room listing). */
    @Override
    public CompletableFuture<Set<String>> allRooms() {
        return fetchSockets(new BroadcastOptions(Set.of(), Set.of(), BroadcastFlags.NONE))
                .thenApply(sockets -> {
                    Set<String> rooms = new LinkedHashSet<>(rooms());
                    sockets.forEach(socket -> rooms.addAll(socket.rooms()));
                    return rooms;
                });
    }

    @Override
    public CompletableFuture<List<SocketDetails>> fetchSockets(BroadcastOptions options) {
        CompletableFuture<List<SocketDetails>> local = super.fetchSockets(options);
        if (options.flags().local()) {
            return local;
        }
        Duration timeout = options.flags().timeout() != null ? options.flags().timeout() : requestsTimeout;
        return local.thenCompose(localSockets -> request("fetchSockets", timeout,
                requestId -> new FetchSockets(uid, namespace.name(), options, requestId))
                .thenApply(answers -> {
                    List<SocketDetails> all = new ArrayList<>(localSockets);
                    answers.forEach(socket -> all.add(codec.socketDetails(socket)));
                    return all;
                }));
    }

    @Override
    public CompletableFuture<Void> serverSideEmit(List<?> packet) {
        return publish(new ServerSideEmit(uid, namespace.name(), codec.tree(packet), null)).thenApply(offset -> null);
    }

    @Override
    public CompletableFuture<List<JsonNode>> serverSideEmitWithAck(List<?> packet, Duration timeout) {
        JsonNode tree = codec.tree(packet);
        return request("serverSideEmitWithAck", timeout != null ? timeout : requestsTimeout,
                requestId -> new ServerSideEmit(uid, namespace.name(), tree, requestId))
                .exceptionallyCompose(error -> {
                    Throwable cause = BackendState.unwrap(error);
                    if (cause instanceof ClusterRequestTimeoutException timedOut) {
                        return CompletableFuture.failedFuture(new AckTimeoutException(timedOut.partial()));
                    }
                    return CompletableFuture.failedFuture(cause);
                });
    }

    /**
     * Publishes a request and collects one answer per other server (each answer may hold several
     * values). The requests timeout runs from this call, whatever the backend does meanwhile (even
     * while it takes the server count): fails at once with {@link ClusterUnavailableException} while
     * the backend is unreachable or when the request cannot be published, with
     * {@link ClusterRequestTimeoutException} naming how many answers were missing at the deadline.
     */
    private CompletableFuture<List<JsonNode>> request(String operation, Duration timeout,
            java.util.function.Function<String, ClusterMessage> message) {
        BackendState backend = backendState();
        if (!backend.connected()) {
            return CompletableFuture.failedFuture(backend.unavailable(operation, null));
        }
        String requestId = randomId();
        PendingRequests.Pending request = requests.start(requestId, operation, 0, timeout);
        Set<String> responders = expectedResponders();
        CompletableFuture<Integer> expected = responders != null
                ? CompletableFuture.completedFuture(responders.size())
                : serverCount().thenApply(count -> count - 1);
        expected.whenComplete((count, error) -> {
            if (error != null) {
                Throwable cause = BackendState.unwrap(error);
                request.fail(cause instanceof ClusterException ? cause : backend.unavailable(operation, cause));
            } else if (request.expect(count, responders)) {
                publish(message.apply(requestId)).whenComplete((offset, publishError) -> {
                    if (publishError != null) {
                        request.fail(backend.unavailable(operation, publishError));
                    }
                });
            }
        });
        return request.result();
    }

    /** Releases the restores waiting for the backend (they give fresh sessions), then closes. */
    @Override
    public CompletableFuture<Void> close() {
        releaseBackendWaits();
        return super.close();
    }

    /** Fails every restore waiting for the backend, and any later one at once: the adapter is closing. */
    protected final void releaseBackendWaits() {
        waitsReleased = true;
        for (CompletableFuture<Void> wait : backendWaits.toArray(CompletableFuture[]::new)) {
            wait.completeExceptionally(closing());
        }
    }

    private ClusterUnavailableException closing() {
        return new ClusterUnavailableException("the adapter of namespace " + namespace.name() + " is closing", null);
    }

    /**
     * Runs one step of a session restore on the backend, waiting for the backend while this adapter holds it down:
     * until it is up again, then runs the step; a step that fails while the backend goes down is run again once it is
     * back. Never past {@code deadlineNanos} ({@link System#nanoTime()}): then, or when the adapter closes, fails
     * with {@link ClusterUnavailableException}. Nothing blocks: the wait is {@link BackendState#awaitUp}'s future.
     * A step run twice must be safe to: reads, or a take that a lost answer leaves taken (then nothing is restored).
     */
    protected final <T> CompletableFuture<T> whenBackendUp(long deadlineNanos, Supplier<CompletableFuture<T>> step) {
        BackendState backend = backendState();
        if (waitsReleased) {
            return CompletableFuture.failedFuture(closing());
        }
        if (!backend.connected()) {
            CompletableFuture<Void> up = backend.awaitUp(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
            if (!up.isDone()) {
                backendWaits.add(up);
                up.whenComplete((ignored, error) -> backendWaits.remove(up));
                if (waitsReleased) {
                    up.completeExceptionally(closing());
                }
            }
            return up.thenCompose(ignored -> whenBackendUp(deadlineNanos, step));
        }
        CompletableFuture<T> started;
        try {
            started = step.get();
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        return started.handle((value, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(value);
            }
            if (!backend.connected() && !waitsReleased && System.nanoTime() < deadlineNanos) {
                return whenBackendUp(deadlineNanos, step); // the backend went down under the step
            }
            return CompletableFuture.<T>failedFuture(BackendState.unwrap(error));
        }).thenCompose(next -> next);
    }

    /**
     * The deadline of a restore that starts now: it waits for the backend at most the requests timeout, so that a
     * recovering client is answered well within its connection timeout (20 s in socket.io-client).
     */
    protected final long restoreDeadline() {
        return System.nanoTime() + requestsTimeout.toNanos();
    }

    /**
     * A restore's outcome for the client: the session, or none (a fresh session) when it failed, or when it has not
     * ended by {@code deadlineNanos} plus the requests timeout (a backend that stalls without being held down yet
     * leaves a command waiting for its answer: the client is answered anyway, within twice the requests timeout in
     * all). A failure while the backend is held down is logged once per outage (the line that reports the backend
     * back counts them all); any other at debug level.
     */
    protected final CompletableFuture<Optional<Session>> restoreOutcome(long deadlineNanos,
            CompletableFuture<Optional<Session>> restore) {
        CompletableFuture<Optional<Session>> bounded = new CompletableFuture<>();
        long capNanos = Math.max(0, deadlineNanos - System.nanoTime()) + requestsTimeout.toNanos();
        reactor.core.Disposable timer = Schedulers.parallel().schedule(() -> bounded.completeExceptionally(
                new ClusterRequestTimeoutException("restoreSession: no answer from the backend within "
                        + TimeUnit.NANOSECONDS.toMillis(capNanos) + " ms", List.of())), capNanos, TimeUnit.NANOSECONDS);
        restore.whenComplete((session, error) -> {
            timer.dispose();
            if (error == null) {
                bounded.complete(session);
            } else {
                bounded.completeExceptionally(error);
            }
        });
        return bounded.exceptionally(error -> {
            Throwable cause = BackendState.unwrap(error);
            BackendState backend = backendState();
            if (cause instanceof ClusterException && !backend.connected() && !waitsReleased) {
                backend.gaveUp("recovering clients started afresh", () -> "a client presenting its session to"
                        + " namespace " + namespace.name() + " got a fresh session: " + backend.status().describe()
                        + ", longer than the " + requestsTimeout.toMillis() + " ms a restore waits for it (the"
                        + " requests timeout)");
            } else {
                LOG.log(System.Logger.Level.DEBUG, () -> "could not restore a session in namespace "
                        + namespace.name() + ": " + cause);
            }
            return Optional.empty();
        });
    }

    private record AckRequest(IntConsumer clientCount, Consumer<JsonNode> ack) {
    }
}
