package dev.socketeer.adapter.redis;

import dev.socketeer.test.TestPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Sentinel set-up for one test class, from the {@code redis-server} binary: one master,
 * one replica and three sentinels (quorum 2) on free ports, with short failure detection
 * ({@code down-after-milliseconds 1000}) so that a failover takes a few seconds. Never the
 * machine's own Redis.
 */
final class RedisSentinelSet implements AutoCloseable {

    static final String MASTER_NAME = "socketeer";

    private static final String SERVER = System.getProperty("socketeer.test.redis", "/usr/bin/redis-server");
    private static final String CLI = Path.of(SERVER).resolveSibling("redis-cli").toString();

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final int masterPort;
    private final int replicaPort;
    private final List<Integer> sentinelPorts = new ArrayList<>();
    private Process master;

    private RedisSentinelSet() throws IOException {
        dir = Files.createTempDirectory("socketeer-sentinel");
        masterPort = TestPorts.free();
        replicaPort = TestPorts.free();
        master = server(masterPort);
        server(replicaPort, "--replicaof", "127.0.0.1", Integer.toString(masterPort));
        for (int i = 0; i < 3; i++) {
            int port = TestPorts.free();
            sentinelPorts.add(port);
            Path config = dir.resolve("sentinel-" + port + ".conf");
            Files.writeString(config, String.join("\n",
                    "port " + port,
                    "bind 127.0.0.1",
                    "protected-mode no",
                    "dir " + dir,
                    "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 2",
                    "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                    "sentinel failover-timeout " + MASTER_NAME + " 5000",
                    "sentinel parallel-syncs " + MASTER_NAME + " 1", ""), StandardCharsets.UTF_8);
            start(List.of(SERVER, config.toString(), "--sentinel"));
        }
    }

    /** Starts the set and waits until the sentinels know the replica and each other, ready to fail over. */
    static RedisSentinelSet start() throws IOException {
        RedisSentinelSet set = new RedisSentinelSet();
        try {
            set.awaitReady();
            return set;
        } catch (RuntimeException e) {
            set.close();
            throw e;
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            boolean ready = cli(replicaPort, "INFO", "replication").contains("master_link_status:up");
            for (int port : sentinelPorts) {
                ready &= count(cli(port, "SENTINEL", "replicas", MASTER_NAME), "name") == 1
                        && count(cli(port, "SENTINEL", "sentinels", MASTER_NAME), "name") == 2;
            }
            if (ready) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Redis Sentinel set did not get ready in 30 s");
            }
            sleep(200);
        }
    }

    /** {@code spring.data.redis.sentinel.*} for this set. */
    List<String> springProperties() {
        return List.of("spring.data.redis.sentinel.master=" + MASTER_NAME,
                "spring.data.redis.sentinel.nodes=" + sentinelNodes());
    }

    /** {@code 127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3}. */
    String sentinelNodes() {
        return sentinelPorts.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    /** The argument of {@code redis-cluster-node.mjs} that makes the Node server connect through the sentinels. */
    String nodeSpec() {
        return "sentinel:" + MASTER_NAME + ":" + sentinelPorts.stream().map(String::valueOf)
                .collect(Collectors.joining(","));
    }

    int masterPort() {
        return masterPort;
    }

    int replicaPort() {
        return replicaPort;
    }

    /** The master's port as the first sentinel answers it now. */
    int currentMasterPort() {
        String[] lines = cli(sentinelPorts.get(0), "SENTINEL", "get-master-addr-by-name", MASTER_NAME).trim().split("\n");
        return Integer.parseInt(lines[lines.length - 1].trim());
    }

    /** Kills the master abruptly (SIGKILL), as a crash would. */
    void killMaster() {
        master.destroyForcibly();
        try {
            master.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Process server(int port, String... extra) {
        List<String> command = new ArrayList<>(List.of(SERVER, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--protected-mode", "no", "--dir", dir.toString()));
        command.addAll(List.of(extra));
        Process process = start(command);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!RedisServer.notStartedOn(port).ping()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("redis-server did not start on port " + port);
            }
            sleep(20);
        }
        return process;
    }

    private Process start(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("log-" + processes.size() + ".txt").toFile()).start();
            processes.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String cli(int port, String... args) {
        List<String> command = new ArrayList<>(List.of(CLI, "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static int count(String text, String line) {
        return (int) text.lines().filter(line::equals).count();
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
        for (Process process : processes) {
            process.destroyForcibly();
        }
        for (Process process : processes) {
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
