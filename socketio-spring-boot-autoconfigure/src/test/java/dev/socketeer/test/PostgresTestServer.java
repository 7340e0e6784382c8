package dev.socketeer.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server for one test class: {@code initdb} in a temp directory, then {@code postgres} on a
 * free port of 127.0.0.1 (unix socket in the data directory, {@code trust} authentication, user {@code postgres},
 * database {@code postgres}). Never touches the machine's own service.
 * <p>
 * Binaries: {@code -Dsocketeer.test.pgBin=/dir} or {@code PG_BIN}, else the newest {@code /usr/lib/postgresql/N/bin},
 * else {@code /usr/local/bin}, else the {@code PATH}. PostgreSQL refuses to run as root: when the test JVM is root
 * (CI), the data directory is given to the {@code postgres} system user (created by Debian's {@code postgresql}
 * package) and both programs run through {@code runuser -u postgres --}.
 * <p>
 * {@link #stop()} kills the server (fast shutdown, every client connection dropped) and {@link #start()} brings it
 * back on the same port with the same data, for restart tests.
 */
public final class PostgresTestServer implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final Path binDir;
    private final Path dataDir;
    private final int port;
    private final boolean asRoot;
    private final StringBuilder log = new StringBuilder();
    private Process process;

    private PostgresTestServer(Path binDir, Path dataDir, int port, boolean asRoot) {
        this.binDir = binDir;
        this.dataDir = dataDir;
        this.port = port;
        this.asRoot = asRoot;
    }

    /** Creates a cluster in a temp directory and starts it on a free port. */
    public static PostgresTestServer start(String name) {
        Path bin = binDir();
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Path data = Files.createTempDirectory("socketeer-pg-" + name + "-");
            if (root) {
                UserPrincipal postgres = data.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName("postgres");
                Files.setOwner(data, postgres);
            }
            PostgresTestServer server = new PostgresTestServer(bin, data, freePort(), root);
            server.run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"), Duration.ofSeconds(90));
            server.start();
            return server;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot create the PostgreSQL test cluster (is there a 'postgres' user? "
                    + "install Debian's 'postgresql' package)", ex);
        }
    }

    /** Starts (or restarts) the server and waits until it accepts connections. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = command(List.of(binDir.resolve("postgres").toString(), "-D", dataDir.toString(),
                "-p", Integer.toString(port), "-k", dataDir.toString(), "-c", "listen_addresses=127.0.0.1",
                "-c", "fsync=off", "-c", "max_connections=50", "-c", "log_min_messages=warning"));
        try {
            process = new ProcessBuilder(command).directory(dataDir.toFile()).redirectErrorStream(true).start();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot start " + command, ex);
        }
        Process started = process;
        Object ready = new Object();
        boolean[] isReady = { false };
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    synchronized (log) {
                        log.append(line).append('\n');
                    }
                    if (line.contains("ready to accept connections")) {
                        synchronized (ready) {
                            isReady[0] = true;
                            ready.notifyAll();
                        }
                    }
                }
            }
            catch (IOException ignored) {
                // the process ended
            }
            synchronized (ready) {
                ready.notifyAll();
            }
        }, "postgres-log-" + port);
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        synchronized (ready) {
            while (!isReady[0]) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !started.isAlive()) {
                    throw new AssertionError("PostgreSQL did not become ready on port " + port + ":\n" + log());
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(ready, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(ex);
                }
            }
        }
    }

    /** Stops the server at once (SIGINT: fast shutdown, clients disconnected), keeping the data. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        // runuser forwards SIGINT to postgres; postgres then ends its backends and exits
        process.toHandle().descendants().forEach(child -> signal(child.pid(), "INT"));
        signal(process.pid(), "INT");
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /**
     * Stops every process of the server (SIGSTOP): connections stay open and no query is answered, as
     * a stalled database.
     */
    public synchronized void pause() {
        process.toHandle().descendants().forEach(child -> signal(child.pid(), "STOP"));
    }

    /** Lets a paused server run again (SIGCONT). */
    public synchronized void resume() {
        process.toHandle().descendants().forEach(child -> signal(child.pid(), "CONT"));
    }

    private static void signal(long pid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor(5, TimeUnit.SECONDS);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    /** {@code r2dbc:postgresql://127.0.0.1:<port>/postgres}. */
    public String r2dbcUrl() {
        return "r2dbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** {@code postgres://postgres@127.0.0.1:<port>/postgres}, for node-postgres. */
    public String nodeUrl() {
        return "postgres://postgres@127.0.0.1:" + port + "/postgres";
    }

    /** Runs SQL through {@code psql} and returns its unaligned, tuples-only output. */
    public String psql(String sql) {
        Path psql = binDir.resolve("psql");
        if (!Files.isExecutable(psql)) {
            psql = Paths.get("psql");
        }
        return run(List.of(psql.toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres",
                "-d", "postgres", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql), Duration.ofSeconds(30))
                .strip();
    }

    /** The server's log so far. */
    public String log() {
        synchronized (log) {
            return log.toString();
        }
    }

    @Override
    public synchronized void close() {
        stop();
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    private List<String> command(List<String> command) {
        if (!asRoot) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private String run(List<String> command, Duration timeout) {
        List<String> full = command(command);
        try {
            // in the data directory, which the postgres user owns: psql run as that user from a working directory
            // it cannot enter (a clone in a private 0700 directory, tests run as root) fails before connecting
            Process p = new ProcessBuilder(full).directory(dataDir.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("Timed out: " + full);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", full) + " failed (" + p.exitValue() + "):\n" + text);
            }
            return text;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot run " + full, ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    private static Path binDir() {
        String configured = System.getProperty("socketeer.test.pgBin", System.getenv("PG_BIN"));
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured);
        }
        Path lib = Paths.get("/usr/lib/postgresql");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> versions = Files.list(lib)) {
                Path newest = versions.filter(v -> Files.isExecutable(v.resolve("bin/postgres")))
                        .max(Comparator.comparingInt(PostgresTestServer::version)).orElse(null);
                if (newest != null) {
                    return newest.resolve("bin");
                }
            }
            catch (IOException ignored) {
                // fall through
            }
        }
        if (Files.isExecutable(Paths.get("/usr/local/bin/postgres"))) {
            return Paths.get("/usr/local/bin");
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Paths.get(dir, "postgres"))) {
                return Paths.get(dir);
            }
        }
        throw new AssertionError("No PostgreSQL binaries found (initdb, postgres): install Debian's 'postgresql'"
                + " package (.ci/run does) or set -Dsocketeer.test.pgBin");
    }

    private static int version(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString());
        }
        catch (NumberFormatException ex) {
            return 0;
        }
    }

    private static int freePort() {
        return TestPorts.free();
    }
}
