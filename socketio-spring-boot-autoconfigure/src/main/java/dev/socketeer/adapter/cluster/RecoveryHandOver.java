package dev.socketeer.adapter.cluster;

import dev.socketeer.adapter.BroadcastFlags;
import dev.socketeer.adapter.LocalSocket;
import dev.socketeer.protocol.engineio.EngineMessage;
import dev.socketeer.protocol.socketio.Packet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * One restored session's hand-over from replay to live delivery, for the adapters that replay from shared storage
 * (the Redis streams adapter: stream entry ids; the Postgres adapter: event row ids). While the storage is read, the
 * broadcasts delivered here for the session's rooms are kept by offset and merged with what was read ({@link #ready});
 * once the session is handed to the new socket, later ones wait (encoded) until the socket is connected, except those
 * the replay already holds; then they are written ({@link #goLive}), and the socket gets everything else as any
 * socket does, still without those the replay held: this server may deliver a stored event after the replay read it
 * (its reader was behind the storage). The adapter offers every broadcast until the hand-over is {@link #settled} (a
 * delivery at or past the last replayed offset), and decides once per broadcast whether a socket gets it through the
 * hand-over or directly.
 *
 * @param <K> the offset type, ordered as the storage orders its events
 */
public final class RecoveryHandOver<K> {

    private final String sid;
    private final List<String> rooms;
    private final TreeMap<K, List<Object>> captured;
    private final Comparator<? super K> order;
    private final List<List<Object>> capturedWithoutOffset = new ArrayList<>();
    private final List<Held> held = new ArrayList<>();
    private Set<K> replayed;
    /** The highest offset replayed ({@code null}: none). */
    private K lastReplayed;
    private volatile boolean live;
    private volatile boolean settled;

    /** @param order how the storage orders offsets ({@code null}: their natural order) */
    public RecoveryHandOver(String sid, List<String> rooms, Comparator<? super K> order) {
        this.sid = sid;
        this.rooms = rooms;
        this.captured = new TreeMap<>(order);
        this.order = order;
    }

    /** The id of the socket the session is handed to. */
    public String sid() {
        return sid;
    }

    /** The rooms the session was in, which decide whether a broadcast concerns it. */
    public List<String> rooms() {
        return rooms;
    }

    /**
     * A broadcast this server delivers while the session is handed over, with its offset ({@code null}: stored
     * without one). Returns whether the hand-over deals with it for the socket: keeps it for the replay, holds it
     * until the socket is connected, or drops it (replayed already, or not for the session); when it does not, the
     * socket is connected and gets it as any other socket would, by the rooms it is in now.
     *
     * @param concerned whether the broadcast is for the session's rooms
     */
    public synchronized boolean offer(Packet packet, List<EngineMessage> messages, K offset, BroadcastFlags flags,
            boolean concerned) {
        if (live) {
            return offset != null && replayed.contains(offset); // replayed already: this delivery of it came late
        }
        if (!concerned || packet.id() != null || flags.isVolatile()) {
            return true; // not for the session, or not replayed either
        }
        if (replayed == null) {
            if (offset != null) {
                captured.put(offset, dataOf(packet));
            } else {
                capturedWithoutOffset.add(dataOf(packet));
            }
        } else if (offset == null || !replayed.contains(offset)) {
            held.add(new Held(packet, messages, flags));
        }
        return true;
    }

    /** The replay: the events read from storage and those delivered meanwhile, by offset, each once. */
    public synchronized List<List<Object>> ready(TreeMap<K, List<Object>> fromStorage) {
        captured.forEach(fromStorage::putIfAbsent);
        replayed = new HashSet<>(fromStorage.keySet());
        lastReplayed = fromStorage.isEmpty() ? null : fromStorage.lastKey();
        List<List<Object>> packets = new ArrayList<>(fromStorage.values());
        packets.addAll(capturedWithoutOffset);
        captured.clear();
        capturedWithoutOffset.clear();
        return packets;
    }

    /** The new socket is connected: what waited is written, and later broadcasts go to it directly. */
    public synchronized void goLive(LocalSocket socket) {
        for (Held packet : held) {
            socket.notifyOutgoing(packet.packet());
            socket.write(packet.messages(), packet.flags().isVolatile(), packet.flags().compress());
        }
        held.clear();
        live = true;
    }

    /** Whether the new socket is connected (its state is its own from then on: rooms, data). */
    public boolean isLive() {
        return live;
    }

    /**
     * Whether the socket is connected and this server's deliveries have reached {@code position} at or past the last
     * replayed offset: then it may get broadcasts directly, the hand-over is over ({@code position} {@code null}:
     * unknown, not yet unless nothing was replayed). Once true, stays true.
     */
    public synchronized boolean settled(K position) {
        if (!settled && live && (lastReplayed == null || position != null && compare(position, lastReplayed) >= 0)) {
            settled = true;
        }
        return settled;
    }

    @SuppressWarnings("unchecked")
    private int compare(K a, K b) {
        return order != null ? order.compare(a, b) : ((Comparable<? super K>) a).compareTo(b);
    }

    /** An event packet's arguments as a new mutable list (its data is a JSON array or a list). */
    public static List<Object> dataOf(Packet packet) {
        List<Object> data = new ArrayList<>();
        if (packet.data() instanceof JsonNode tree) {
            tree.forEach(data::add);
        } else if (packet.data() instanceof List<?> list) {
            data.addAll(list);
        }
        return data;
    }

    private record Held(Packet packet, List<EngineMessage> messages, BroadcastFlags flags) {
    }
}
