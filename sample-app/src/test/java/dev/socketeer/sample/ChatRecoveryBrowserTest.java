package dev.socketeer.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.adapter.redis.RedisServer;
import dev.socketeer.server.SocketIoServer;
import dev.socketeer.test.LoadBalancer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The chat tutorial's last step ("scaling horizontally", with its connection state recovery) end to end in headless
 * Chromium ({@code src/test/js/chat-recovery-e2e.mjs}): the sample chat on three nodes with profile {@code streams}
 * (the Redis adapter in streams mode, recovery on) sharing a test-started {@code redis-server}, behind a real
 * balancer run from the repository's {@code deploy/} files. alice's node is stopped mid-conversation, the others
 * write while she is away, and her page recovers through the balancer on another node: same socket id, the missed
 * messages, every page showing every message exactly once.
 *
 * <p>Two balancers: HAProxy sticky by its inserted cookie (what the browsers of one machine need: nginx's
 * {@code hash $remote_addr} would put them all on one node), and nginx round robin with
 * {@code socketio.cluster.sticky-sessions=false} on the nodes (no cookie, no hash: the nodes serve each other's
 * long-polling requests), which spreads the browsers of one machine over every node.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ChatRecoveryBrowserTest {

    private static final Path CHROMIUM = Path.of(System.getProperty("socketeer.test.chromium", "/usr/bin/chromium"));
    private static final Path JS = Path.of(System.getProperty("socketeer.test.jsDir", "src/test/js"));
    /** The nodes share the key that signs chat tokens: a page signs in on one node and may recover on another. */
    private static final String SECRET = "chat-recovery-browser-test-secret-0123456789";

    @Test
    void threeNodesBehindHaproxyAndANodeStoppedMidConversation() throws Exception {
        String output = run(ports -> LoadBalancer.haproxy("socketio_cookie", ports), "HAProxy (inserted cookie)");
        assertThat(output).contains("alice recovered through HAProxy");
    }

    @Test
    void threeNodesBehindRoundRobinNginxWithoutStickySessions() throws Exception {
        String output = run(ports -> LoadBalancer.nginx("", ports), "nginx (round robin)",
                "--socketio.cluster.sticky-sessions=false");
        assertThat(output).contains("alice recovered through nginx");
    }

    private static String run(Function<List<Integer>, LoadBalancer> balancer, String name, String... extraArgs)
            throws Exception {
        assertThat(Files.isExecutable(CHROMIUM))
                .as("%s not found: apt-get install chromium, or set -Dsocketeer.test.chromium", CHROMIUM).isTrue();
        try (RedisServer redis = RedisServer.start()) {
            List<ConfigurableApplicationContext> nodes = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    List<String> args = new ArrayList<>(List.of("--spring.profiles.active=streams",
                            "--spring.data.redis.port=" + redis.port(), "--chat.token-secret=" + SECRET));
                    args.addAll(List.of(extraArgs));
                    // own event loops: stopping one node must not stop the loops the others share in this JVM
                    nodes.add(Chat.startIsolated(args.toArray(String[]::new)));
                }
                List<Integer> ports = nodes.stream().map(node -> Integer.parseInt(
                        node.getEnvironment().getProperty("local.server.port"))).toList();
                try (LoadBalancer lb = balancer.apply(ports)) {
                    return e2e(lb, name, nodes);
                }
            } finally {
                // before Redis goes
                nodes.forEach(ConfigurableApplicationContext::close);
            }
        }
    }

    private static String e2e(LoadBalancer lb, String name, List<ConfigurableApplicationContext> nodes)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of("node", "chat-recovery-e2e.mjs", lb.url(),
                CHROMIUM.toString(), name)).directory(JS.toFile()).redirectErrorStream(true);
        String screenshots = System.getProperty("socketeer.test.screenshots");
        if (screenshots != null) {
            builder.environment().put("SCREENSHOTS", screenshots);
        }
        Process e2e = builder.start();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> relay(e2e, nodes, output), "chat-recovery-e2e-output");
        reader.start();
        boolean finished = e2e.waitFor(150, TimeUnit.SECONDS);
        if (!finished) {
            e2e.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(10_000);
        String text;
        synchronized (output) {
            text = output.toString();
        }
        assertThat(finished).as("chat-recovery-e2e.mjs finished within 150 s; output:%n%s", text).isTrue();
        assertThat(e2e.exitValue()).as("exit code; output:%n%s%n%s:%n%s", text, lb, lb.errors()).isZero();
        assertThat(text).contains("messages crossed nodes", "wrote while alice was away", "alice recovered through",
                "every message exactly once", "a late joiner gets the same history");
        if (name.startsWith("HAProxy")) {
            // sticky: every request reaches its session's node (with nginx round robin, a request for a session no
            // node holds any more, e.g. of a client whose node was stopped, may be answered 400, as designed)
            assertThat(lb.linesWithStatus(400)).as("no 400 Session ID unknown through HAProxy").isEmpty();
        }
        System.out.print(text);
        return text;
    }

    /**
     * Copies the script's output and answers its questions: {@code [e2e] where <socket id>} with the node that holds
     * the socket ({@code node1} is the first node: the balancers' configurations name them so, in the order of the
     * ports given), {@code [e2e] stop node2} by closing that node, then {@code stopped}.
     */
    private static void relay(Process e2e, List<ConfigurableApplicationContext> nodes, StringBuilder output) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(e2e.getInputStream(),
                StandardCharsets.UTF_8))) {
            OutputStream answers = e2e.getOutputStream();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                synchronized (output) {
                    output.append(line).append('\n');
                }
                String answer = null;
                if (line.startsWith("[e2e] where ")) {
                    String id = line.substring("[e2e] where ".length()).trim();
                    answer = "none";
                    for (int i = 0; i < nodes.size(); i++) {
                        ConfigurableApplicationContext node = nodes.get(i);
                        if (node.isActive()
                                && node.getBean(SocketIoServer.class).sockets().sockets().containsKey(id)) {
                            answer = "node" + (i + 1);
                        }
                    }
                } else if (line.startsWith("[e2e] stop node")) {
                    nodes.get(Integer.parseInt(line.substring("[e2e] stop node".length()).trim()) - 1).close();
                    answer = "stopped";
                }
                if (answer != null) {
                    answers.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
                    answers.flush();
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }
}
