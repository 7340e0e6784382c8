package dev.socketeer.test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Official npm {@code socket.io-client} instances, run by Node ({@code client-driver.mjs}) and controlled from a
 * test. One driver process holds any number of named clients.
 * <p>
 * Every {@code await...} consumes the first matching report not yet consumed and returns it as a Jackson tree;
 * binary values in it are {@code BinaryNode}s ({@link TestJson#bytes(JsonNode)} gives the bytes). Arguments given
 * to commands are converted with {@link TestJson#toNode(Object)}: {@code byte[]} becomes a Node {@code Buffer}.
 * <p>
 * Report shapes: {@code connect {client,sid,recovered,transport}}, {@code connect_error {client,message,data}},
 * {@code disconnect {client,reason,description}}, {@code event {client,event,args,ackRequested,ackId}},
 * {@code ack {client,event,id,args}}, {@code ack_error {client,event,id,message}}, {@code upgrade {client,transport}},
 * {@code reconnect_attempt|reconnect {client,attempt}}, {@code reconnect_error {client,message}},
 * {@code reconnect_failed {client}}, {@code state {client,connected,active,sid,recovered,transport}}.
 */
public final class NodeSocketIoClient implements AutoCloseable {

    /** The wait used by the overloads without a timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final NodeProcess driver;
    private final AtomicLong ids = new AtomicLong();

    private NodeSocketIoClient(NodeProcess driver) {
        this.driver = driver;
    }

    /** Starts a driver process and waits until it is ready. */
    public static NodeSocketIoClient start() {
        NodeProcess process = NodeProcess.start("client-driver.mjs");
        try {
            process.await(r -> type(r, "ready"), Duration.ofSeconds(30), "the client driver to start");
        }
        catch (AssertionError ex) {
            process.close();
            throw ex;
        }
        return new NodeSocketIoClient(process);
    }

    /** How the client answers the server's ack requests for one event. */
    public record AckReply(boolean echoArgs, List<Object> args) {

        /** Answer with the arguments the server sent. */
        public static AckReply echo() {
            return new AckReply(true, List.of());
        }

        /** Answer with these arguments ({@code byte[]} allowed). */
        public static AckReply of(Object... args) {
            return new AckReply(false, java.util.Arrays.asList(args));
        }

        JsonNode toNode() {
            ObjectNode node = TestJson.MAPPER.createObjectNode();
            if (echoArgs) {
                node.put("echo", true);
            }
            else {
                node.set("reply", TestJson.toNode(args));
            }
            return node;
        }
    }

    /** Connects a new client ({@code io(url, {forceNew: true})}); await the outcome with {@link #awaitConnect}. */
    public NodeSocketIoClient connect(String client, String url) {
        return connect(client, url, Map.of(), Map.of());
    }

    /**
     * Connects a new client.
     *
     * @param url server URL including the namespace, e.g. {@code http://127.0.0.1:8080/chat}
     * @param options socket.io-client options ({@code transports}, {@code auth}, {@code query}, {@code path},
     *        {@code reconnection}, {@code extraHeaders}, ...); {@code forceNew} defaults to {@code true}
     */
    public NodeSocketIoClient connect(String client, String url, Map<String, ?> options) {
        return connect(client, url, options, Map.of());
    }

    /**
     * Connects a new client that answers the server's ack requests per event as given; requests for other events
     * stay pending until {@link #ack(String, long, Object...)} answers them.
     */
    public NodeSocketIoClient connect(String client, String url, Map<String, ?> options, Map<String, AckReply> acks) {
        ObjectNode command = NodeProcess.command("connect");
        command.put("client", client);
        command.put("url", url);
        command.set("opts", TestJson.toNode(options));
        ObjectNode ackRules = command.putObject("acks");
        acks.forEach((event, reply) -> ackRules.set(event, reply.toNode()));
        driver.send(command);
        return this;
    }

    /** From now on, answers the server's ack requests for {@code event} with {@code args}. */
    public void replyToAcks(String client, String event, Object... args) {
        ObjectNode command = clientCommand("acks", client);
        command.put("event", event);
        command.set("reply", TestJson.arrayOf(args));
        driver.send(command);
    }

    /** From now on, answers the server's ack requests for {@code event} with the arguments it sent. */
    public void echoAcks(String client, String event) {
        ObjectNode command = clientCommand("acks", client);
        command.put("event", event);
        command.put("echo", true);
        driver.send(command);
    }

    /** Answers a pending ack request (the {@code ackId} of an {@code event} report). */
    public void ack(String client, long ackId, Object... args) {
        ObjectNode command = clientCommand("ack", client);
        command.put("ackId", ackId);
        command.set("args", TestJson.arrayOf(args));
        driver.send(command);
    }

    /** {@code socket.emit(event, ...args)}. */
    public void emit(String client, String event, Object... args) {
        driver.send(emitCommand(client, event, args));
    }

    /** {@code socket.volatile.emit(event, ...args)}. */
    public void emitVolatile(String client, String event, Object... args) {
        ObjectNode command = emitCommand(client, event, args);
        command.put("volatile", true);
        driver.send(command);
    }

    /**
     * {@code socket.timeout(ackTimeout).emit(event, ...args, callback)} without waiting; returns the request id to
     * pass to {@link #awaitAckReport(long, Duration)}. A {@code null} ackTimeout emits without a timeout.
     */
    public long sendWithAck(String client, String event, Duration ackTimeout, Object... args) {
        long id = ids.incrementAndGet();
        ObjectNode command = emitCommand(client, event, args);
        command.put("ack", true);
        command.put("id", id);
        if (ackTimeout != null) {
            command.put("timeout", ackTimeout.toMillis());
        }
        driver.send(command);
        return id;
    }

    /** Waits for the outcome of {@link #sendWithAck}: an {@code ack} report or an {@code ack_error} report. */
    public JsonNode awaitAckReport(long requestId, Duration timeout) {
        return driver.await(r -> (type(r, "ack") || type(r, "ack_error")) && r.path("id").asLong(-1) == requestId,
                timeout, "the ack of request " + requestId);
    }

    /** Emits with an ack (client-side timeout {@code timeout}) and returns the acknowledgement's arguments. */
    public ArrayNode emitWithAck(String client, String event, Duration timeout, Object... args) {
        long id = sendWithAck(client, event, timeout, args);
        JsonNode report = awaitAckReport(id, timeout.plusSeconds(5));
        if (!type(report, "ack")) {
            throw new AssertionError("Ack for '" + event + "' from " + client + " failed: " + report
                    + driver.describeState());
        }
        return (ArrayNode) report.get("args");
    }

    /** {@code socket.disconnect()}. */
    public void disconnect(String client) {
        driver.send(clientCommand("disconnect", client));
    }

    /** {@code socket.connect()} again after a disconnect. */
    public void open(String client) {
        driver.send(clientCommand("open", client));
    }

    /** Closes the client's Engine.IO connection as a network failure would (reconnection follows if enabled). */
    public void closeTransport(String client) {
        driver.send(clientCommand("closeTransport", client));
    }

    /** The client's current state: {@code connected}, {@code active}, {@code sid}, {@code recovered}, {@code transport}. */
    public JsonNode state(String client) {
        long id = ids.incrementAndGet();
        ObjectNode command = clientCommand("state", client);
        command.put("id", id);
        driver.send(command);
        return driver.await(r -> type(r, "state") && r.path("id").asLong(-1) == id, DEFAULT_TIMEOUT,
                "the state of " + client);
    }

    /** Round trip through the driver: every command sent before has been handled when this returns. */
    public void sync() {
        long id = ids.incrementAndGet();
        ObjectNode command = NodeProcess.command("ping");
        command.put("id", id);
        driver.send(command);
        driver.await(r -> type(r, "pong") && r.path("id").asLong(-1) == id, DEFAULT_TIMEOUT, "the driver's pong");
    }

    /** Sends a raw command object (see {@code client-driver.mjs} for every op). */
    public void send(JsonNode command) {
        driver.send(command);
    }

    /** Waits for the client's {@code connect} report: {@code sid}, {@code recovered}, {@code transport}. */
    public JsonNode awaitConnect(String client) {
        return awaitConnect(client, DEFAULT_TIMEOUT);
    }

    /** Waits for the client's {@code connect} report: {@code sid}, {@code recovered}, {@code transport}. */
    public JsonNode awaitConnect(String client, Duration timeout) {
        return awaitReport("connect", client, timeout);
    }

    /** Waits for the client's {@code connect_error} report: {@code message}, {@code data}. */
    public JsonNode awaitConnectError(String client, Duration timeout) {
        return awaitReport("connect_error", client, timeout);
    }

    /** Waits for the client's {@code disconnect} report: {@code reason}, {@code description}. */
    public JsonNode awaitDisconnect(String client, Duration timeout) {
        return awaitReport("disconnect", client, timeout);
    }

    /** Waits for the client's transport {@code upgrade} report: {@code transport}. */
    public JsonNode awaitUpgrade(String client, Duration timeout) {
        return awaitReport("upgrade", client, timeout);
    }

    /** Waits for an event the server sent to the client: {@code args}, {@code ackRequested}, {@code ackId}. */
    public JsonNode awaitEvent(String client, String event) {
        return awaitEvent(client, event, DEFAULT_TIMEOUT);
    }

    /** Waits for an event the server sent to the client: {@code args}, {@code ackRequested}, {@code ackId}. */
    public JsonNode awaitEvent(String client, String event, Duration timeout) {
        return driver.await(r -> type(r, "event") && client.equals(r.path("client").asString(""))
                && event.equals(r.path("event").asString("")), timeout, "event '" + event + "' at " + client);
    }

    /** Waits for a report of the given type about the given client. */
    public JsonNode awaitReport(String type, String client, Duration timeout) {
        return driver.await(r -> type(r, type) && client.equals(r.path("client").asString("")), timeout,
                "'" + type + "' of " + client);
    }

    /** Waits for any report matching {@code condition}. */
    public JsonNode awaitReport(Predicate<JsonNode> condition, Duration timeout, String description) {
        return driver.await(condition, timeout, description);
    }

    /** Watches for {@code during} and fails if the client received {@code event}. */
    public void assertNoEvent(String client, String event, Duration during) {
        driver.assertNone(r -> type(r, "event") && client.equals(r.path("client").asString(""))
                && event.equals(r.path("event").asString("")), during, "event '" + event + "' at " + client);
    }

    /** Every report so far, in arrival order. */
    public List<JsonNode> reports() {
        return driver.history();
    }

    /** The driver's stderr so far. */
    public String stderr() {
        return driver.stderr();
    }

    /** Disconnects every client and ends the driver. */
    @Override
    public void close() {
        try {
            if (driver.isAlive()) {
                driver.send(NodeProcess.command("close"));
            }
        }
        catch (AssertionError ignored) {
            // the driver is already gone
        }
        driver.close();
    }

    private ObjectNode emitCommand(String client, String event, Object[] args) {
        ObjectNode command = clientCommand("emit", client);
        command.put("event", event);
        command.set("args", TestJson.arrayOf(args));
        return command;
    }

    private static ObjectNode clientCommand(String op, String client) {
        ObjectNode command = NodeProcess.command(op);
        command.put("client", client);
        return command;
    }

    static boolean type(JsonNode report, String type) {
        return type.equals(report.path("type").asString(""));
    }
}
