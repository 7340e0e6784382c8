package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.test.NodeSocketIoClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Numbered messages sent every 20 ms by several senders at once (servers, emitters) while a test kills a Redis
 * master, and what became of them: {@link #start} sends, {@link #killed} marks the kill, {@link #awaitResumed} waits
 * until every remote client gets messages again, {@link #finish} stops, asserts that local delivery never stopped,
 * that nothing arrived twice and that nothing sent after delivery resumed was lost, and prints each flow's losses
 * relative to the kill, prefixed with the given label.
 */
final class FailoverTraffic implements AutoCloseable {

    private static final long PERIOD_MILLIS = 20;

    /**
     * One sender's messages: {@code send} sends number n as event {@code event} to clients that are on the sender's
     * own server ({@code local}: every message must reach them) or on others ({@code remote}).
     */
    record Flow(String event, IntConsumer send, List<String> local, List<String> remote) {
    }

    private final String label;
    private final NodeSocketIoClient clients;
    private final List<Flow> flows;
    private final Map<Integer, Long> sentAt = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private final Thread sender;
    private volatile long killedAt;
    private volatile int resumed;

    private FailoverTraffic(String label, NodeSocketIoClient clients, List<Flow> flows) {
        this.label = label;
        this.clients = clients;
        this.flows = flows;
        this.sender = new Thread(this::send, label + "-sender");
    }

    /** Starts sending, and returns once every remote client got a few messages of every flow. */
    static FailoverTraffic start(String label, NodeSocketIoClient clients, List<Flow> flows) {
        FailoverTraffic traffic = new FailoverTraffic(label, clients, flows);
        traffic.sender.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> flows.stream().allMatch(flow -> flow.remote().stream()
                .allMatch(client -> traffic.received(client, flow.event()).size() > 10)));
        return traffic;
    }

    private void send() {
        while (sending.get()) {
            int seq = next.getAndIncrement();
            sentAt.put(seq, System.nanoTime());
            for (Flow flow : flows) {
                try {
                    flow.send().accept(seq);
                } catch (RuntimeException e) {
                    // a sender that refuses while Redis is away: that message is lost, which is what is measured
                }
            }
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Marks now as the moment the master was killed. */
    void killed() {
        killedAt = System.nanoTime();
    }

    /** Milliseconds since the kill. */
    long sinceKill() {
        return Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
    }

    /** Waits until every remote client gets messages of every flow sent from now on. */
    void awaitResumed(Duration timeout) {
        int from = next.get();
        for (Flow flow : flows) {
            for (String client : flow.remote()) {
                await(flow.event() + " reaching " + client + " again").atMost(timeout)
                        .until(() -> received(client, flow.event()).stream().anyMatch(seq -> seq > from));
            }
        }
        resumed = next.get();
    }

    /** Sends half a second more, stops, and checks and prints what arrived. */
    void finish() throws InterruptedException {
        int last = resumed + 25;
        await().atMost(Duration.ofSeconds(10)).until(() -> next.get() > last);
        stop();
        int sent = next.get();
        for (Flow flow : flows) {
            for (String client : flow.remote()) {
                await().atMost(Duration.ofSeconds(15)).until(() -> received(client, flow.event()).contains(sent - 1));
            }
        }
        System.out.printf("[%s] %d messages a flow, one every %.0f ms; master killed at +0%n", label, sent,
                (sentAt.get(sent - 1) - sentAt.get(0)) / 1e6 / (sent - 1));
        for (Flow flow : flows) {
            // local delivery never stopped: the sender's own clients got everything, once
            for (String client : flow.local()) {
                assertThat(received(client, flow.event())).as(flow.event() + " to local " + client).hasSize(sent)
                        .doesNotHaveDuplicates();
            }
            for (String client : flow.remote()) {
                List<Integer> got = received(client, flow.event());
                assertThat(got).as(flow.event() + " to " + client).doesNotHaveDuplicates();
                boolean[] arrived = new boolean[sent];
                got.forEach(seq -> arrived[seq] = true);
                TreeSet<Integer> lost = new TreeSet<>();
                for (int seq = 0; seq < sent; seq++) {
                    if (!arrived[seq]) {
                        lost.add(seq);
                    }
                }
                System.out.printf("[%s] %-16s -> %-3s %3d lost%s%n", label, flow.event(), client, lost.size(),
                        lost.isEmpty() ? "" : String.format(", sent from %+d ms to %+d ms",
                                millisAfterKill(lost.first()), millisAfterKill(lost.last())));
                // what was lost was lost during the failover: once delivery resumed, everything arrived
                assertThat(lost).as(flow.event() + " lost by " + client).allMatch(seq -> seq < resumed);
            }
        }
    }

    private long millisAfterKill(int seq) {
        return Duration.ofNanos(sentAt.get(seq) - killedAt).toMillis();
    }

    private List<Integer> received(String client, String event) {
        List<Integer> seqs = new ArrayList<>();
        clients.reports().stream().filter(r -> "event".equals(r.path("type").asString(""))
                && client.equals(r.path("client").asString("")) && event.equals(r.path("event").asString("")))
                .forEach(r -> seqs.add(r.get("args").get(0).asInt()));
        return seqs;
    }

    private void stop() throws InterruptedException {
        sending.set(false);
        sender.join();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
