package dev.socketeer.handler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SocketTaskQueueTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(4, task -> new Thread(task, "handler-pool"));
    private final HandlerExecutor executor = HandlerExecutor.of(pool);

    @AfterEach
    void shutdown() {
        pool.shutdownNow();
    }

    @Test
    void nonBlockingTaskRunsOnTheSubmittingThreadWhenNothingIsQueued() {
        SocketTaskQueue queue = new SocketTaskQueue(executor);
        List<String> threads = new CopyOnWriteArrayList<>();
        queue.submit(() -> threads.add(Thread.currentThread().getName()), false);
        assertThat(threads).containsExactly(Thread.currentThread().getName());
    }

    @Test
    void blockingTaskRunsOnTheExecutorAndTasksBehindItKeepTheirOrder() throws InterruptedException {
        SocketTaskQueue queue = new SocketTaskQueue(executor);
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        for (int i = 0; i < 50; i++) {
            int n = i;
            queue.submit(() -> {
                seen.add(n + "@" + Thread.currentThread().getName());
                if (n % 3 == 0) {
                    sleepQuietly(2);
                }
            }, n % 3 == 0);
        }
        queue.submit(done::countDown, true);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).hasSize(50);
        for (int i = 0; i < 50; i++) {
            assertThat(seen.get(i)).startsWith(i + "@");
        }
        assertThat(seen.get(0)).endsWith("@handler-pool");
        assertThat(SocketTaskQueue.onHandlerExecutor()).isFalse();
    }

    @Test
    void tasksOfOneQueueNeverOverlapWhenSubmittedFromManyThreads() throws InterruptedException {
        SocketTaskQueue queue = new SocketTaskQueue(executor);
        int[] running = new int[1];
        List<Integer> overlaps = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(400);
        ExecutorService submitters = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < 400; i++) {
                boolean blocking = i % 2 == 0;
                submitters.execute(() -> queue.submit(() -> {
                    if (++running[0] != 1) {
                        overlaps.add(running[0]);
                    }
                    running[0]--;
                    done.countDown();
                }, blocking));
            }
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            submitters.shutdownNow();
        }
        assertThat(overlaps).isEmpty();
    }

    @Test
    void failingTaskDoesNotStopTheQueue() {
        SocketTaskQueue queue = new SocketTaskQueue(executor);
        List<String> seen = new CopyOnWriteArrayList<>();
        queue.submit(() -> {
            throw new IllegalStateException("expected in this test");
        }, false);
        queue.submit(() -> seen.add("next"), false);
        assertThat(seen).containsExactly("next");
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
