package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.socketeer.adapter.ClusterUnavailableException;
import dev.socketeer.autoconfigure.SocketIoClusterFailureAnalyzer;
import dev.socketeer.test.HealthProbe;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.TestPorts;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Redis down when the application starts: by default the Redis adapter starts anyway, serves its own
 * clients, reports DOWN (not ready) with why, says so in one warning, and joins the cluster as soon
 * as Redis answers; the Redis emitter connects on first use, so an application on another adapter
 * that merely has Spring Data Redis starts too; with {@code socketio.adapter.fail-fast=true} the
 * start fails with a one-paragraph report instead.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisBackendDownTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void theAdapterStartsWithoutRedisServesLocalClientsAndJoinsTheClusterWhenRedisComesUp(CapturedOutput output)
            throws Exception {
        RedisServer redis = RedisServer.notStartedOn(TestPorts.free());
        ClusterNode n1 = null;
        ClusterNode n2 = null;
        try (NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            n1 = ClusterNode.start("n1", redis.port(), "socketio.adapter.redis.requests-timeout=1s");

            HealthProbe health = HealthProbe.get(n1.url(), "/actuator/health/socketio");
            assertThat(health.status()).isEqualTo("DOWN");
            assertThat(health.cluster().get("connected").asBoolean()).isFalse();
            assertThat(health.cluster().get("error").asString()).contains("Connection refused");
            assertThat(HealthProbe.get(n1.url(), "/actuator/health/readiness").httpStatus()).isEqualTo(503);
            assertThat(n1.io().fetchSockets()).failsWithin(Duration.ofSeconds(5))
                    .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(ClusterUnavailableException.class);

            // local clients are served meanwhile
            clients.connect("a", n1.url() + "/", ClusterNode.websocket());
            clients.awaitConnect("a");
            assertThat(clients.emitWithAck("a", "join", Duration.ofSeconds(5), "early").toString()).contains("early");
            n1.io().to("early").emit("local", 1);
            clients.awaitEvent("a", "local");

            redis.restart();
            ClusterNode first = n1;
            await().atMost(WAIT).until(() -> first.adapterFactory().isConnected());
            assertThat(HealthProbe.get(n1.url(), "/actuator/health/socketio").status()).isEqualTo("UP");
            assertThat(HealthProbe.get(n1.url(), "/actuator/health/readiness").httpStatus()).isEqualTo(200);

            n2 = ClusterNode.start("n2", redis.port());
            ClusterNode second = n2;
            await().atMost(WAIT).until(() -> second.io().sockets().adapter().serverCount().get() == 2);
            n2.io().to("early").emit("from-n2", 2);
            assertThat(clients.awaitEvent("a", "from-n2").get("args").get(0).asInt()).isEqualTo(2);

            // one warning for the whole outage, naming what, where and why; none claims a lost connection
            List<String> adapterWarnings = output.getOut().lines()
                    .filter(line -> line.contains(" WARN ") && line.contains("Socket.IO Redis adapter")).toList();
            assertThat(adapterWarnings).hasSize(1);
            assertThat(adapterWarnings.get(0)).contains("cannot reach redis at 127.0.0.1:" + redis.port())
                    .contains("Connection refused").doesNotContain("lost");
        } finally {
            ClusterNode.closeAll(n1, n2, redis);
        }
    }

    @Test
    void anApplicationOnTheMemoryAdapterStartsWithRedisDownAndItsEmitterConnectsOnFirstUse() throws Exception {
        RedisServer redis = RedisServer.notStartedOn(TestPorts.free());
        ClusterNode memory = null;
        ClusterNode receiver = null;
        try (NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            memory = ClusterNode.start("memory", redis.port(), "socketio.adapter.type=memory");
            RedisEmitter emitter = memory.emitter();
            assertThat(emitter.isConnected()).isFalse();
            assertThat(HealthProbe.get(memory.url(), "/actuator/health/socketio").status()).isEqualTo("UP");

            // while Redis is down an emit fails soon, with the type and the address
            assertThat(emitter.emit("early", 1)).failsWithin(Duration.ofSeconds(15))
                    .withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(ClusterUnavailableException.class)
                    .withMessageContaining("127.0.0.1:" + redis.port());

            redis.restart();
            receiver = ClusterNode.start("receiver", redis.port()); // returns once its adapter is subscribed
            clients.connect("r", receiver.url() + "/", ClusterNode.websocket());
            clients.awaitConnect("r");
            await().atMost(WAIT).ignoreExceptions()
                    .until(() -> emitter.emit("hello", 1).get(5, TimeUnit.SECONDS) == null && emitter.isConnected());
            clients.awaitEvent("r", "hello");
        } finally {
            ClusterNode.closeAll(memory, receiver, redis);
        }
    }

    @Test
    void withFailFastTheStartFailsWithAOneParagraphReport() {
        int port = TestPorts.free();
        Throwable failure = catchThrowable(() -> ClusterNode.start("n1", port, "socketio.adapter.fail-fast=true",
                "socketio.adapter.fail-fast-timeout=1s"));

        assertThat(failure).isNotNull().hasStackTraceContaining(ClusterUnavailableException.class.getName());
        FailureAnalysis analysis = new SocketIoClusterFailureAnalyzer().analyze(failure);
        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription())
                .startsWith("Socket.IO Redis adapter could not reach redis at 127.0.0.1:" + port + " within 1000 ms")
                .contains("Connection refused", "socketio.adapter.fail-fast=true")
                .doesNotContain("\n");
        assertThat(analysis.getAction()).contains("socketio.adapter.fail-fast=false");
    }
}
