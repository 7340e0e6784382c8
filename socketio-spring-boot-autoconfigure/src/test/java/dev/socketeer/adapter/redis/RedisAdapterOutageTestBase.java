package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.adapter.ClusterUnavailableException;
import dev.socketeer.test.HealthProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * redis-server killed during traffic and restarted on the same port: local clients never notice,
 * the socketio health (and the readiness group that includes it) is DOWN with the outage's details,
 * cross-node requests fail at once with {@link ClusterUnavailableException} meanwhile, and cross-node
 * delivery and the health come back without restarting any node. Run in both adapter modes by its subclasses.
 */
abstract class RedisAdapterOutageTestBase extends TwoRedisNodes {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void localDeliverySurvivesARedisOutageAndClusterDeliveryResumesAfterIt() throws Exception {
        await().atMost(WAIT).until(() -> n1.io().sockets().adapter().serverCount().get() == 2);
        n1.io().emit("before", 1);
        clients.awaitEvent("a", "before");
        clients.awaitEvent("b", "before");

        assertThat(HealthProbe.get(n1.url(), "/actuator/health/socketio").status()).isEqualTo("UP");
        assertThat(HealthProbe.get(n1.url(), "/actuator/health/readiness").httpStatus()).isEqualTo(200);

        Instant killed = Instant.now();
        redis.kill();
        await().atMost(WAIT).until(() -> !n1.adapterFactory().isConnected() && !n2.adapterFactory().isConnected());

        // the health says so, with what, since when and why; readiness follows
        HealthProbe health = HealthProbe.get(n1.url(), "/actuator/health/socketio");
        assertThat(health.status()).isEqualTo("DOWN");
        assertThat(health.httpStatus()).isEqualTo(503);
        assertThat(health.cluster().get("backend").asString()).isEqualTo("redis");
        assertThat(health.cluster().get("address").asString()).isEqualTo("127.0.0.1:" + redis.port());
        assertThat(health.cluster().get("connected").asBoolean()).isFalse();
        assertThat(Instant.parse(health.cluster().get("since").asString())).isAfterOrEqualTo(killed.minusSeconds(1));
        assertThat(health.cluster().get("error").asString()).isNotBlank();
        assertThat(health.cluster().get("servers").get("/").asInt()).isEqualTo(2);
        HealthProbe readiness = HealthProbe.get(n1.url(), "/actuator/health/readiness");
        assertThat(readiness.httpStatus()).isEqualTo(503);
        assertThat(HealthProbe.get(n1.url(), "/actuator/health/liveness").httpStatus()).isEqualTo(200);

        // local clients do not notice
        n1.io().emit("during", 2);
        n1.io().local().emit("during-local", 3);
        clients.awaitEvent("a", "during");
        clients.awaitEvent("a", "during-local");
        assertThat(clients.emitWithAck("a", "join", Duration.ofSeconds(5), "outage-room").toString())
                .contains("outage-room");
        // cluster requests fail at once with their own exception type, instead of hanging
        assertThat(n1.io().fetchSockets()).failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(ClusterUnavailableException.class)
                .withMessageContaining("redis at 127.0.0.1:" + redis.port());
        assertThat(n1.io().sockets().adapter().serverCount()).failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(ClusterUnavailableException.class);

        redis.restart();
        await().atMost(Duration.ofSeconds(60)).until(() -> n1.adapterFactory().isConnected()
                && n2.adapterFactory().isConnected());
        // resubscribed by itself: cross-node delivery and requests work again, and the health is back
        await().atMost(WAIT).until(() -> n1.io().sockets().adapter().serverCount().get() == 2);
        assertThat(HealthProbe.get(n1.url(), "/actuator/health/socketio").status()).isEqualTo("UP");
        assertThat(HealthProbe.get(n1.url(), "/actuator/health/readiness").httpStatus()).isEqualTo(200);
        n1.io().emit("after", 4);
        assertThat(clients.awaitEvent("b", "after").get("args").get(0).asInt()).isEqualTo(4);
        n2.io().to("outage-room").emit("after-room", 5);
        clients.awaitEvent("a", "after-room");
        assertThat(n2.io().fetchSockets().get(10, TimeUnit.SECONDS)).hasSize(2);
        assertThat(clients.reports()).noneMatch(report -> List.of("disconnect", "connect_error")
                .contains(report.path("type").asString()));
    }
}
