package dev.socketeer.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.adapter.redis.RedisServer;
import dev.socketeer.test.LoadBalancer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The private-messaging sample end to end in headless Chromium ({@code src/test/js/private-messaging-e2e.mjs}): on one
 * node with the in-memory stores, and on three nodes sharing a test-started {@code redis-server} (the Redis adapter,
 * the Redis session and message stores) with alice's two tabs and bob on three different nodes.
 */
class PrivateMessagingBrowserTest {

    private static final Path CHROMIUM = Path.of(System.getProperty("socketeer.test.chromium", "/usr/bin/chromium"));
    private static final Path JS = Path.of(System.getProperty("socketeer.test.jsDir", "src/test/js"));

    @Test
    void oneNodeWithTheInMemoryStores() throws Exception {
        try (ConfigurableApplicationContext node = Chat.start()) {
            String url = Chat.url(node);
            run(url, url, url);
        }
    }

    @Test
    void threeNodesSharingRedis() throws Exception {
        List<ConfigurableApplicationContext> nodes = new ArrayList<>();
        try (RedisServer redis = RedisServer.start()) {
            for (int i = 0; i < 3; i++) {
                nodes.add(Chat.start("--spring.profiles.active=redis", "--spring.data.redis.port=" + redis.port()));
            }
            run(Chat.url(nodes.get(0)), Chat.url(nodes.get(1)), Chat.url(nodes.get(2)));
        } finally {
            nodes.forEach(ConfigurableApplicationContext::close);
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void fourUsersOnThreeNodesBehindHaproxyAndANodeStoppedMidConversation() throws Exception {
        List<ConfigurableApplicationContext> nodes = new ArrayList<>();
        try (RedisServer redis = RedisServer.start()) {
            for (int i = 0; i < 3; i++) {
                nodes.add(Chat.startIsolated("--spring.profiles.active=redis", "--spring.data.redis.port=" + redis.port()));
            }
            List<Integer> ports = nodes.stream().map(node -> Integer.parseInt(
                    node.getEnvironment().getProperty("local.server.port"))).toList();
            try (LoadBalancer haproxy = LoadBalancer.haproxy("socketio_cookie", ports)) {
                Process e2e = new ProcessBuilder(List.of("node", "private-messaging-balancer-e2e.mjs", haproxy.url(),
                        CHROMIUM.toString())).directory(JS.toFile()).redirectErrorStream(true).start();
                StringBuilder output = new StringBuilder();
                Thread reader = new Thread(() -> {
                    try (BufferedReader lines = new BufferedReader(new InputStreamReader(e2e.getInputStream(),
                            StandardCharsets.UTF_8))) {
                        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                            synchronized (output) {
                                output.append(line).append('\n');
                            }
                            if (line.startsWith("[e2e] stop node")) {
                                // HAProxy's cookie names the node: node1 is the first port given
                                int index = Integer.parseInt(line.substring("[e2e] stop node".length()).trim()) - 1;
                                nodes.get(index).close();
                                e2e.getOutputStream().write("stopped\n".getBytes(StandardCharsets.UTF_8));
                                e2e.getOutputStream().flush();
                            }
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                }, "private-messaging-e2e-output");
                reader.start();
                boolean finished = e2e.waitFor(240, TimeUnit.SECONDS);
                if (!finished) {
                    e2e.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                reader.join(10_000);
                String text;
                synchronized (output) {
                    text = output.toString();
                }
                assertThat(finished).as("private-messaging-balancer-e2e.mjs finished within 240 s; output:%n%s", text)
                        .isTrue();
                assertThat(e2e.exitValue()).as("exit code; output:%n%s%nHAProxy:%n%s", text, haproxy.errors()).isZero();
                assertThat(text).contains("four users on three nodes", "messages crossed nodes both ways",
                        "has the same conversations", "keeps the session", "dave came back through the balancer");
                assertThat(haproxy.linesWithStatus(400)).as("no 400 Session ID unknown through HAProxy").isEmpty();
            }
        } finally {
            nodes.forEach(ConfigurableApplicationContext::close);
        }
    }

    private static void run(String url1, String url2, String url3) throws Exception {
        assertThat(Files.isExecutable(CHROMIUM))
                .as("%s not found: apt-get install chromium, or set -Dsocketeer.test.chromium", CHROMIUM).isTrue();
        ProcessBuilder builder = new ProcessBuilder(List.of("node", "private-messaging-e2e.mjs", url1, url2, url3,
                CHROMIUM.toString())).directory(JS.toFile()).redirectErrorStream(true);
        String screenshots = System.getProperty("socketeer.test.screenshots");
        if (screenshots != null) {
            builder.environment().put("SCREENSHOTS", screenshots);
        }
        Process node = builder.start();
        boolean finished = node.waitFor(60, TimeUnit.SECONDS);
        if (!finished) {
            node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(finished).as("private-messaging-e2e.mjs finished within 60 s; output:%n%s", output).isTrue();
        assertThat(node.exitValue()).as("private-messaging-e2e.mjs exit code; output:%n%s", output).isZero();
        assertThat(output).contains("bob got alice's message", "reached both of alice's tabs",
                "the same user with the whole conversation", "alice shows offline");
    }
}
