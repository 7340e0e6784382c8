package dev.socketeer.handler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HandlerExecutorTest {

    @Test
    void theBoundedPoolRunsOnNamedDaemonThreadsAndNeverMoreThanItsMaximumAtOnce() throws Exception {
        try (HandlerExecutor executor = HandlerExecutor.bounded(3, 1_000)) {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger mostAtOnce = new AtomicInteger();
            Set<String> threads = ConcurrentHashMap.newKeySet();
            CountDownLatch done = new CountDownLatch(40);
            List<RuntimeException> rejected = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 40; i++) {
                executor.execute(() -> {
                    int now = running.incrementAndGet();
                    mostAtOnce.accumulateAndGet(now, Math::max);
                    Thread thread = Thread.currentThread();
                    threads.add(thread.getName() + (thread.isDaemon() ? "" : " (not a daemon)"));
                    sleep(5);
                    running.decrementAndGet();
                    done.countDown();
                }, rejected::add);
            }
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(rejected).isEmpty();
            assertThat(mostAtOnce.get()).isBetween(1, 3);
            assertThat(threads).hasSizeBetween(1, 3).allMatch(name -> name.matches("socketio-handler-\\d+"));
        }
    }

    @Test
    void aTaskOverTheQueueBoundIsRejectedAndTheOthersStillRun() throws Exception {
        try (HandlerExecutor executor = HandlerExecutor.bounded(1, 2)) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch ran = new CountDownLatch(3);
            List<RuntimeException> rejected = new CopyOnWriteArrayList<>();
            executor.execute(() -> {
                await(release);
                ran.countDown();
            }, rejected::add);
            // the only thread is busy: two tasks wait in the queue, the fourth is over the bound
            executor.execute(ran::countDown, rejected::add);
            executor.execute(ran::countDown, rejected::add);
            executor.execute(ran::countDown, rejected::add);
            assertThat(rejected).hasSize(1);
            release.countDown();
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void afterCloseTasksAreRejected() {
        HandlerExecutor executor = HandlerExecutor.bounded(2, 10);
        executor.close();
        List<RuntimeException> rejected = new CopyOnWriteArrayList<>();
        executor.execute(() -> { }, rejected::add);
        assertThat(rejected).hasSize(1);
    }

    @Test
    void tasksThatBlockEachGetAThreadWhileThePoolHasThreadsToSpare() throws Exception {
        try (HandlerExecutor executor = HandlerExecutor.bounded(8, 1_000)) {
            for (int round = 0; round < 50; round++) {
                // each task waits for all the others: the round ends only if all 8 run at the same time, however
                // the submissions met a spinning thread, a parked one or none
                CountDownLatch together = new CountDownLatch(8);
                CountDownLatch done = new CountDownLatch(8);
                for (int i = 0; i < 8; i++) {
                    executor.execute(() -> {
                        together.countDown();
                        await(together);
                        done.countDown();
                    }, rejected -> { });
                }
                assertThat(done.await(10, TimeUnit.SECONDS)).as("round %d", round).isTrue();
                if (round % 10 == 0) {
                    sleep(2); // let the threads park now and then
                }
            }
        }
    }

    @Test
    void everyTaskRunsWhenManyThreadsSubmitAtOnce() throws Exception {
        try (HandlerExecutor executor = HandlerExecutor.bounded(4, 1_000_000)) {
            int submitters = 4;
            int perSubmitter = 20_000;
            AtomicInteger ran = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(submitters * perSubmitter);
            List<RuntimeException> rejected = new CopyOnWriteArrayList<>();
            Thread[] threads = new Thread[submitters];
            for (int t = 0; t < submitters; t++) {
                threads[t] = new Thread(() -> {
                    for (int i = 0; i < perSubmitter; i++) {
                        executor.execute(() -> {
                            ran.incrementAndGet();
                            done.countDown();
                        }, rejected::add);
                        if (i % 1000 == 0) {
                            sleep(1); // gaps: the pool's threads spin, park and are woken again
                        }
                    }
                });
                threads[t].start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(done.await(20, TimeUnit.SECONDS)).as("ran %d", ran.get()).isTrue();
            assertThat(rejected).isEmpty();
        }
    }

    @Test
    void closeLetsTheQueuedTasksRun() throws Exception {
        HandlerExecutor executor = HandlerExecutor.bounded(1, 10);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch ran = new CountDownLatch(3);
        List<RuntimeException> rejected = new CopyOnWriteArrayList<>();
        executor.execute(() -> {
            await(release);
            ran.countDown();
        }, rejected::add);
        executor.execute(ran::countDown, rejected::add);
        executor.execute(ran::countDown, rejected::add);
        executor.close();
        release.countDown();
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(rejected).isEmpty();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
