package dev.socketeer.engine;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Generates ids in the reference's base64id format: 12 random bytes then a 32-bit counter,
 * URL-safe base64, always 20 characters (the Redis sharded adapter relies on that length).
 *
 * <p>The generators are seeded when constructed: construct it at startup, not on an event loop,
 * since seeding reads the system's entropy source. Generating ids afterwards never does I/O.
 * Thread-safe.
 *
 * <p>One DRBG is a single lock: a connect storm on several event loops queued on it. The random
 * bytes therefore come from a small array of independently seeded DRBGs, picked by thread, so
 * each event loop in practice has its own generator and the ids stay as unpredictable as before.
 */
public final class Base64Id {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder();

    private final SecureRandom[] randoms;
    private final int mask;
    private final AtomicInteger sequence;

    /** A generator seeded now. */
    public Base64Id() {
        int stripes = Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors() * 2 - 1)) << 1;
        randoms = new SecureRandom[stripes];
        mask = stripes - 1;
        for (int i = 0; i < stripes; i++) {
            randoms[i] = newDrbg();
        }
        sequence = new AtomicInteger(randoms[0].nextInt());
    }

    private static SecureRandom newDrbg() {
        try {
            // DRBG: seeded once, then pure computation (NativePRNG reads /dev/urandom on every call).
            SecureRandom random = SecureRandom.getInstance("DRBG");
            random.nextInt(); // instantiate (and read the seed) now, not on first use
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JVM has no DRBG SecureRandom", e);
        }
    }

    /** A new id. */
    public String next() {
        byte[] bytes = new byte[15];
        // Thread ids of one event loop group are consecutive, so they map to distinct generators.
        randoms[(int) Thread.currentThread().getId() & mask].nextBytes(bytes);
        int value = sequence.getAndIncrement();
        bytes[11] = (byte) (value >>> 24);
        bytes[12] = (byte) (value >>> 16);
        bytes[13] = (byte) (value >>> 8);
        bytes[14] = (byte) value;
        return ENCODER.encodeToString(bytes);
    }
}
