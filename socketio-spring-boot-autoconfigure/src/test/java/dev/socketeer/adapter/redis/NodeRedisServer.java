package dev.socketeer.adapter.redis;

import dev.socketeer.test.NodeProcess;
import dev.socketeer.test.TestJson;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Drives {@code redis-cluster-node.mjs}: a Node socket.io 4.8 server on {@code @socket.io/redis-adapter}. */
final class NodeRedisServer implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final NodeProcess process;
    private final int port;
    private final AtomicLong ids = new AtomicLong();

    NodeRedisServer(int redisPort, String mode) {
        this(Integer.toString(redisPort), mode, null, null);
    }

    /**
     * @param redis a port, {@code sentinel:<masterName>:<port,...>} to connect through Redis Sentinel (ioredis), or
     *     {@code cluster:<port,...>} to connect to a Redis Cluster (an ioredis {@code Cluster})
     */
    NodeRedisServer(String redis, String mode) {
        this(redis, mode, null, null);
    }

    /** With the adapter's channels under {@code key} instead of {@code socket.io} (several clusters on one Redis). */
    NodeRedisServer(String redis, String mode, String key) {
        this(redis, mode, null, key);
    }

    /** With connection state recovery on when {@code maxDisconnectionDuration} is given. */
    NodeRedisServer(int redisPort, String mode, Duration maxDisconnectionDuration) {
        this(Integer.toString(redisPort), mode, maxDisconnectionDuration, null);
    }

    private NodeRedisServer(String redis, String mode, Duration maxDisconnectionDuration, String key) {
        String recovery = maxDisconnectionDuration == null ? "0" : Long.toString(maxDisconnectionDuration.toMillis());
        this.process = key == null ? NodeProcess.start("redis-cluster-node.mjs", redis, mode, recovery)
                : NodeProcess.start("redis-cluster-node.mjs", redis, mode, recovery, key);
        this.port = process.await(report -> "listening".equals(report.path("type").asString()), WAIT,
                "the Node server listening").get("port").asInt();
    }

    int port() {
        return port;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Sends a command and returns the result report ({@code value} or {@code error}). */
    JsonNode call(ObjectNode command) {
        long id = ids.incrementAndGet();
        command.put("id", id);
        process.send(command);
        return process.await(report -> "result".equals(report.path("type").asString())
                && report.path("id").asLong() == id, WAIT, "result of " + command);
    }

    /** The next {@code connection} report: {@code sid}, {@code recovered}, {@code rooms}, {@code data}. */
    JsonNode awaitConnection() {
        return process.await(report -> "connection".equals(report.path("type").asString()), WAIT, "a connection");
    }

    void send(ObjectNode command) {
        process.send(command);
    }

    JsonNode awaitServerSideEvent(String event) {
        return process.await(report -> "serverSideEvent".equals(report.path("type").asString())
                && event.equals(report.path("event").asString()), WAIT, "server-side event " + event);
    }

    static ObjectNode command(String op) {
        ObjectNode command = TestJson.MAPPER.createObjectNode();
        command.put("op", op);
        return command;
    }

    @Override
    public void close() {
        process.close();
    }
}
