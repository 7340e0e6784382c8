package dev.socketeer.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a headless-Chromium script of {@code src/test/js} against {@link ThreeNodes} and answers its questions, one
 * line each on its stdout, in order, on its stdin: {@code [e2e] where <namespace> <socket id>} with the node that
 * holds the socket ({@code node1}…{@code node3}, or {@code none}); {@code [e2e] stop node<n>} with {@code stopped}
 * once that node is closed; {@code [e2e] restart node<n>} with {@code restarted} once it is serving again on its
 * port. With {@code -Dsocketeer.test.screenshots=<dir>}, the script gets {@code SCREENSHOTS=<dir>} (made absolute:
 * the script runs in {@code src/test/js}) and writes its screenshots there.
 */
final class BrowserScript {

    static final Path CHROMIUM = Path.of(System.getProperty("socketeer.test.chromium", "/usr/bin/chromium"));
    static final Path JS = Path.of(System.getProperty("socketeer.test.jsDir", "src/test/js"));

    private BrowserScript() {
    }

    /**
     * Runs {@code node <script> <args…>}, asserts that it ended within the timeout with exit code 0, and returns its
     * output (also printed, for the test report). {@code context} adds to a failure message (a balancer's log).
     */
    static String run(String script, List<String> args, ThreeNodes nodes, Duration timeout, Supplier<String> context)
            throws Exception {
        assertThat(Files.isExecutable(CHROMIUM))
                .as("%s not found: apt-get install chromium, or set -Dsocketeer.test.chromium", CHROMIUM).isTrue();
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(JS.toFile()).redirectErrorStream(true);
        String screenshots = System.getProperty("socketeer.test.screenshots");
        if (screenshots != null) {
            builder.environment().put("SCREENSHOTS", Path.of(screenshots).toAbsolutePath().toString());
        }
        System.out.printf("[test] %s starts %.1f s after the test JVM%n", script,
                ManagementFactory.getRuntimeMXBean().getUptime() / 1e3);
        Process process = builder.start();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> relay(process, nodes, output), script + "-output");
        reader.start();
        boolean finished = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(30_000);
        String text;
        synchronized (output) {
            text = output.toString();
        }
        System.out.print(text);
        assertThat(finished).as("%s finished within %s; output:%n%s%n%s", script, timeout, text, context.get())
                .isTrue();
        assertThat(process.exitValue()).as("%s exit code; output:%n%s%n%s", script, text, context.get()).isZero();
        return text;
    }

    private static void relay(Process process, ThreeNodes nodes, StringBuilder output) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            OutputStream answers = process.getOutputStream();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                synchronized (output) {
                    output.append(line).append('\n');
                }
                String answer;
                long asked = System.nanoTime();
                try {
                    answer = answer(line, nodes);
                } catch (RuntimeException e) {
                    // the script fails on an answer it did not expect, with the cause in its output
                    answer = ("failed: " + e).replaceAll("\\s+", " ");
                }
                if (answer != null) {
                    synchronized (output) {
                        output.append("[test] ").append(answer).append(String.format(" (%.1f s)%n",
                                (System.nanoTime() - asked) / 1e9));
                    }
                    answers.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
                    answers.flush();
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private static String answer(String line, ThreeNodes nodes) {
        if (line.startsWith("[e2e] where ")) {
            String[] words = line.substring("[e2e] where ".length()).trim().split(" ");
            return nodes.where(words[0], words[1]);
        }
        if (line.startsWith("[e2e] stop node")) {
            nodes.stop(index(line, "[e2e] stop node"));
            return "stopped";
        }
        if (line.startsWith("[e2e] restart node")) {
            nodes.restart(index(line, "[e2e] restart node"));
            return "restarted";
        }
        return null;
    }

    private static int index(String line, String prefix) {
        return Integer.parseInt(line.substring(prefix.length()).trim()) - 1;
    }
}
