package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.test.NodeSocketIoClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The Admin UI served by a node of a two-node Redis cluster, in headless Chromium (playwright-core,
 * {@code src/test/js/admin-ui-e2e.mjs}), with every request to another host refused: it logs in, lists both servers
 * (servers page, and the dashboard counting both healthy) and the sockets of both nodes, and a room join issued
 * from a socket's page reaches that socket on the other node.
 * Screenshots go to {@code target/admin-ui-screenshots}, or to {@code -Dsocketeer.test.adminScreenshots=<dir>} (the
 * guide's are made with {@code ../docs/guide/images}). Needs {@code /usr/bin/chromium} ({@code .ci/run} installs it)
 * or {@code -Dsocketeer.test.chromium=<path>}.
 */
class AdminUiBrowserTest {

    private static final Path CHROMIUM = Path.of(System.getProperty("socketeer.test.chromium", "/usr/bin/chromium"));
    private static final Path JS = Path.of(System.getProperty("socketeer.test.jsDir", "src/test/js"));
    private static final Path SHOTS = Path.of(System.getProperty("socketeer.test.adminScreenshots",
            "target/admin-ui-screenshots")).toAbsolutePath();
    private static final String PASSWORD = "browser-pw";

    static RedisServer redis;
    static ClusterNode n1;
    static ClusterNode n2;
    static NodeSocketIoClient clients;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        String hash = new BCryptPasswordEncoder(4).encode(PASSWORD);
        n1 = ClusterNode.start("n1", redis.port(), "socketio.admin.enabled=true", "socketio.admin.server-id=node-1",
                "socketio.admin.auth.password-hash=" + hash);
        n2 = ClusterNode.start("n2", redis.port(), "socketio.admin.enabled=true", "socketio.admin.server-id=node-2",
                "socketio.admin.auth.password-hash=" + hash);
        clients = NodeSocketIoClient.start();
    }

    @AfterAll
    static void stop() {
        ClusterNode.closeAll(clients, n1, n2, redis);
    }

    @Test
    void theServedUiShowsBothNodesAndJoinsASocketOfTheOtherNodeToARoom() throws Exception {
        assertThat(Files.isExecutable(CHROMIUM))
                .as("%s not found: apt-get install chromium, or set -Dsocketeer.test.chromium", CHROMIUM).isTrue();
        clients.connect("on1", n1.url() + "/");
        String sid1 = clients.awaitConnect("on1").path("sid").asString();
        clients.connect("on2", n2.url() + "/", ClusterNode.websocket());
        String sid2 = clients.awaitConnect("on2").path("sid").asString();

        Process node = new ProcessBuilder(List.of("node", "admin-ui-e2e.mjs", n1.url(), PASSWORD, "node-1,node-2",
                sid1 + "," + sid2, SHOTS.toString(), CHROMIUM.toString()))
                .directory(JS.toFile())
                .redirectErrorStream(true)
                .start();
        boolean finished = node.waitFor(90, TimeUnit.SECONDS);
        if (!finished) {
            node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = output(node);
        System.out.println(output);
        assertThat(finished).as("admin-ui-e2e.mjs finished within 90 s; output:%n%s", output).isTrue();
        assertThat(node.exitValue()).as("admin-ui-e2e.mjs exit code; output:%n%s", output).isZero();
        assertThat(output).contains("logged in", "servers page lists node-1, node-2", "joined from-ui");

        // the join went from the browser to n1, and through Redis to the socket on n2
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                n2.io().sockets().sockets().get(sid2).rooms()).contains("from-ui"));
        assertThat(SHOTS.resolve("admin-ui-sockets.png")).exists();
    }

    private static String output(Process process) throws IOException {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
