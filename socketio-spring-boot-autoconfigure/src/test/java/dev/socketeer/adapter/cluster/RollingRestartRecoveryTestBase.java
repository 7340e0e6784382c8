package dev.socketeer.adapter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.test.ForkedNode;
import dev.socketeer.test.NodeProcess;
import dev.socketeer.test.TcpProxy;
import dev.socketeer.test.TestJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A rolling restart under load, the same scenario on each adapter with connection state recovery: three nodes, each
 * in a JVM of its own, behind a round-robin balancer the test controls ({@link TcpProxy}); {@value #CLIENTS} npm
 * {@code socket.io-client}s with recovery (one Node process, {@code recovery-clients.mjs}), each in one of
 * {@value #ROOMS} rooms; a publisher node (in the test JVM, never restarted, no clients) broadcasting numbered
 * {@code tick}s to the rooms in turn, at a steady rate, all along. Each node in turn is taken out of the balancer,
 * stopped with SIGTERM (its clients reconnect through the balancer to the other nodes), started again on the same
 * port, and put back. At the end, every client must have recovered each time (same id, {@code recovered}), at least
 * once, and have every tick of its room exactly once, in order.
 * <p>
 * With {@code -Dsocketeer.rollingRestart.report=<file>}, each run appends its figures to that file as one JSON line
 * before asserting ({@code benchmarks/rolling-restart.sh} makes its table from them, beside Node's reference run).
 */
public abstract class RollingRestartRecoveryTestBase {

    protected static final int CLIENTS = 300;
    protected static final int ROOMS = 30;
    /** One tick every this many microseconds, to the rooms in turn: 200 broadcasts per second. */
    private static final long TICK_MICROS = 5_000;
    private static final Duration DWELL = Duration.ofMillis(1000);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> NAMES = List.of("n1", "n2", "n3");

    private final List<ForkedNode> nodes = new ArrayList<>();
    /** Every node started, by name, for the warnings of those that stopped since. */
    private final List<Map.Entry<String, ForkedNode>> started = new ArrayList<>();
    private TcpProxy balancer;
    private NodeProcess clients;
    private volatile boolean publishing;

    /** Starts the backend (Redis, PostgreSQL) and the publisher node on it. */
    protected abstract void startBackendAndPublisher();

    /** Starts one node of the cluster in a JVM of its own on {@code port} ({@code 0}: any free port). */
    protected abstract ForkedNode startNode(String name, int port);

    /** Broadcasts {@code tick room n} to {@code room} from the publisher node. */
    protected abstract void publish(String room, int n);

    /** Stops the publisher node and the backend. */
    protected abstract void stopBackendAndPublisher();

    /** The adapter's name, for the report. */
    protected abstract String adapterName();

    /** The server's name, for the report. */
    protected String serverName() {
        return "Socketeer";
    }

    /**
     * Whether the server promises every reconnection recovered and every tick exactly once, in order (asserted);
     * otherwise, for a reference run, only the figures are reported.
     */
    protected boolean promisesExactlyOnce() {
        return true;
    }

    @AfterEach
    void stopEverything() {
        publishing = false;
        for (AutoCloseable closeable : new AutoCloseable[] { clients, balancer }) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
        nodes.forEach(ForkedNode::kill);
        stopBackendAndPublisher();
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES) // about a minute on an idle CI machine; slower when it is shared
    void everyClientRecoversThroughARollingRestartWithNoBroadcastLostOrRepeated() throws Exception {
        long began = System.nanoTime();
        startBackendAndPublisher();
        List<CompletableFuture<ForkedNode>> starting = NAMES.stream()
                .map(name -> CompletableFuture.supplyAsync(() -> startNode(name, 0))).toList();
        for (int i = 0; i < NAMES.size(); i++) {
            nodes.add(starting.get(i).join());
            started.add(Map.entry(NAMES.get(i), nodes.get(i)));
        }
        long nodesUp = System.nanoTime();
        balancer = TcpProxy.start(ports());
        ObjectNode config = TestJson.MAPPER.createObjectNode();
        config.put("url", balancer.url() + "/");
        config.put("clients", CLIENTS);
        config.put("rooms", ROOMS);
        config.put("timeoutMs", WAIT.toMillis());
        clients = NodeProcess.start("recovery-clients.mjs", TestJson.MAPPER.writeValueAsString(config));
        JsonNode ready = clients.await(report -> "ready".equals(report.path("type").asString()), WAIT.multipliedBy(2),
                "every client connected and in its room");
        assertThat(ready.get("connected").asInt()).isEqualTo(CLIENTS);
        long setUp = System.nanoTime();
        System.out.printf("Rolling restart, %s: backend and nodes up in %d ms, %d clients ready %d ms later, %s%n",
                adapterName(), millis(began, nodesUp), CLIENTS, millis(nodesUp, setUp), ready.get("perNode"));

        Map<String, Integer> sent = new LinkedHashMap<>();
        Thread publisher = startPublisher(sent);
        List<String> restarts = new ArrayList<>();
        try {
            Thread.sleep(DWELL.toMillis());
            for (int i = 0; i < nodes.size(); i++) {
                String name = NAMES.get(i);
                ForkedNode node = nodes.get(i);
                balancer.targets(Arrays.stream(ports()).filter(port -> port != node.port).toArray());
                int onNode = status().path("perNode").path(name).asInt();
                assertThat(onNode).as("clients on node " + name + " before its restart").isPositive();

                long stopping = System.nanoTime();
                assertThat(node.stop(WAIT)).as(name + " stops by itself on SIGTERM\n" + node.log()).isTrue();
                long stopped = System.nanoTime();
                awaitAllConnectedAwayFrom(name, node);
                long moved = System.nanoTime();
                ForkedNode restarted = startNode(name, node.port);
                nodes.set(i, restarted);
                started.add(Map.entry(name, restarted));
                balancer.targets(ports());
                restarts.add(String.format("%s: %d clients, stop %d ms, all back %d ms later, restart %d ms", name,
                        onNode, millis(stopping, stopped), millis(stopped, moved), millis(moved, System.nanoTime())));
                System.out.println("Rolling restart, " + adapterName() + ": " + restarts.get(i));
                Thread.sleep(DWELL.toMillis());
            }
        } finally {
            publishing = false;
            publisher.join(WAIT.toMillis());
        }
        assertThat(publisher.isAlive()).as("the publisher stuck in\n" + stack(publisher)).isFalse();
        long published = System.nanoTime();

        ObjectNode finish = TestJson.MAPPER.createObjectNode();
        finish.put("op", "finish");
        finish.set("sent", TestJson.toNode(sent));
        clients.send(finish);
        JsonNode summary = clients.await(report -> "summary".equals(report.path("type").asString()),
                WAIT.multipliedBy(2), "the clients' summary");
        int ticks = sent.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("Rolling restart, %s: %d clients in %d rooms, %d ticks published in %.1f s (%.0f/s), "
                + "%d deliveries expected, %d received; %d reconnections: %d recovered, %d fresh; lost %d, "
                + "duplicated %d, out of order %d; recoveries per client %d..%d; set-up %.1f s, whole test %.1f s%n"
                + "  %s%n", adapterName(), CLIENTS, ROOMS, ticks, (published - setUp) / 1e9,
                ticks / ((published - setUp) / 1e9), summary.get("expected").asLong(), summary.get("received").asLong(),
                summary.get("connects").asInt() - CLIENTS, summary.get("recovered").asInt(),
                summary.get("fresh").asInt(), summary.get("lost").asLong(), summary.get("duplicated").asLong(),
                summary.get("outOfOrder").asLong(), summary.get("minRecoveries").asInt(),
                summary.get("maxRecoveries").asInt(), (setUp - began) / 1e9, (System.nanoTime() - began) / 1e9,
                String.join("\n  ", restarts));

        report(summary, ticks, (published - setUp) / 1e9, (System.nanoTime() - began) / 1e9, restarts);

        assertThat(summary.get("connected").asInt()).as(summary.toString()).isEqualTo(CLIENTS);
        if (!promisesExactlyOnce()) {
            return;
        }
        assertThat(summary.get("fresh").asInt()).as("connections not recovered: " + summary + warnings()).isZero();
        assertThat(summary.get("neverRecovered").asInt()).as("clients never moved: " + summary).isZero();
        assertThat(summary.get("sidChanged").asInt()).as(summary.toString()).isZero();
        assertThat(summary.get("recovered").asInt()).as(summary.toString())
                .isEqualTo(summary.get("connects").asInt() - CLIENTS);
        assertThat(summary.get("lost").asLong()).as("lost: " + summary + warnings()).isZero();
        assertThat(summary.get("duplicated").asLong()).as("duplicated: " + summary + warnings()).isZero();
        assertThat(summary.get("outOfOrder").asLong()).as(summary.toString()).isZero();
        assertThat(summary.get("otherRoom").asLong()).as(summary.toString()).isZero();
        assertThat(summary.get("beyond").asLong()).as(summary.toString()).isZero();
        assertThat(summary.get("failed").asInt()).as(summary.toString()).isZero();
        assertThat(summary.get("received").asLong()).isEqualTo(summary.get("expected").asLong())
                .isEqualTo((long) ticks * CLIENTS / ROOMS);
    }

    /** Appends this run's figures as one JSON line to the file {@code socketeer.rollingRestart.report} names. */
    private void report(JsonNode summary, int ticks, double publishingSeconds, double wholeSeconds,
            List<String> restarts) throws IOException {
        String file = System.getProperty("socketeer.rollingRestart.report");
        if (file == null || file.isBlank()) {
            return;
        }
        ObjectNode line = TestJson.MAPPER.createObjectNode();
        line.put("server", serverName());
        line.put("adapter", adapterName());
        line.put("clients", CLIENTS);
        line.put("rooms", ROOMS);
        line.put("sent", ticks);
        line.put("publishingSeconds", publishingSeconds);
        line.put("wholeSeconds", wholeSeconds);
        line.put("reconnections", summary.get("connects").asInt() - CLIENTS);
        line.set("restarts", TestJson.toNode(restarts));
        line.set("summary", summary);
        Files.writeString(Path.of(file), TestJson.MAPPER.writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private int[] ports() {
        return nodes.stream().mapToInt(node -> node.port).toArray();
    }

    /** Publishes {@code tick room n} to the rooms in turn at a steady rate, counting per room what it sent. */
    private Thread startPublisher(Map<String, Integer> sent) {
        for (int r = 0; r < ROOMS; r++) {
            sent.put("room-" + r, 0);
        }
        publishing = true;
        Thread publisher = new Thread(() -> {
            long next = System.nanoTime();
            for (int tick = 0; publishing; tick++) {
                String room = "room-" + tick % ROOMS;
                int n = sent.get(room);
                publish(room, n);
                sent.put(room, n + 1);
                next += TICK_MICROS * 1_000;
                LockSupport.parkNanos(next - System.nanoTime());
            }
        }, "rolling-restart-publisher");
        publisher.start();
        return publisher;
    }

    private JsonNode status() {
        ObjectNode command = TestJson.MAPPER.createObjectNode();
        command.put("op", "status");
        clients.send(command);
        return clients.await(report -> "status".equals(report.path("type").asString()), WAIT, "a status");
    }

    /** Waits until every client is connected again, each to a node it knows, none to the one stopped. */
    private void awaitAllConnectedAwayFrom(String name, ForkedNode stopped) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode status = status();
        while (status.get("known").asInt() < CLIENTS || status.path("perNode").has(name)) {
            assertThat(System.nanoTime()).as("all clients back on the other nodes after " + name + " stopped: "
                    + status + "\n" + name + "'s log:\n" + stopped.log()).isLessThan(deadline);
            Thread.sleep(100);
            status = status();
        }
    }

    /** The warnings and errors the nodes logged. */
    private String warnings() {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, ForkedNode> node : started) {
            node.getValue().log().lines().filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                    .limit(20).forEach(line -> text.append("\n  ").append(node.getKey()).append(": ").append(line));
        }
        return text.isEmpty() ? "" : "\nthe nodes' warnings:" + text;
    }

    private static String stack(Thread thread) {
        StringBuilder text = new StringBuilder();
        for (StackTraceElement element : thread.getStackTrace()) {
            text.append("  at ").append(element).append('\n');
        }
        return text.toString();
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
