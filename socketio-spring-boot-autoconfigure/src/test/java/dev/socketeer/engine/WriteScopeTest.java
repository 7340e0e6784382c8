package dev.socketeer.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** Work deferred during a fan-out reaches each target executor as one task, in order, when the fan-out ends. */
class WriteScopeTest {

    /** Counts the tasks it is given and runs them at once. */
    private static final class CountingExecutor implements Executor {
        int tasks;

        @Override
        public void execute(Runnable task) {
            tasks++;
            task.run();
        }
    }

    @Test
    void outsideAScopeNothingIsDeferred() {
        assertThat(WriteScope.defer(Runnable::run, () -> { })).isFalse();
    }

    @Test
    void workForOneTargetIsHandedOverAsOneTaskInOrderWhenTheScopeEnds() {
        CountingExecutor loopA = new CountingExecutor();
        CountingExecutor loopB = new CountingExecutor();
        List<String> ran = new ArrayList<>();

        WriteScope.run(() -> {
            for (int i = 0; i < 5; i++) {
                int n = i;
                assertThat(WriteScope.defer(loopA, () -> ran.add("a" + n))).isTrue();
            }
            WriteScope.defer(loopB, () -> ran.add("b"));
            assertThat(ran).as("nothing runs before the fan-out ends").isEmpty();
        });

        assertThat(loopA.tasks).isEqualTo(1);
        assertThat(loopB.tasks).isEqualTo(1);
        assertThat(ran).containsSubsequence("a0", "a1", "a2", "a3", "a4").contains("b").hasSize(6);
        assertThat(WriteScope.defer(loopA, () -> { })).as("the scope is closed").isFalse();
    }

    @Test
    void nestedScopesHandOverOnceTheOutermostEnds() {
        CountingExecutor loop = new CountingExecutor();
        List<String> ran = new ArrayList<>();

        WriteScope.run(() -> {
            WriteScope.run(() -> WriteScope.defer(loop, () -> ran.add("inner")));
            assertThat(ran).isEmpty();
            WriteScope.defer(loop, () -> ran.add("outer"));
        });

        assertThat(loop.tasks).isEqualTo(1);
        assertThat(ran).containsExactly("inner", "outer");
    }

    @Test
    void aFailingFanOutStillHandsOverWhatItDeferredAndOneFailingPieceSparesTheOthers() {
        CountingExecutor loop = new CountingExecutor();
        List<String> ran = new ArrayList<>();

        assertThatThrownBy(() -> WriteScope.run(() -> {
            WriteScope.defer(loop, () -> {
                throw new IllegalStateException("one connection failed");
            });
            WriteScope.defer(loop, () -> ran.add("next"));
            throw new IllegalArgumentException("fan-out failed");
        })).isInstanceOf(IllegalArgumentException.class);

        assertThat(ran).containsExactly("next");
        assertThat(WriteScope.defer(loop, () -> { })).isFalse();
    }
}
