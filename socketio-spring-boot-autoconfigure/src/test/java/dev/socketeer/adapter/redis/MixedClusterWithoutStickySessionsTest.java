package dev.socketeer.adapter.redis;

import static dev.socketeer.adapter.redis.LoadBalancerTest.assertModeClean;
import static dev.socketeer.adapter.redis.LoadBalancerTest.badRequests;
import static dev.socketeer.adapter.redis.LoadBalancerTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.test.LoadBalancer;
import dev.socketeer.test.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * Two Java nodes with {@code socketio.cluster.sticky-sessions=false} and one Node node on
 * {@code @socket.io/cluster-engine}'s {@code RedisEngine} (and {@code @socket.io/redis-adapter}), behind round-robin
 * nginx: long-polling sessions owned by either kind of node are served through the other. The cluster engine is not
 * on the npm registry reachable here: build it from the socket.io monorepo's {@code packages/socket.io-cluster-engine}
 * (MIT) outside this repository ({@code npm install @msgpack/msgpack@2.8 debug engine.io@6.6 engine.io-parser
 * typescript @types/node; npx tsc}) and pass {@code -Dsocketeer.test.clusterEngine=<its dist/index.js>}; without it
 * the test is skipped (the wire format is checked without Node by {@link RedisSessionForwarderWireTest}).
 * Polling-then-WebSocket clients upgrade wherever their WebSocket lands: a Java node relays a Java or Node session
 * (or adopts a Node session handed over before Socket.IO saw it), a Node node relays a Java session; their messages
 * across the switch arrive once each, in order. WebSocket-only clients are run too.
 */
// hundreds of clients per run: more than the default two minutes on a loaded build machine
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MixedClusterWithoutStickySessionsTest {

    private static final String ENGINE = System.getProperty("socketeer.test.clusterEngine",
            System.getenv().getOrDefault("SOCKETEER_CLUSTER_ENGINE", ""));

    static RedisServer redis;
    static ClusterNode n1;
    static ClusterNode n2;
    static NodeProcess node;
    static int nodePort;

    @BeforeAll
    static void startCluster() {
        Assumptions.assumeTrue(!ENGINE.isEmpty() && Files.isRegularFile(Path.of(ENGINE)),
                "set -Dsocketeer.test.clusterEngine=<@socket.io/cluster-engine built from source>/dist/index.js");
        redis = RedisServer.start();
        String[] properties = { "socketio.ping-interval=2s", "socketio.ping-timeout=20s",
                "socketio.cluster.sticky-sessions=false", "socketio.cluster.response-timeout=5s" };
        n1 = ClusterNode.start("n1", redis.port(), properties);
        n2 = ClusterNode.start("n2", redis.port(), properties);
        node = NodeProcess.start("cluster-engine-node.mjs", Integer.toString(redis.port()), ENGINE, "5000");
        nodePort = node.await(report -> "listening".equals(report.path("type").asString()), Duration.ofSeconds(30),
                "the Node node listening").get("port").asInt();
        await().atMost(Duration.ofSeconds(20)).until(() -> n1.io().sockets().adapter().serverCount().get() == 3);
    }

    @AfterAll
    static void stopCluster() {
        ClusterNode.closeAll(node, n1, n2, redis);
    }

    @Test
    void roundRobinServesSessionsOfJavaAndNodeNodesThroughEachOther() {
        try (LoadBalancer nginx = LoadBalancer.nginx("", List.of(n1.port(), n2.port(), nodePort))) {
            List<String> modes = List.of("polling", "upgrade", "websocket");
            JsonNode summary = run(nginx, modes, 100, java.util.Map.of("switchTraffic", true));

            assertThat(badRequests(summary)).as("%s: requests answered 400; %s", nginx, summary).isEmpty();
            for (String mode : modes) {
                assertModeClean(nginx, summary, mode, 100, 3);
                assertThat(summary.get("modes").get(mode).get("nodes").has("node")).isTrue();
            }
        }
    }
}
