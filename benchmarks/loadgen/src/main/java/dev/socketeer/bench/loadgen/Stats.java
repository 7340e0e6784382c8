package dev.socketeer.bench.loadgen;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/** Counters shared by every connection; written on the event loops, read by the scenario thread. */
final class Stats {

    final AtomicIntegerArray roomMembers;
    final LongAdder connected = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder connectErrorPackets = new LongAdder();
    final LongAdder disconnectedAfterConnect = new LongAdder();
    final LongAdder pingsAnswered = new LongAdder();

    // fan-out
    final LongAdder delivered = new LongAdder();
    final LongAdder expected = new LongAdder();
    final LongAdder corrupt = new LongAdder();
    final LongAdder late = new LongAdder();
    volatile long phaseFirstSeq;

    // request/ack
    final LongAdder acks = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder badAcks = new LongAdder();

    volatile boolean measuring;
    // Latencies up to 10 min are recorded as they are, longer ones as 10 min: a server that falls minutes behind
    // (Node at a fixed rate beyond what it delivers) must show in the percentiles, not throw on the client's loop.
    static final long MAX_LATENCY_NANOS = 600_000_000_000L;
    final Recorder latency = new Recorder(MAX_LATENCY_NANOS, 3);
    final Recorder connectLatency = new Recorder(MAX_LATENCY_NANOS, 3);

    Stats(int rooms) {
        this.roomMembers = new AtomicIntegerArray(rooms);
    }

    void recordLatency(long nanos) {
        if (measuring) {
            latency.recordValue(clamp(nanos));
        }
    }

    static long clamp(long nanos) {
        return Math.min(Math.max(0, nanos), MAX_LATENCY_NANOS);
    }
}
