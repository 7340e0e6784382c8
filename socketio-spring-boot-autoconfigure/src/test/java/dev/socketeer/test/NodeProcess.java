package dev.socketeer.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Node.js script from the harness folder, talking JSON lines: commands go to its stdin, reports come from its
 * stdout. Reports are kept in arrival order; each {@code await} consumes the first unconsumed report that matches,
 * so awaiting the same kind of report twice returns two different reports. Failures carry the script's stderr and
 * the reports seen so far.
 * <p>
 * Closing stdin asks the script to exit; {@link #close()} does that and then destroys the process if it lingers.
 */
public final class NodeProcess implements AutoCloseable {

    private static final int STDERR_LIMIT = 64 * 1024;

    private final String script;
    private final Process process;
    private final OutputStream stdin;
    private final Thread stdoutReader;
    private final Thread stderrReader;
    private final List<JsonNode> history = new ArrayList<>();
    private final List<JsonNode> pending = new ArrayList<>();
    private final StringBuilder stderr = new StringBuilder();
    private boolean stdoutClosed;

    private NodeProcess(String script, Process process) {
        this.script = script;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.stdoutReader = daemon("node-stdout-" + script, this::readStdout);
        this.stderrReader = daemon("node-stderr-" + script, this::readStderr);
        stdoutReader.start();
        stderrReader.start();
    }

    /**
     * Starts {@code node <script> <args...>} in the harness folder.
     *
     * @param script file name inside {@link NodeEnvironment#scriptsDir()}, e.g. {@code client-driver.mjs}
     */
    public static NodeProcess start(String script, String... args) {
        List<String> command = new ArrayList<>();
        command.add(NodeEnvironment.nodeExecutable());
        command.add(script);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(NodeEnvironment.scriptsDir().toFile());
        try {
            return new NodeProcess(script, builder.start());
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot start '" + String.join(" ", command) + "'; is Node.js >= 18 on the "
                    + "PATH? (set -Dsocketeer.test.node=/path/to/node otherwise)", ex);
        }
    }

    /** Sends one command line. */
    public void send(JsonNode command) {
        byte[] line = (TestJson.MAPPER.writeValueAsString(command) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            synchronized (stdin) {
                stdin.write(line);
                stdin.flush();
            }
        }
        catch (IOException ex) {
            throw new AssertionError("Cannot send " + command + " to " + script + ": " + ex.getMessage()
                    + describeState(), ex);
        }
    }

    /**
     * Waits for the first unconsumed report matching {@code condition}, consumes and returns it.
     *
     * @param description what is awaited, for the failure message
     * @throws AssertionError on timeout, when the script exited, or when it reported an unexpected error
     */
    public JsonNode await(Predicate<JsonNode> condition, Duration timeout, String description) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                for (int i = 0; i < pending.size(); i++) {
                    JsonNode report = pending.get(i);
                    if (condition.test(report)) {
                        pending.remove(i);
                        return report;
                    }
                }
                JsonNode error = pending.stream().filter(r -> "error".equals(r.path("type").asString(""))).findFirst()
                        .orElse(null);
                if (error != null) {
                    pending.remove(error);
                    throw new AssertionError(script + " reported an error while awaiting " + description + ": "
                            + error + describeState());
                }
                if (stdoutClosed) {
                    throw new AssertionError(script + " ended while awaiting " + description + describeState());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("Timed out after " + timeout.toMillis() + " ms awaiting " + description
                            + describeState());
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("Interrupted awaiting " + description, ex);
                }
            }
        }
    }

    /**
     * Watches for {@code during}, then fails if a report matching {@code condition} arrived (or was pending).
     * Use sparingly: it always takes the whole duration.
     */
    public void assertNone(Predicate<JsonNode> condition, Duration during, String description) {
        long deadline = System.nanoTime() + during.toNanos();
        synchronized (this) {
            while (true) {
                JsonNode match = pending.stream().filter(condition).findFirst().orElse(null);
                if (match != null) {
                    throw new AssertionError("Expected no " + description + " but got " + match + describeState());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || stdoutClosed) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("Interrupted watching for " + description, ex);
                }
            }
        }
    }

    /** Every report received so far, consumed or not, in arrival order. */
    public synchronized List<JsonNode> history() {
        return List.copyOf(history);
    }

    /** What the script wrote to stderr so far (the last 64 KB). */
    public String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    /** Whether the process still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The process id, for diagnostics. */
    public long pid() {
        return process.pid();
    }

    /** Closes stdin (the script's signal to exit), waits up to five seconds, then destroys the process. */
    @Override
    public void close() {
        try {
            stdin.close();
        }
        catch (IOException ignored) {
            // the process is gone already
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
                }
            }
            stdoutReader.join(2000);
            stderrReader.join(2000);
        }
        catch (InterruptedException ex) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A compact object node to build commands with. */
    static ObjectNode command(String op) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("op", op);
        return node;
    }

    String describeState() {
        StringBuilder out = new StringBuilder();
        synchronized (this) {
            out.append("\n--- ").append(script).append(" (pid ").append(process.pid()).append(process.isAlive()
                    ? ", running" : ", exited " + process.exitValue()).append(")");
            out.append("\n--- unconsumed reports (").append(pending.size()).append("):");
            pending.stream().limit(50).forEach(r -> out.append("\n  ").append(abbreviate(r)));
            out.append("\n--- last reports:");
            history.stream().skip(Math.max(0, history.size() - 30)).forEach(r -> out.append("\n  ").append(abbreviate(r)));
        }
        String err = stderr();
        out.append("\n--- stderr:").append(err.isEmpty() ? " (empty)" : "\n" + err);
        return out.toString();
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    private static String abbreviate(JsonNode report) {
        String text = Objects.toString(report);
        return text.length() > 500 ? text.substring(0, 500) + "…" : text;
    }

    private void readStdout() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode report;
                try {
                    report = TestJson.parseLine(line);
                }
                catch (RuntimeException notJson) {
                    ObjectNode raw = JsonNodeFactory.instance.objectNode();
                    raw.put("type", "raw");
                    raw.put("line", line);
                    report = raw;
                }
                synchronized (this) {
                    history.add(report);
                    pending.add(report);
                    notifyAll();
                }
            }
        }
        catch (IOException ignored) {
            // stream closed with the process
        }
        finally {
            synchronized (this) {
                stdoutClosed = true;
                notifyAll();
            }
        }
    }

    private void readStderr() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (stderr) {
                    stderr.append(line).append('\n');
                    if (stderr.length() > STDERR_LIMIT) {
                        stderr.delete(0, stderr.length() - STDERR_LIMIT);
                    }
                }
            }
        }
        catch (IOException ignored) {
            // stream closed with the process
        }
    }
}
