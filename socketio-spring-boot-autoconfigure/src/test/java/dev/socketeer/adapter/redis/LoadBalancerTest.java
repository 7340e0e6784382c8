package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.test.LoadBalancer;
import dev.socketeer.test.NodeProcess;
import dev.socketeer.test.TestJson;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * The load balancer set-ups of {@code deploy/} as they are, with Debian's nginx and HAProxy started by the test in
 * front of three nodes on a real redis-server: 200 npm clients per transport mode (long-polling only, polling then
 * WebSocket, WebSocket only), spread over 40 loopback addresses, must all connect with no 400 in the balancer's
 * access log, get their acks, survive heartbeats, upgrade where allowed, and receive numbered room broadcasts sent
 * from every node exactly once. A round-robin balancer shows the failure the sticky set-ups prevent.
 */
// hundreds of clients per run: more than the default two minutes on a loaded build machine
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LoadBalancerTest {

    private static final int PER_MODE = Integer.getInteger("lb.perMode", 200);
    private static final Duration RUN = Duration.ofSeconds(150);

    static BalancedCluster cluster;

    @BeforeAll
    static void startCluster() {
        // short heartbeats so that a run sees several (a long timeout: the build machine may be loaded); the io cookie for HAProxy's `cookie io prefix`
        String[] properties = { "socketio.ping-interval=2s", "socketio.ping-timeout=20s", "socketio.cookie.enabled=true" };
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
    void nginxHashingTheWholeClientAddressKeepsEverySessionOnItsNode() {
        try (LoadBalancer nginx = LoadBalancer.nginx(LoadBalancer.NGINX_HASH, nodePorts())) {
            JsonNode summary = run(nginx, List.of("polling", "upgrade", "websocket"), PER_MODE);
            assertEveryClientServed(nginx, summary, 3);
        }
    }

    @Test
    void nginxIpHashWorksButSendsEveryLoopbackAddressToOneNode() {
        // ip_hash hashes the first three octets of an IPv4 address: 127.0.0.x is one key, hence the docs' advice
        try (LoadBalancer nginx = LoadBalancer.nginx("ip_hash;", nodePorts())) {
            JsonNode summary = run(nginx, List.of("polling", "upgrade"), 30);
            assertEveryClientServed(nginx, summary, 1);
        }
    }

    @Test
    void haproxyInsertedCookieKeepsEverySessionOnItsNode() {
        try (LoadBalancer haproxy = LoadBalancer.haproxy("socketio_cookie", nodePorts())) {
            assertEveryClientServed(haproxy, run(haproxy, List.of("polling", "upgrade", "websocket"), PER_MODE), 3);
        }
    }

    @Test
    void haproxyPrefixingTheEngineIoCookieKeepsEverySessionOnItsNode() {
        try (LoadBalancer haproxy = LoadBalancer.haproxy("socketio_io_cookie", nodePorts())) {
            assertEveryClientServed(haproxy, run(haproxy, List.of("polling", "upgrade", "websocket"), PER_MODE), 3);
        }
    }

    @Test
    void haproxyBalanceSourceKeepsEverySessionOnItsNode() {
        try (LoadBalancer haproxy = LoadBalancer.haproxy("socketio_source", nodePorts())) {
            assertEveryClientServed(haproxy, run(haproxy, List.of("polling", "upgrade", "websocket"), PER_MODE), 3);
        }
    }

    @Test
    void roundRobinWithoutStickinessBreaksLongPollingButNotWebSocketOnlyClients() {
        List<Supplier<LoadBalancer>> balancers = List.of(() -> LoadBalancer.nginx("", nodePorts()),
                () -> LoadBalancer.haproxy("socketio_round_robin", nodePorts()));
        for (Supplier<LoadBalancer> start : balancers) {
            try (LoadBalancer balancer = start.get()) {
                JsonNode summary = run(balancer, List.of("polling", "websocket"), 60);

                assertThat(badRequests(summary)).as("%s: 400s", balancer).isNotEmpty();
                assertThat(badRequests(summary)).as("the 400s are polling requests of a session")
                        .allMatch(line -> line.contains("transport=polling") && line.contains("sid="));
                assertThat(summary.get("modes").get("polling").get("failed").asInt()).as("%s: %s", balancer, summary)
                        .isGreaterThan(0);
                assertModeClean(balancer, summary, "websocket", 60, 3);
            }
        }
    }

    static JsonNode run(LoadBalancer balancer, List<String> modes, int perMode) {
        return run(balancer, modes, perMode, Map.of());
    }

    /** @param options more options of {@code balancer-clients.mjs} (e.g. {@code switchTraffic}) */
    static JsonNode run(LoadBalancer balancer, List<String> modes, int perMode, Map<String, Object> options) {
        Map<String, Object> settings = new java.util.HashMap<>(Map.of("url", balancer.url(), "modes", modes,
                "perMode", perMode, "addresses", 40, "pings", 2, "messagesPerNode", 3, "timeoutMs", 60_000));
        settings.putAll(options);
        String config = TestJson.MAPPER.writeValueAsString(settings);
        try (NodeProcess clients = NodeProcess.start("balancer-clients.mjs", config)) {
            JsonNode summary = clients.await(report -> "summary".equals(report.path("type").asString()), RUN,
                    "the clients' summary through " + balancer);
            // the run's 400s, before the clients leave (a request racing a client's own goodbye is not the test's)
            ((tools.jackson.databind.node.ObjectNode) summary).set("badRequests",
                    TestJson.MAPPER.valueToTree(balancer.linesWithStatus(400)));
            return summary;
        }
    }

    /** The access log lines with status 400 of the run (before the clients left). */
    static List<String> badRequests(JsonNode summary) {
        return summary.get("badRequests").valueStream().map(JsonNode::asString).toList();
    }

    static void assertEveryClientServed(LoadBalancer balancer, JsonNode summary, int nodes) {
        assertThat(badRequests(summary)).as("%s: requests answered 400; %s", balancer, summary).isEmpty();
        assertThat(summary.get("expectedMessages").asInt()).as("one sender per node, 3 messages each: %s", summary)
                .isEqualTo(3 * nodes);
        summary.get("modes").properties().forEach(mode -> assertModeClean(balancer, summary, mode.getKey(),
                mode.getValue().get("clients").asInt(), nodes));
    }

    static void assertModeClean(LoadBalancer balancer, JsonNode summary, String mode, int clients, int nodes) {
        JsonNode result = summary.get("modes").get(mode);
        String description = balancer + ", " + mode + ": " + result + "\nbalancer messages:\n" + balancer.errors();
        assertThat(result.get("connected").asInt()).as(description).isEqualTo(clients);
        assertThat(result.get("failed").asInt()).as(description).isZero();
        assertThat(result.get("acked").asInt()).as(description).isEqualTo(clients);
        assertThat(result.get("minPings").asInt()).as(description).isGreaterThanOrEqualTo(2);
        assertThat(result.get("missing").asInt()).as(description).isZero();
        assertThat(result.get("duplicates").asInt()).as(description).isZero();
        assertThat(result.get("unexpected").asInt()).as(description).isZero();
        assertThat(result.get("nodes").size()).as(description).isEqualTo(nodes);
        assertThat(result.get("websocketAtEnd").asInt()).as(description).isEqualTo(mode.equals("polling") ? 0 : clients);
        if (result.has("switch")) {
            // sent from the connection until past the upgrade: each came back once, in order
            assertThat(result.get("switch").get("sent").asInt()).as(description).isGreaterThanOrEqualTo(3 * clients);
            assertThat(result.get("switch").get("lost").asInt()).as(description).isZero();
            assertThat(result.get("switch").get("duplicated").asInt()).as(description).isZero();
            assertThat(result.get("switch").get("outOfOrder").asInt()).as(description).isZero();
        }
    }
}
