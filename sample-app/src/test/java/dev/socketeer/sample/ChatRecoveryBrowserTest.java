package dev.socketeer.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.adapter.redis.RedisServer;
import dev.socketeer.test.LoadBalancer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chat tutorial's last step ("scaling horizontally", with its connection state recovery) end to end in headless
 * Chromium ({@code src/test/js/chat-recovery-e2e.mjs}): the sample chat on three nodes with profile {@code streams}
 * (the Redis adapter in streams mode, recovery on) sharing a test-started {@code redis-server}, behind nginx. One
 * node is stopped mid-conversation and started again on its port, as a rolling redeploy does; its two users recover
 * through nginx, one at once on another node, the other on the restarted node: same socket id, the messages sent
 * while the node was down, every page showing every message exactly once.
 *
 * <p>The balancer is the shipped sticky configuration, {@code deploy/nginx/socketio.conf} as it is
 * ({@code hash $remote_addr consistent}): the guide's default choice for nginx (Deployment, "Sticky sessions"); it
 * documents round robin only with {@code socketio.cluster.sticky-sessions=false}, and the tutorials' page uses that
 * for a local try only because every browser of one machine comes from 127.0.0.1. Here each browser comes from an
 * address of its own ({@code own-addresses.mjs}), so the hash spreads them as it spreads real users.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ChatRecoveryBrowserTest {

    /** The nodes share the key that signs chat tokens: a page signs in on one node and may recover on another. */
    private static final String SECRET = "chat-recovery-browser-test-secret-0123456789";

    @Test
    void threeNodesBehindNginxAndANodeRestartedMidConversation() throws Exception {
        try (RedisServer redis = RedisServer.start();
                ThreeNodes nodes = ThreeNodes.start("--spring.profiles.active=streams",
                        "--spring.data.redis.port=" + redis.port(), "--chat.token-secret=" + SECRET);
                LoadBalancer nginx = LoadBalancer.nginx(LoadBalancer.NGINX_HASH, nodes.ports())) {
            List<String> args = new ArrayList<>(List.of(nginx.url(), BrowserScript.CHROMIUM.toString()));
            args.addAll(nodes.urls());
            String output = BrowserScript.run("chat-recovery-e2e.mjs", args, nodes, Duration.ofSeconds(185),
                    () -> nginx + ":\n" + nginx.errors());
            assertThat(output).contains("four users on three nodes behind nginx", "messages crossed nodes",
                    "bob and carol wrote while node1 was down", "dan recovered through nginx on node",
                    "alice recovered through nginx on the restarted node1",
                    "every page shows every message exactly once", "a late joiner on the restarted node1");
            // sticky: every request of a session reaches its node, before and after the restart
            assertThat(nginx.linesWithStatus(400)).as("no 400 Session ID unknown through nginx").isEmpty();
        }
    }
}
