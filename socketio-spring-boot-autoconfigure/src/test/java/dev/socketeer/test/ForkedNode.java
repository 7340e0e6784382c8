package dev.socketeer.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A test node in a JVM of its own, so that a test can crash it for real: {@link #kill()} is a SIGKILL, no shutdown
 * hook runs, its connections drop as the kernel closes them. {@link #stop(Duration)} is a SIGTERM, as a rolling
 * restart sends: the node's shutdown hooks run (Spring closes its context). The child is any class on the test class
 * path whose {@code main} starts a node, then calls {@link #serving(int)} and {@link #liveUntilStdinCloses()}, or any
 * other program that does the same ({@link #start(String, ProcessBuilder)}).
 */
public final class ForkedNode implements AutoCloseable {

    private static final String PORT_LINE = "NODE-PORT=";
    private static final int LOG_LINES = 200;

    /** The HTTP port the node serves on. */
    public final int port;
    private final Process process;
    private final ArrayDeque<String> log;

    private ForkedNode(int port, Process process, ArrayDeque<String> log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code mainClass} with {@code args} in a new JVM on the test class path, and waits until it serves. */
    public static ForkedNode start(Class<?> mainClass, String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        // no quiet period when Reactor Netty's loops shut down (2 s by default): a stopped node exits at once
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dreactor.netty.ioShutdownQuietPeriod=0", "-cp",
                System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(Arrays.asList(args));
        return start(mainClass.getSimpleName() + (args.length > 0 ? " " + args[0] : ""), new ProcessBuilder(command));
    }

    /**
     * Starts any other program that follows the same contract (prints {@code NODE-PORT=<port>} once it serves, stops
     * on SIGTERM, exits when its stdin closes), e.g. a Node.js server, and waits until it serves.
     *
     * @param name for the failure message
     */
    public static ForkedNode start(String name, ProcessBuilder builder) {
        Process process;
        try {
            process = builder.redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
        CompletableFuture<Integer> port = new CompletableFuture<>();
        StringBuilder output = new StringBuilder();
        ArrayDeque<String> log = new ArrayDeque<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith(PORT_LINE)) {
                        port.complete(Integer.parseInt(line.substring(PORT_LINE.length()).strip()));
                    } else if (!port.isDone()) {
                        output.append(line).append('\n');
                    } else {
                        synchronized (log) {
                            if (log.size() == LOG_LINES) {
                                log.removeFirst();
                            }
                            log.addLast(line);
                        }
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
            port.completeExceptionally(new IllegalStateException(name + " exited before serving:\n" + output));
        }, "forked-node-" + name);
        reader.setDaemon(true);
        reader.start();
        try {
            return new ForkedNode(port.get(90, TimeUnit.SECONDS), process, log);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("could not start " + name, e);
        }
    }

    /** SIGKILL: the node vanishes without a word, as in a crash or an out-of-memory kill. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGTERM, and waits until the JVM has exited (SIGKILL after {@code timeout}): a graceful stop, its shutdown hooks
     * run. Returns whether it exited by itself.
     */
    public boolean stop(Duration timeout) {
        process.destroy();
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
        return false;
    }

    /** The last lines the node wrote once serving (its log), for failure messages. */
    public String log() {
        synchronized (log) {
            return String.join("\n", log);
        }
    }

    @Override
    public void close() {
        kill();
    }

    /** Called by the child once it serves: tells the test its port. */
    public static void serving(int port) {
        System.out.println(PORT_LINE + port);
        System.out.flush();
    }

    /** Called by the child: returns when the test's end of the pipe closes (the test JVM ended). */
    public static void liveUntilStdinCloses() throws IOException {
        while (System.in.read() >= 0) {
            // nothing to read but the end
        }
    }
}
