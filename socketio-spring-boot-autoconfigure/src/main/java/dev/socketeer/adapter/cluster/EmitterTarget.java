package dev.socketeer.adapter.cluster;

import dev.socketeer.adapter.BroadcastFlags;
import dev.socketeer.adapter.BroadcastOptions;
import dev.socketeer.protocol.socketio.Packet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What an emitter (Redis, Redis streams, Postgres) targets: a namespace, rooms, rooms to skip and the broadcast flags.
 * Immutable: each step returns a new target, which the emitters wrap in a new emitter sharing their connection.
 *
 * @param nsp the namespace, with its leading {@code /}
 */
public record EmitterTarget(String nsp, Set<String> rooms, Set<String> except, BroadcastFlags flags) {

    /** The main namespace, every socket. */
    public static final EmitterTarget MAIN = new EmitterTarget("/", Set.of(), Set.of(), BroadcastFlags.NONE);

    /** Every socket of another namespace ({@code "chat"} and {@code "/chat"} are the same). */
    public EmitterTarget of(String namespace) {
        return new EmitterTarget(namespace.startsWith("/") ? namespace : "/" + namespace, Set.of(), Set.of(),
                BroadcastFlags.NONE);
    }

    /** These rooms too. */
    public EmitterTarget to(Collection<String> more) {
        return new EmitterTarget(nsp, union(rooms, more), except, flags);
    }

    /** Skipping the sockets of these rooms too. */
    public EmitterTarget except(Collection<String> more) {
        return new EmitterTarget(nsp, rooms, union(except, more), flags);
    }

    /** Volatile: recipients whose transport is not writable may miss the event. */
    public EmitterTarget asVolatile() {
        return new EmitterTarget(nsp, rooms, except, flags.withVolatile(true));
    }

    /** Whether the event may be compressed. */
    public EmitterTarget compress(boolean compress) {
        return new EmitterTarget(nsp, rooms, except, flags.withCompress(compress));
    }

    /** The rooms, rooms to skip and flags as the cluster messages carry them. */
    public BroadcastOptions options() {
        return new BroadcastOptions(rooms, except, flags);
    }

    /**
     * An event and its arguments as one list, the event name first.
     *
     * @throws IllegalArgumentException for a missing or reserved event name ({@code connect}, {@code disconnect}...)
     */
    public static List<Object> eventData(String event, Object... args) {
        if (event == null || Packet.RESERVED_EVENTS.contains(event)) {
            throw new IllegalArgumentException("\"" + event + "\" is a reserved event name");
        }
        List<Object> data = new ArrayList<>(args.length + 1);
        data.add(event);
        data.addAll(Arrays.asList(args));
        return data;
    }

    private static Set<String> union(Set<String> current, Collection<String> more) {
        Set<String> union = new LinkedHashSet<>(current);
        union.addAll(more);
        return Set.copyOf(union);
    }
}
