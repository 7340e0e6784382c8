package dev.socketeer.adapter;

import java.time.Duration;

/**
 * Flags of one broadcast.
 *
 * @param isVolatile skip recipients whose transport is not writable right now
 * @param compress whether the transport may compress the packet (default true)
 * @param local only this server's sockets, even with a cluster adapter
 * @param timeout how long a broadcast with acknowledgement waits, or {@code null} when not set
 */
public record BroadcastFlags(boolean isVolatile, boolean compress, boolean local, Duration timeout) {

    /** No flag set: compressed, not volatile, cluster-wide, no timeout. */
    public static final BroadcastFlags NONE = new BroadcastFlags(false, true, false, null);

    public BroadcastFlags withVolatile(boolean isVolatile) {
        return new BroadcastFlags(isVolatile, compress, local, timeout);
    }

    public BroadcastFlags withCompress(boolean compress) {
        return new BroadcastFlags(isVolatile, compress, local, timeout);
    }

    public BroadcastFlags withLocal(boolean local) {
        return new BroadcastFlags(isVolatile, compress, local, timeout);
    }

    public BroadcastFlags withTimeout(Duration timeout) {
        return new BroadcastFlags(isVolatile, compress, local, timeout);
    }
}
