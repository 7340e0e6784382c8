package dev.socketeer.handler;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;

/**
 * At most one WARN line per interval, for what a client controls (each malformed event it sends); the next line says
 * how many were left out meanwhile, so a bad client cannot flood the log and an operator still sees the volume.
 */
final class RateLimitedLog {

    private final Log log;
    private final long intervalNanos;
    private final AtomicLong nextAllowed = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(Log log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    void warn(Supplier<String> message) {
        long now = System.nanoTime();
        long allowed = nextAllowed.get();
        if (now - allowed >= 0 && nextAllowed.compareAndSet(allowed, now + intervalNanos)) {
            long left = suppressed.getAndSet(0);
            log.warn(message.get() + (left == 0 ? "" : " (" + left + " more such lines left out since the last one)"));
        } else {
            suppressed.incrementAndGet();
        }
    }
}
