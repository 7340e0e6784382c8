package dev.socketeer.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.resources.LoopResources;

/** Proves BlockHound is active in every test JVM: blocking on a non-blocking thread fails, and is recorded. */
class BlockHoundInstalledTest {

    @Test
    void sleepingOnAReactorParallelThreadFails() {
        Throwable error = catchThrowable(() -> sleepOn(Schedulers.parallel()));

        assertThat(hasBlockingOperationError(error)).as("BlockingOperationError in %s", error).isTrue();
        // recorded too, so that the class that made it fails even where the error itself was swallowed
        assertThat(BlockingCallCheckExtension.drain()).singleElement().asString().contains("sleep");
    }

    @Test
    void sleepingOnABoundedElasticThreadIsAllowed() {
        assertThat(sleepOn(Schedulers.boundedElastic())).isEqualTo(1);
        assertThat(BlockingCallCheckExtension.drain()).isEmpty();
    }

    @Test
    void sleepingOnAReactorNettyEventLoopFails() throws Exception {
        LoopResources loops = LoopResources.create("blockhound-test", 1, true);
        try {
            EventLoop loop = loops.onServer(false).next();
            Future<?> task = loop.submit(() -> {
                Thread.sleep(5);
                return null;
            });

            assertThat(task.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(hasBlockingOperationError(task.cause())).as("BlockingOperationError in %s", task.cause()).isTrue();
            assertThat(BlockingCallCheckExtension.drain()).singleElement().asString().contains("blockhound-test");
        }
        finally {
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        }
    }

    private static Integer sleepOn(reactor.core.scheduler.Scheduler scheduler) {
        return Mono.fromCallable(() -> {
            Thread.sleep(5);
            return 1;
        }).subscribeOn(scheduler).block(Duration.ofSeconds(5));
    }

    private static boolean hasBlockingOperationError(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof BlockingOperationError) {
                return true;
            }
        }
        return false;
    }
}
