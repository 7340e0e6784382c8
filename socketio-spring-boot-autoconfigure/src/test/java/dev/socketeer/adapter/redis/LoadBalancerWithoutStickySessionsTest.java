package dev.socketeer.adapter.redis;

import static dev.socketeer.adapter.redis.LoadBalancerTest.assertModeClean;
import static dev.socketeer.adapter.redis.LoadBalancerTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.test.LoadBalancer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * {@code socketio.cluster.sticky-sessions=false}: nginx and HAProxy going round robin (the {@code deploy/} files with
 * no stickiness) in front of three nodes on a real redis-server; long-polling requests that reach another node than
 * their session's are served through it. 200 npm clients per transport mode: no 400, every client connected, acks
 * and room broadcasts from every node exactly once, heartbeats. A WebSocket upgrade that reaches another node than
 * its session's completes there, the session relayed to it: every polling-then-WebSocket client ends on WebSocket, and
 * the messages it sends (and gets back) from its connection until past its upgrade arrive once each, in order.
 */
// hundreds of clients per run: more than the default two minutes on a loaded build machine
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LoadBalancerWithoutStickySessionsTest {

    private static final int PER_MODE = Integer.getInteger("lb.perMode", 200);
    private static final Map<String, Object> SWITCH_TRAFFIC = Map.of("switchTraffic", true);

    static BalancedCluster cluster;

    @BeforeAll
    static void startCluster() {
        // a patient response timeout (1 s by default) and upgrade timeout (10 s): on a loaded build machine a
        // forwarded poll can take seconds, and a client finishes its upgrade only once its last poll is back
        String[] properties = { "socketio.ping-interval=2s", "socketio.ping-timeout=20s",
                "socketio.cluster.sticky-sessions=false", "socketio.cluster.response-timeout=10s",
                "socketio.upgrade-timeout=30s" };
        cluster = BalancedCluster.start(properties);
    }

    @AfterAll
    static void stopCluster() {
        ClusterNode.closeAll(cluster);
    }

    private static List<Integer> nodePorts() {
        return cluster.ports();
    }

    @Test
    void nginxRoundRobinServesEveryPollingSessionThroughItsNode() {
        try (LoadBalancer nginx = LoadBalancer.nginx("", nodePorts())) {
            assertServedThroughRoundRobin(nginx,
                    run(nginx, List.of("polling", "upgrade", "websocket"), PER_MODE, SWITCH_TRAFFIC));
        }
    }

    @Test
    void haproxyRoundRobinServesEveryPollingSessionThroughItsNode() {
        try (LoadBalancer haproxy = LoadBalancer.haproxy("socketio_round_robin", nodePorts())) {
            assertServedThroughRoundRobin(haproxy,
                    run(haproxy, List.of("polling", "upgrade", "websocket"), PER_MODE, SWITCH_TRAFFIC));
        }
    }

    private static void assertServedThroughRoundRobin(LoadBalancer balancer, JsonNode summary) {
        assertThat(LoadBalancerTest.badRequests(summary)).as("%s: requests answered 400; %s", balancer, summary).isEmpty();
        assertThat(summary.get("expectedMessages").asInt()).as("one sender per node: %s", summary).isEqualTo(9);
        summary.get("modes").properties().forEach(mode -> assertModeClean(balancer, summary, mode.getKey(),
                mode.getValue().get("clients").asInt(), 3));
    }
}
