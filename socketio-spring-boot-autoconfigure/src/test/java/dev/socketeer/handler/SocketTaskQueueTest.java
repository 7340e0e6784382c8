package dev.socketeer.handler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
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

    @Test
    void onTheBoundedPoolEachSocketsTasksRunInOrderOneAtATime() throws InterruptedException {
        int sockets = 50;
        int perSocket = 400;
        try (HandlerExecutor bounded = HandlerExecutor.bounded(8, 100_000)) {
            SocketTaskQueue[] queues = new SocketTaskQueue[sockets];
            List<List<Integer>> seen = new ArrayList<>();
            int[] running = new int[sockets];
            List<String> overlaps = new CopyOnWriteArrayList<>();
            for (int s = 0; s < sockets; s++) {
                queues[s] = new SocketTaskQueue(bounded);
                seen.add(new CopyOnWriteArrayList<>());
            }
            CountDownLatch done = new CountDownLatch(sockets * perSocket);
            // one submitting thread, as an event loop: the sockets' events interleaved, blocking ones mostly
            for (int i = 0; i < perSocket; i++) {
                for (int s = 0; s < sockets; s++) {
                    int socket = s;
                    int n = i;
                    queues[s].submit(() -> {
                        if (++running[socket] != 1) {
                            overlaps.add(socket + ":" + n);
                        }
                        seen.get(socket).add(n);
                        if (n % 97 == 0) {
                            sleepQuietly(1);
                        }
                        running[socket]--;
                        done.countDown();
                    }, n % 5 != 0);
                }
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(overlaps).isEmpty();
            List<Integer> expected = IntStream.range(0, perSocket).boxed().toList();
            for (int s = 0; s < sockets; s++) {
                assertThat(seen.get(s)).as("socket %d", s).isEqualTo(expected);
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
