package dev.socketeer.bench.loadgen;

import io.netty.buffer.ByteBuf;

/**
 * The little of Engine.IO v4 / Socket.IO v5 the generator parses: the benchmark payload is one
 * JSON string {@code "<seq>,<sendNanos>,<pad>"} of a fixed length, whose pad repeats one letter
 * chosen by the sequence number, so every delivery can be checked byte by byte.
 */
final class Wire {

    private Wire() {
    }

    static final byte RS = 0x1E;

    /** The payload string for a sequence number (without the JSON quotes). */
    static String payload(long seq, long nanos, int size) {
        StringBuilder sb = new StringBuilder(size + 8);
        sb.append(seq).append(',').append(nanos).append(',');
        char pad = padChar(seq);
        int padLength = Math.max(1, size - sb.length());
        for (int i = 0; i < padLength; i++) {
            sb.append(pad);
        }
        return sb.toString();
    }

    static char padChar(long seq) {
        return (char) ('a' + (int) (seq % 26));
    }

    /** Result of parsing a payload string: fields of a per-thread scratch object, no allocation. */
    static final class Parsed {
        long seq;
        long nanos;
        int end; // index just past the closing quote
    }

    /**
     * Parses {@code <seq>,<nanos>,<pad>"} starting at {@code from} (just after the opening
     * quote). Returns false when the payload is malformed or its pad is wrong.
     */
    static boolean parsePayload(ByteBuf b, int from, int to, int size, Parsed out) {
        int i = from;
        long seq = 0;
        int digits = 0;
        byte c;
        while (i < to && (c = b.getByte(i)) >= '0' && c <= '9') {
            seq = seq * 10 + (c - '0');
            i++;
            digits++;
        }
        if (digits == 0 || i >= to || b.getByte(i) != ',') {
            return false;
        }
        i++;
        long nanos = 0;
        boolean negative = false;
        if (i < to && b.getByte(i) == '-') {
            negative = true;
            i++;
        }
        digits = 0;
        while (i < to && (c = b.getByte(i)) >= '0' && c <= '9') {
            nanos = nanos * 10 + (c - '0');
            i++;
            digits++;
        }
        if (digits == 0 || i >= to || b.getByte(i) != ',') {
            return false;
        }
        i++;
        int padStart = i;
        byte pad = (byte) padChar(seq);
        while (i < to && b.getByte(i) == pad) {
            i++;
        }
        if (i >= to || b.getByte(i) != '"') {
            return false;
        }
        int length = i - from;
        int padLength = i - padStart;
        if (padLength < 1 || (length != size && padLength != 1)) {
            return false;
        }
        out.seq = seq;
        out.nanos = negative ? -nanos : nanos;
        out.end = i + 1;
        return true;
    }

    /**
     * Whether the event's arguments end at {@code end} ({@code ]}), or after one more string argument: the offset a
     * server with connection state recovery appends to every broadcast event ({@code ,"<offset>"]}).
     */
    static boolean endsArgs(ByteBuf b, int end, int to) {
        if (end + 1 == to && b.getByte(end) == ']') {
            return true;
        }
        if (end + 4 > to || b.getByte(end) != ',' || b.getByte(end + 1) != '"' || b.getByte(to - 1) != ']'
                || b.getByte(to - 2) != '"') {
            return false;
        }
        for (int i = end + 2; i < to - 2; i++) {
            byte c = b.getByte(i);
            if (c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    static boolean startsWith(ByteBuf b, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (b.getByte(from + k) != prefix[k]) {
                return false;
            }
        }
        return true;
    }

    /** Reads decimal digits from {@code from}; returns the value, and the index after it in {@code out.end}. */
    static long digits(ByteBuf b, int from, int to, Parsed out) {
        long v = 0;
        int i = from;
        byte c;
        while (i < to && (c = b.getByte(i)) >= '0' && c <= '9') {
            v = v * 10 + (c - '0');
            i++;
        }
        out.end = i;
        return i == from ? -1 : v;
    }

    static final byte[] EVENT_M = "42[\"m\",\"".getBytes();
    static final byte[] ACK_OPEN = "[\"".getBytes();
}
