package dev.socketeer.adapter;

/**
 * Offsets for the in-memory packet log, in the format of the reference's {@code yeast} ids: the
 * current time in milliseconds written with a 64-character alphabet, suffixed with
 * {@code .<n>} when several ids are generated within the same millisecond.
 */
final class OffsetGenerator {

    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_".toCharArray();

    private String previous;
    private int seed;

    synchronized String next() {
        String now = encode(System.currentTimeMillis());
        if (!now.equals(previous)) {
            seed = 0;
            previous = now;
            return now;
        }
        return now + "." + encode(seed++);
    }

    static String encode(long value) {
        StringBuilder out = new StringBuilder();
        do {
            out.insert(0, ALPHABET[(int) (value % ALPHABET.length)]);
            value /= ALPHABET.length;
        } while (value > 0);
        return out.toString();
    }
}
