package dev.socketeer.adapter;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Who receives a broadcast.
 *
 * @param rooms the union of these rooms; empty means every socket of the namespace
 * @param except sockets in any of these rooms are skipped (a socket id is also a room)
 * @param flags the broadcast flags
 */
public record BroadcastOptions(Set<String> rooms, Set<String> except, BroadcastFlags flags) {

    /** Every socket of the namespace, no flags. */
    public static final BroadcastOptions ALL = new BroadcastOptions(Set.of(), Set.of(), BroadcastFlags.NONE);

    public BroadcastOptions {
        rooms = Collections.unmodifiableSet(new LinkedHashSet<>(rooms));
        except = Collections.unmodifiableSet(new LinkedHashSet<>(except));
        Objects.requireNonNull(flags, "flags");
    }

    /** Exactly one socket (its own room). */
    public static BroadcastOptions socket(String id) {
        return new BroadcastOptions(Set.of(id), Set.of(), BroadcastFlags.NONE);
    }
}
