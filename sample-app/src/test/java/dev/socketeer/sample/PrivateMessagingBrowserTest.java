package dev.socketeer.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.adapter.redis.RedisServer;
import dev.socketeer.test.LoadBalancer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The private-messaging sample end to end in headless Chromium ({@code src/test/js/private-messaging-e2e.mjs}): on one
 * node with the in-memory stores, and on three nodes sharing a test-started {@code redis-server} (the Redis adapter,
 * the Redis session and message stores) with alice's two tabs and bob on three different nodes; then the same three
 * nodes behind nginx ({@code src/test/js/private-messaging-balancer-e2e.mjs}), with a node restarted.
 */
class PrivateMessagingBrowserTest {

    private static final Path CHROMIUM = BrowserScript.CHROMIUM;
    private static final Path JS = BrowserScript.JS;

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

    /**
     * Behind nginx with {@code deploy/nginx/socketio.conf} as shipped ({@code hash $remote_addr consistent}), each
     * browser from an address of its own ({@code own-addresses.mjs}), so that nginx spreads them as it spreads real
     * users: four users on three nodes, messages both ways between nodes, a second browser of alice's on another
     * node, a reload, and node3 (carol's and dave's) stopped mid-conversation and started again on its port.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void fourUsersOnThreeNodesBehindNginxAndANodeRestartedMidConversation() throws Exception {
        try (RedisServer redis = RedisServer.start();
                ThreeNodes nodes = ThreeNodes.start("--spring.profiles.active=redis",
                        "--spring.data.redis.port=" + redis.port());
                LoadBalancer nginx = LoadBalancer.nginx(LoadBalancer.NGINX_HASH, nodes.ports())) {
            List<String> args = new ArrayList<>(List.of(nginx.url(), CHROMIUM.toString()));
            args.addAll(nodes.urls());
            String output = BrowserScript.run("private-messaging-balancer-e2e.mjs", args, nodes,
                    Duration.ofSeconds(120), () -> nginx + ":\n" + nginx.errors());
            assertThat(output).contains("four users on three nodes behind nginx", "messages crossed nodes both ways",
                    "has the same conversations and takes part in them", "a reload keeps the session",
                    "alice sees dave offline",
                    "carol came back through nginx", "dave came back through nginx on the restarted node3");
            assertThat(nginx.linesWithStatus(400)).as("no 400 Session ID unknown through nginx").isEmpty();
        }
    }

    private static void run(String url1, String url2, String url3) throws Exception {
        assertThat(Files.isExecutable(CHROMIUM))
                .as("%s not found: apt-get install chromium, or set -Dsocketeer.test.chromium", CHROMIUM).isTrue();
        ProcessBuilder builder = new ProcessBuilder(List.of("node", "private-messaging-e2e.mjs", url1, url2, url3,
                CHROMIUM.toString())).directory(JS.toFile()).redirectErrorStream(true);
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
