package dev.socketeer.adapter.redis;

import dev.socketeer.test.TestPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster for one test class, from the {@code redis-server} binary: three masters and
 * three replicas on free ports ({@code --cluster-enabled yes}, made a cluster by
 * {@code redis-cli --cluster create ... --cluster-replicas 1}), with a short node timeout (1 s) so
 * that a replica takes over from a killed master within a few seconds. Never the machine's own Redis.
 *
 * <p>Each node's cluster bus gets a free port of its own ({@code --cluster-port}): the default, port + 10000,
 * would fall in the kernel's ephemeral range.
 */
final class RedisClusterSet implements AutoCloseable {

    private static final String SERVER = System.getProperty("socketeer.test.redis", "/usr/bin/redis-server");
    private static final String CLI = Path.of(SERVER).resolveSibling("redis-cli").toString();
    private static final Duration READY = Duration.ofSeconds(30);

    private final Path dir;
    /** The nodes by port, in start order; the process is gone once killed. */
    private final Map<Integer, Process> nodes = new LinkedHashMap<>();

    private RedisClusterSet() throws IOException {
        dir = Files.createTempDirectory("socketeer-redis-cluster");
    }

    /** Starts six nodes, makes them a cluster of three masters with one replica each, waits until it serves. */
    static RedisClusterSet start() throws IOException {
        RedisClusterSet cluster = new RedisClusterSet();
        try {
            for (int i = 0; i < 6; i++) {
                cluster.startNode();
            }
            List<String> create = new ArrayList<>(List.of(CLI, "--cluster", "create"));
            cluster.nodes.keySet().forEach(port -> create.add("127.0.0.1:" + port));
            create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            String out = run(create);
            if (!out.contains("[OK] All 16384 slots covered")) {
                throw new IllegalStateException("redis-cli --cluster create failed:\n" + out);
            }
            cluster.awaitReady();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void startNode() {
        // a port found free can still be taken before redis-server binds it: then it exits, and another pair is tried
        for (int attempt = 1; ; attempt++) {
            int port = TestPorts.free();
            int busPort = TestPorts.free();
            List<String> command = List.of(SERVER, "--port", Integer.toString(port),
                    "--cluster-port", Integer.toString(busPort), "--bind", "127.0.0.1", "--protected-mode", "no",
                    "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
                    "--cluster-node-timeout", "1000", "--cluster-replica-validity-factor", "0",
                    "--save", "", "--appendonly", "no", "--dir", dir.toString());
            Process process;
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("log-" + port + ".txt").toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (process.isAlive() && !RedisServer.notStartedOn(port).ping() && System.nanoTime() < deadline) {
                sleep(20);
            }
            if (process.isAlive() && RedisServer.notStartedOn(port).ping()) {
                nodes.put(port, process);
                return;
            }
            process.destroyForcibly();
            if (attempt == 3) {
                throw new IllegalStateException("redis-server (cluster node) did not start on port " + port);
            }
        }
    }

    /** Every node sees the cluster as ok with its six nodes, and every replica's link to its master is up. */
    private void awaitReady() {
        long deadline = System.nanoTime() + READY.toNanos();
        while (true) {
            boolean ready = true;
            for (int port : livePorts()) {
                ready &= cli(port, "CLUSTER", "INFO").contains("cluster_state:ok")
                        && cli(port, "CLUSTER", "NODES").lines().filter(line -> !line.isBlank()).count() == 6;
                String replication = cli(port, "INFO", "replication");
                ready &= replication.contains("role:master") || replication.contains("master_link_status:up");
            }
            if (ready) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Redis Cluster did not get ready in " + READY.toSeconds() + " s");
            }
            sleep(100);
        }
    }

    /** {@code spring.data.redis.cluster.nodes} for this cluster (all six nodes, as a user lists them). */
    List<String> springProperties() {
        return List.of("spring.data.redis.cluster.nodes=" + nodeAddresses());
    }

    /** {@code 127.0.0.1:p1,...,127.0.0.1:p6}. */
    String nodeAddresses() {
        return nodes.keySet().stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    /** The argument of {@code redis-cluster-node.mjs} that makes the Node server connect to this cluster. */
    String nodeSpec() {
        return "cluster:" + nodes.keySet().stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** The first node's port (an entry point; which role it has depends on redis-cli). */
    int anyPort() {
        return livePorts().get(0);
    }

    List<Integer> livePorts() {
        return nodes.entrySet().stream().filter(entry -> entry.getValue().isAlive()).map(Map.Entry::getKey).toList();
    }

    /** The port of the master serving {@code key}'s hash slot now, as a live node sees it. */
    int masterOf(String key) {
        int port = anyPort();
        int slot = Integer.parseInt(cli(port, "CLUSTER", "KEYSLOT", key).trim());
        for (String line : cli(port, "CLUSTER", "NODES").split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields.length < 9 || !fields[2].contains("master") || fields[2].contains("fail")) {
                continue;
            }
            for (int i = 8; i < fields.length; i++) {
                String[] range = fields[i].split("-");
                int from = Integer.parseInt(range[0]);
                int to = range.length == 1 ? from : Integer.parseInt(range[1]);
                if (slot >= from && slot <= to) {
                    return Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1, fields[1].indexOf('@')));
                }
            }
        }
        throw new IllegalStateException("no master serves slot " + slot + " of " + key);
    }

    /** The masters' ports, as a live node sees them now. */
    List<Integer> masters() {
        return withRole("master");
    }

    /** The replicas' ports, as a live node sees them now. */
    List<Integer> replicas() {
        return withRole("slave");
    }

    private List<Integer> withRole(String role) {
        List<Integer> ports = new ArrayList<>();
        for (String line : cli(anyPort(), "CLUSTER", "NODES").split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields.length >= 3 && fields[2].contains(role) && !fields[2].contains("fail")) {
                ports.add(Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1, fields[1].indexOf('@'))));
            }
        }
        return ports;
    }

    /** Kills the node on {@code port} abruptly (SIGKILL), as a crash would. */
    void kill(int port) {
        Process process = nodes.get(port);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether a live node sees the cluster as serving every slot again. */
    boolean isOk() {
        return livePorts().stream().allMatch(port -> cli(port, "CLUSTER", "INFO").contains("cluster_state:ok"));
    }

    /** Runs {@code redis-cli} against one node and returns what it printed. */
    static String cli(int port, String... args) {
        List<String> command = new ArrayList<>(List.of(CLI, "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        return run(command);
    }

    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        nodes.values().forEach(Process::destroyForcibly);
        for (Process process : nodes.values()) {
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind
        }
    }
}
