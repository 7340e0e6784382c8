package dev.socketeer.adapter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.adapter.ClusterUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * {@link BackendState#awaitUp}: what a restore waits on while the backend is held down. One-shot futures that
 * complete at up, fail at their timeout or at close, and are forgotten either way (no waiter piles up while the
 * backend never comes back).
 */
class BackendStateTest {

    private static BackendState down() {
        BackendState state = new BackendState("test adapter", "redis", "127.0.0.1:1");
        state.down(new IllegalStateException("refused"));
        return state;
    }

    @Test
    void waitersCompleteWhenTheBackendIsUpAndAtOnceWhileItIs() {
        BackendState state = down();
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            waiting.add(state.awaitUp(Duration.ofSeconds(30)));
        }
        assertThat(waiting).noneMatch(CompletableFuture::isDone);
        assertThat(state.waiting()).isEqualTo(100);

        state.up();
        assertThat(waiting).allMatch(future -> future.isDone() && !future.isCompletedExceptionally());
        assertThat(state.waiting()).isZero();
        assertThat(state.awaitUp(Duration.ofSeconds(30))).isCompleted();
    }

    @Test
    void waitersThatTimeOutOrAreCancelledAreForgotten() {
        BackendState state = down();
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            waiting.add(state.awaitUp(Duration.ofMillis(200)));
        }
        CompletableFuture<Void> cancelled = state.awaitUp(Duration.ofSeconds(30));
        cancelled.cancel(false);
        assertThat(state.waiting()).isEqualTo(1_000);
        for (CompletableFuture<Void> future : waiting) {
            assertThat(future).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(ClusterUnavailableException.class);
        }
        assertThat(state.waiting()).isZero();
    }

    @Test
    void closeReleasesEveryWaiterAndLaterOnesFailAtOnce() {
        BackendState state = down();
        CompletableFuture<Void> waiting = state.awaitUp(Duration.ofSeconds(30));
        state.close();
        assertThat(waiting).isCompletedExceptionally();
        assertThat(state.waiting()).isZero();
        assertThat(state.awaitUp(Duration.ofSeconds(30))).isCompletedExceptionally();
    }
}
