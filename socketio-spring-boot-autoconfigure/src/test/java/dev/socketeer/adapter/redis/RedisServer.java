package dev.socketeer.adapter.redis;

import dev.socketeer.test.TestPorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} on a free port for one test class (never the machine's own Redis):
 * no persistence (unless {@link #startWithSnapshot()}), killable and restartable on the same port.
 */
public final class RedisServer implements AutoCloseable {

    private static final String EXECUTABLE = System.getProperty("socketeer.test.redis", "/usr/bin/redis-server");

    private final int port;
    /** Where {@link #stopSaving()} writes its snapshot and {@link #restart()} loads it from; null: no persistence. */
    private final Path dataDir;
    private Process process;

    private RedisServer(int port) {
        this(port, null);
    }

    private RedisServer(int port, Path dataDir) {
        this.port = port;
        this.dataDir = dataDir;
    }

    public static RedisServer start() {
        return start(null);
    }

    /**
     * A server whose data survives {@link #stopSaving()} then {@link #restart()} (a snapshot in a temporary
     * directory, written only then): a Redis restarted on the same port, as in a deployment with persistence.
     */
    public static RedisServer startWithSnapshot() {
        try {
            Path dir = Files.createTempDirectory("redis-snapshot");
            dir.toFile().deleteOnExit();
            return start(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RedisServer start(Path dataDir) {
        // a port found free can still be taken before redis-server binds it (then it exits at once): another port
        for (int attempt = 1; ; attempt++) {
            RedisServer server = new RedisServer(TestPorts.free(), dataDir);
            try {
                server.restart();
                return server;
            } catch (IllegalStateException notStarted) {
                server.close();
                if (attempt == 3 || server.process == null || server.process.isAlive()) {
                    throw notStarted;
                }
            }
        }
    }

    /** A server for this port, not started yet: {@link #restart()} starts it (for a Redis that comes up late). */
    public static RedisServer notStartedOn(int port) {
        return new RedisServer(port);
    }

    public int port() {
        return port;
    }

    /** Starts (again) on the same port and waits until it answers PING. */
    public void restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("redis-server is already running on port " + port);
        }
        if (!Files.isExecutable(Path.of(EXECUTABLE))) {
            throw new IllegalStateException(EXECUTABLE + " not found: install redis-server (apt-get install redis-server)"
                    + " or set -Dsocketeer.test.redis");
        }
        List<String> command = new java.util.ArrayList<>(List.of(EXECUTABLE, "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"));
        if (dataDir != null) {
            command.addAll(List.of("--dir", dataDir.toString(), "--dbfilename", "dump-" + port + ".rdb"));
        }
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!ping()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("redis-server did not start on port " + port);
            }
            Thread.onSpinWait();
        }
    }

    /** Kills the server abruptly, as a crash would (a paused one too). */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the server as an operator would ({@code SHUTDOWN SAVE}: a snapshot, then connections closed and the
     * process gone); {@link #restart()} brings it back with its data. Needs {@link #startWithSnapshot()}.
     */
    public void stopSaving() {
        if (dataDir == null) {
            throw new IllegalStateException("started without a snapshot directory");
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.getOutputStream().write("SHUTDOWN SAVE\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.setSoTimeout(10_000);
            socket.getInputStream().read(); // the server closes the connection as it exits
        } catch (IOException e) {
            // the connection closed under the read: the server is going
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " did not shut down");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the process (SIGSTOP): connections stay open and nothing is answered, as a stalled server. */
    public void pause() {
        signal("STOP");
    }

    /** Lets a paused process run again (SIGCONT); nothing when it is not running. */
    public void resume() {
        if (process != null && process.isAlive()) {
            signal("CONT");
        }
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Subscribers of a shard channel ({@code PUBSUB SHARDNUMSUB}), or -1 when the server does not answer. */
    public long shardSubscribers(String channel) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(1000);
            byte[] name = channel.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("*3\r\n$6\r\nPUBSUB\r\n$11\r\nSHARDNUMSUB\r\n$" + name.length + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(name);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // *2 $<n> <channel> :<count>
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith(":")) {
                    return Long.parseLong(line.substring(1));
                }
            }
            return -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    public boolean ping() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            int read = in.read(reply);
            return read > 0 && new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (process != null) {
            kill();
        }
    }
}
