package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.adapter.AckTimeoutException;
import dev.socketeer.adapter.ClusterRequestTimeoutException;
import dev.socketeer.adapter.ClusterUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every cluster request ends within {@code requests-timeout} (1 s here) whatever Redis does: while it
 * is stopped (SIGSTOP: connections open, nothing answered) the requests time out with
 * {@link ClusterRequestTimeoutException} (Lettuce's own command timeout is 60 s) until the adapter's PING watch
 * reports the stall (DOWN), then fail at once with {@link ClusterUnavailableException}; resumed, it is UP again
 * without a reconnection; once it is killed they fail at once; after a restart they work again.
 * Run in both adapter modes by its subclasses.
 */
abstract class RedisAdapterStallTestBase extends TwoRedisNodes {

    /** requests-timeout plus room for a loaded machine; far below Lettuce's 60 s command timeout. */
    private static final Duration BOUND = Duration.ofSeconds(4);

    @Test
    void clusterRequestsEndWithinTheirTimeoutWhileRedisIsStalledThenKilled() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> n1.io().sockets().adapter().serverCount().get() == 2);

        redis.pause();
        try {
            // until the adapter notices the stall (6 s without a PONG, over 6 checks) a request times out; after, it
            // fails at once
            assertFailsWithin(() -> n1.io().fetchSockets(), ClusterRequestTimeoutException.class,
                    ClusterUnavailableException.class);
            assertFailsWithin(() -> n1.io().sockets().adapter().serverCount(), ClusterRequestTimeoutException.class,
                    ClusterUnavailableException.class);
            assertFailsWithin(() -> n1.io().sockets().adapter().allRooms(), ClusterRequestTimeoutException.class,
                    ClusterUnavailableException.class);
            assertFailsWithin(() -> n1.io().sockets().allSockets(), ClusterRequestTimeoutException.class,
                    ClusterUnavailableException.class);
            assertFailsWithin(() -> n1.io().serverSideEmitWithAck(Duration.ofSeconds(1), "ask"),
                    AckTimeoutException.class, ClusterUnavailableException.class);
            // the acknowledgement timeout is longer than the requests timeout: the server count bounds it
            assertFailsWithin(() -> n1.io().timeout(Duration.ofSeconds(30)).emitWithAck("question"),
                    ClusterRequestTimeoutException.class, ClusterUnavailableException.class);
            // local delivery does not wait for Redis
            n1.io().local().emit("local-while-stalled", 1);
            clients.awaitEvent("a", "local-while-stalled");

            // the stall is reported (health DOWN) while the connections stay open, and requests fail at once
            await().atMost(Duration.ofSeconds(15)).until(() -> !n1.adapterFactory().isConnected()
                    && !n2.adapterFactory().isConnected());
            assertThat(n1.adapterFactory().backendStatus().lastError()).contains("PING");
            assertFailsWithin(() -> n1.io().fetchSockets(), ClusterUnavailableException.class);
        } finally {
            redis.resume();
        }
        // answered again: up again without a reconnection, and the cluster works
        await().atMost(Duration.ofSeconds(15)).until(() -> n1.adapterFactory().isConnected()
                && n2.adapterFactory().isConnected());
        await().atMost(Duration.ofSeconds(20)).until(() -> n1.io().sockets().adapter().serverCount().get() == 2);
        assertThat(n1.io().fetchSockets().get()).hasSize(2);

        redis.kill();
        await().atMost(Duration.ofSeconds(20)).until(() -> !n1.adapterFactory().isConnected());
        assertFailsWithin(() -> n1.io().fetchSockets(), ClusterUnavailableException.class);
        assertFailsWithin(() -> n1.io().sockets().adapter().serverCount(), ClusterUnavailableException.class);
        assertFailsWithin(() -> n1.io().timeout(Duration.ofSeconds(30)).emitWithAck("question"),
                ClusterUnavailableException.class);

        redis.restart();
        await().atMost(Duration.ofSeconds(60)).until(() -> n1.adapterFactory().isConnected()
                && n2.adapterFactory().isConnected());
        await().atMost(Duration.ofSeconds(20)).until(() -> n1.io().sockets().adapter().serverCount().get() == 2);
        assertThat(n1.io().fetchSockets().get()).hasSize(2);
    }

    @SafeVarargs
    private static void assertFailsWithin(Supplier<CompletableFuture<?>> request,
            Class<? extends Throwable>... types) {
        long start = System.nanoTime();
        Throwable cause = assertThat(request.get()).failsWithin(BOUND)
                .withThrowableOfType(ExecutionException.class).actual().getCause();
        assertThat(types).as("the failure's cause: %s", cause).anyMatch(type -> type.isInstance(cause));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
    }
}
