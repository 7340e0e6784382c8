package dev.socketeer.adapter.cluster;

import dev.socketeer.adapter.BroadcastFlags;
import dev.socketeer.adapter.LocalNamespace;
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
 * the replay already holds; then they are written ({@link #goLive}), and the socket gets everything else directly.
 *
 * @param <K> the offset type, ordered as the storage orders its events
 */
public final class RecoveryHandOver<K> {

    private final LocalNamespace namespace;
    private final String sid;
    private final List<String> rooms;
    private final TreeMap<K, List<Object>> captured;
    private final List<List<Object>> capturedWithoutOffset = new ArrayList<>();
    private final List<Held> held = new ArrayList<>();
    private Set<K> replayed;
    private boolean live;

    /** @param order how the storage orders offsets ({@code null}: their natural order) */
    public RecoveryHandOver(LocalNamespace namespace, String sid, List<String> rooms, Comparator<? super K> order) {
        this.namespace = namespace;
        this.sid = sid;
        this.rooms = rooms;
        this.captured = new TreeMap<>(order);
    }

    /** The rooms the session was in, which decide whether a broadcast concerns it. */
    public List<String> rooms() {
        return rooms;
    }

    /** A broadcast delivered here for the session's rooms, with its offset ({@code null}: stored without one). */
    public synchronized void offer(Packet packet, List<EngineMessage> messages, K offset, BroadcastFlags flags) {
        if (live) {
            LocalSocket socket = namespace.socket(sid);
            if (socket != null) {
                socket.notifyOutgoing(packet);
                socket.write(messages, flags.isVolatile(), flags.compress());
            }
        } else if (packet.id() != null || flags.isVolatile()) {
            return; // not replayed either
        } else if (replayed == null) {
            if (offset != null) {
                captured.put(offset, dataOf(packet));
            } else {
                capturedWithoutOffset.add(dataOf(packet));
            }
        } else if (offset == null || !replayed.contains(offset)) {
            held.add(new Held(packet, messages, flags));
        }
    }

    /** The replay: the events read from storage and those delivered meanwhile, by offset, each once. */
    public synchronized List<List<Object>> ready(TreeMap<K, List<Object>> fromStorage) {
        captured.forEach(fromStorage::putIfAbsent);
        replayed = new HashSet<>(fromStorage.keySet());
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
