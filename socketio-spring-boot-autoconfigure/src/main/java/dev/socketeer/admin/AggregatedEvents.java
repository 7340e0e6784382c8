package dev.socketeer.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts per second, as the reference's event buffer: connections, disconnections by reason, packets and bytes in
 * and out. Counting is a read of the current second's bucket and a {@link LongAdder} increment; {@link #drain} hands
 * the buckets over as the {@code aggregatedEvents} of {@code server_stats} (one entry per second, type and reason).
 * A count racing with the drain may land in a bucket already reported and be lost: these are statistics.
 */
final class AggregatedEvents {

    private volatile Bucket current = new Bucket(second(System.currentTimeMillis()));
    private final List<Bucket> done = new ArrayList<>(); // guarded by this

    private static long second(long millis) {
        return millis - millis % 1000;
    }

    private Bucket bucket() {
        Bucket bucket = current;
        long now = System.currentTimeMillis();
        if (now - bucket.timestamp < 1000 && now >= bucket.timestamp) {
            return bucket;
        }
        synchronized (this) {
            bucket = current;
            if (second(now) != bucket.timestamp) {
                done.add(bucket);
                bucket = new Bucket(second(now));
                current = bucket;
            }
            return bucket;
        }
    }

    void connection() {
        bucket().connections.increment();
    }

    void disconnection(String reason) {
        bucket().disconnections.computeIfAbsent(reason == null ? "unknown" : reason, key -> new LongAdder())
                .increment();
    }

    void packetIn(int bytes) {
        Bucket bucket = bucket();
        bucket.packetsIn.increment();
        bucket.bytesIn.add(bytes);
    }

    void packetOut(int bytes) {
        Bucket bucket = bucket();
        bucket.packetsOut.increment();
        bucket.bytesOut.add(bytes);
    }

    /** Everything counted since the last drain, as {@code {timestamp, type, subType?, count}} entries. */
    List<Map<String, Object>> drain() {
        List<Bucket> buckets;
        synchronized (this) {
            buckets = new ArrayList<>(done);
            done.clear();
            buckets.add(current);
            current = new Bucket(current.timestamp);
        }
        List<Map<String, Object>> events = new ArrayList<>();
        for (Bucket bucket : buckets) {
            bucket.report(events);
        }
        return events;
    }

    private static final class Bucket {

        final long timestamp;
        final LongAdder connections = new LongAdder();
        final Map<String, LongAdder> disconnections = new ConcurrentHashMap<>(4);
        final LongAdder packetsIn = new LongAdder();
        final LongAdder packetsOut = new LongAdder();
        final LongAdder bytesIn = new LongAdder();
        final LongAdder bytesOut = new LongAdder();

        Bucket(long timestamp) {
            this.timestamp = timestamp;
        }

        void report(List<Map<String, Object>> events) {
            add(events, "rawConnection", null, connections.sum());
            disconnections.forEach((reason, count) -> add(events, "rawDisconnection", reason, count.sum()));
            add(events, "packetsIn", null, packetsIn.sum());
            add(events, "packetsOut", null, packetsOut.sum());
            add(events, "bytesIn", null, bytesIn.sum());
            add(events, "bytesOut", null, bytesOut.sum());
        }

        private void add(List<Map<String, Object>> events, String type, String subType, long count) {
            if (count == 0) {
                return;
            }
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("timestamp", timestamp);
            event.put("type", type);
            if (subType != null) {
                event.put("subType", subType);
            }
            event.put("count", count);
            events.add(event);
        }
    }
}
