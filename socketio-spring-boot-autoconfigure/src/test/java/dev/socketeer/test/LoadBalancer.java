package dev.socketeer.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real nginx or HAProxy (Debian's packages) in front of test nodes, on a free port of 127.0.0.1, run from the
 * repository's own {@code deploy/} files: only the listen port, the three node addresses and the chosen balancing
 * (nginx: the {@code hash} line of the upstream; HAProxy: {@code default_backend}) are replaced. nginx gets a minimal
 * main configuration around the include, with its pid, logs and temp directories in a temp directory; both run in
 * the foreground as the current user (nginx's workers too when that user is root). The access log says which
 * status each request got.
 */
public final class LoadBalancer implements AutoCloseable {

    /** The nginx upstream's balancing line as shipped in {@code deploy/nginx/socketio.conf}. */
    public static final String NGINX_HASH = "hash $remote_addr consistent;";

    private static final List<String> NODE_ADDRESSES = List.of("10.0.0.11:8080", "10.0.0.12:8080", "10.0.0.13:8080");
    private static final Pattern HAPROXY_STATUS = Pattern.compile(" -?\\d+/-?\\d+/-?\\d+/-?\\d+/\\+?-?\\d+ (-?\\d+) ");

    private final String name;
    private final Process process;
    private final Path dir;
    private final Path accessLog;
    private final int port;
    private final boolean haproxy;

    private LoadBalancer(String name, Process process, Path dir, Path accessLog, int port, boolean haproxy) {
        this.name = name;
        this.process = process;
        this.dir = dir;
        this.accessLog = accessLog;
        this.port = port;
        this.haproxy = haproxy;
    }

    /**
     * nginx with {@code deploy/nginx/socketio.conf}, its balancing line replaced by {@code balancing} (e.g.
     * {@code "ip_hash;"}, or {@code ""} for round robin).
     */
    public static LoadBalancer nginx(String balancing, List<Integer> nodePorts) {
        String include = replaceNodes(read("nginx/socketio.conf"), nodePorts);
        include = replaceOnce(include, NGINX_HASH, balancing);
        int port = TestPorts.free();
        include = replaceOnce(include, "    listen 80;\n", "    listen 127.0.0.1:" + port + ";\n");
        Path dir = tempDir("nginx");
        Path accessLog = dir.resolve("access.log");
        boolean root = "root".equals(System.getProperty("user.name"));
        String main = (root ? "user root root;\n" : "")
                + "pid " + dir.resolve("nginx.pid") + ";\n"
                + "error_log " + dir.resolve("error.log") + " warn;\n"
                + "worker_processes 1;\n"
                + "events { worker_connections 8192; }\n"
                + "http {\n"
                + "    log_format balancer '$status $upstream_addr $msec $request_time \"$request\"';\n"
                + "    access_log " + accessLog + " balancer;\n"
                + "    client_body_temp_path " + dir.resolve("client_body") + ";\n"
                + "    proxy_temp_path " + dir.resolve("proxy") + ";\n"
                + "    fastcgi_temp_path " + dir.resolve("fastcgi") + ";\n"
                + "    uwsgi_temp_path " + dir.resolve("uwsgi") + ";\n"
                + "    scgi_temp_path " + dir.resolve("scgi") + ";\n"
                + "    include " + write(dir.resolve("socketio.conf"), include) + ";\n"
                + "}\n";
        Path conf = write(dir.resolve("nginx.conf"), main);
        return start("nginx (" + (balancing.isEmpty() ? "round robin" : balancing) + ")",
                List.of(executable("nginx"), "-p", dir.toString(), "-c", conf.toString(), "-e",
                        dir.resolve("error.log").toString(), "-g", "daemon off;"),
                dir, accessLog, port, false);
    }

    /** HAProxy with {@code deploy/haproxy/haproxy.cfg}, serving the backend named (e.g. {@code socketio_source}). */
    public static LoadBalancer haproxy(String backend, List<Integer> nodePorts) {
        String cfg = replaceNodes(read("haproxy/haproxy.cfg"), nodePorts);
        if (!cfg.contains("\nbackend " + backend + "\n")) {
            throw new IllegalArgumentException("deploy/haproxy/haproxy.cfg has no backend " + backend);
        }
        cfg = replaceOnce(cfg, "default_backend socketio_cookie", "default_backend " + backend);
        int port = TestPorts.free();
        cfg = replaceOnce(cfg, "    bind :80\n", "    bind 127.0.0.1:" + port + "\n");
        Path dir = tempDir("haproxy");
        Path conf = write(dir.resolve("haproxy.cfg"), cfg);
        // `log stdout`: the access log is the process's output
        return start("haproxy (" + backend + ")", List.of(executable("haproxy"), "-db", "-f", conf.toString()), dir,
                dir.resolve("access.log"), port, true);
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    /** How many requests got each status so far (WebSocket tunnels are logged when they close). */
    public Map<Integer, Integer> statuses() {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (String line : accessLogLines()) {
            Integer status = status(line);
            if (status != null) {
                counts.merge(status, 1, Integer::sum);
            }
        }
        return counts;
    }

    /** The balancer's own messages (nginx's error log, HAProxy's alerts and warnings), for failure reports. */
    public String errors() {
        try {
            Path log = dir.resolve(haproxy ? "access.log" : "error.log");
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(line -> !haproxy || status(line) == null).limit(50)
                    .collect(java.util.stream.Collectors.joining("\n")) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * The access log lines with this status. HAProxy's lines for connections that the client closed before sending
     * a whole request ({@code <BADREQ>}, termination state {@code CR}) are left out: they logged a 400 nobody read.
     */
    public List<String> linesWithStatus(int status) {
        return accessLogLines().stream().filter(line -> Integer.valueOf(status).equals(status(line)))
                .filter(line -> !(haproxy && line.contains(" CR-- ") && line.endsWith("\"<BADREQ>\"")))
                .toList();
    }

    private Integer status(String line) {
        if (haproxy) {
            Matcher matcher = HAPROXY_STATUS.matcher(line);
            return matcher.find() ? Integer.valueOf(matcher.group(1)) : null;
        }
        int space = line.indexOf(' ');
        try {
            return space > 0 ? Integer.valueOf(line.substring(0, space)) : null;
        } catch (NumberFormatException notAStatus) {
            return null;
        }
    }

    private List<String> accessLogLines() {
        try {
            return Files.exists(accessLog) ? Files.readAllLines(accessLog, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name + " on " + url();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind
        }
    }

    private static LoadBalancer start(String name, List<String> command, Path dir, Path accessLog, int port,
            boolean haproxy) {
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            builder.redirectOutput(haproxy ? accessLog.toFile() : dir.resolve("stdout.log").toFile());
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!accepts(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException(name + " did not start on port " + port + ": " + logs(dir));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        // a test JVM that ends without closing it (a crash, a timeout) must not leave it running
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "stop-" + name));
        return new LoadBalancer(name, process, dir, accessLog, port, haproxy);
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String logs(Path dir) {
        StringBuilder text = new StringBuilder();
        for (String file : List.of("stdout.log", "error.log", "access.log")) {
            try {
                Path path = dir.resolve(file);
                if (Files.exists(path)) {
                    text.append('\n').append(file).append(":\n").append(Files.readString(path));
                }
            } catch (IOException e) {
                text.append('\n').append(file).append(": ").append(e);
            }
        }
        return text.toString();
    }

    private static String replaceNodes(String config, List<Integer> nodePorts) {
        if (nodePorts.size() != NODE_ADDRESSES.size()) {
            throw new IllegalArgumentException("the deploy/ files list " + NODE_ADDRESSES.size() + " nodes");
        }
        for (int i = 0; i < nodePorts.size(); i++) {
            if (!config.contains(NODE_ADDRESSES.get(i))) {
                throw new IllegalStateException("deploy/ file without node address " + NODE_ADDRESSES.get(i));
            }
            config = config.replace(NODE_ADDRESSES.get(i), "127.0.0.1:" + nodePorts.get(i));
        }
        return config;
    }

    private static String replaceOnce(String config, String line, String replacement) {
        int at = config.indexOf(line);
        if (at < 0 || config.indexOf(line, at + 1) >= 0) {
            throw new IllegalStateException("expected exactly one '" + line + "' in the deploy/ file");
        }
        return config.replace(line, replacement);
    }

    /** The repository's {@code deploy/} folder: {@code -Dsocketeer.test.deployDir}, or found above the working dir. */
    static Path deployDir() {
        String configured = System.getProperty("socketeer.test.deployDir");
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy/nginx/socketio.conf"))) {
                return dir.resolve("deploy");
            }
        }
        throw new IllegalStateException("cannot find deploy/nginx/socketio.conf above " + Path.of("").toAbsolutePath()
                + "; set -Dsocketeer.test.deployDir=<repository>/deploy");
    }

    private static String read(String file) {
        try {
            return Files.readString(deployDir().resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path path, String text) {
        try {
            return Files.writeString(path, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory("socketeer-" + prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String executable(String program) {
        String configured = System.getProperty("socketeer.test." + program);
        if (configured != null) {
            return configured;
        }
        for (String dir : List.of("/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return Path.of(dir, program).toString();
            }
        }
        List<String> path = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        for (String dir : path) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Path.of(dir, program).toString();
            }
        }
        throw new IllegalStateException(program + " not found: install it (apt-get install " + program
                + "; .ci/run does) or set -Dsocketeer.test." + program);
    }
}
