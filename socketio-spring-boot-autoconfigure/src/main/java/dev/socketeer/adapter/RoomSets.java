package dev.socketeer.adapter;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sets behind the adapter's room maps (a room's members, a socket's rooms), changed only inside
 * the owning map's {@code compute} for that key. Most are tiny and live as long as a connection —
 * every socket's own room has one member, most sockets are in one or two rooms — so a set of up to
 * {@value #SMALL} elements is an immutable copy, replaced on each change (24 bytes for one or two
 * elements, where a concurrent set costs about 180); a bigger one becomes a concurrent set changed
 * in place. Readers take the set from the map and iterate it without locking, either way.
 */
final class RoomSets {

    static final int SMALL = 8;

    private RoomSets() {
    }

    /** The set to store once {@code element} is added to {@code set} (which may be {@code null}). */
    static Set<String> with(Set<String> set, String element) {
        if (set == null || set.isEmpty()) {
            return Set.of(element);
        }
        if (set.contains(element)) {
            return set;
        }
        if (set instanceof ConcurrentHashMap.KeySetView) {
            set.add(element);
            return set;
        }
        if (set.size() < SMALL) {
            String[] elements = set.toArray(new String[set.size() + 1]);
            elements[elements.length - 1] = element;
            return Set.of(elements);
        }
        Set<String> grown = ConcurrentHashMap.newKeySet(4 * SMALL);
        grown.addAll(set);
        grown.add(element);
        return grown;
    }

    /** The set to store once {@code element} is removed from {@code set}; empty, never {@code null}. */
    static Set<String> without(Set<String> set, String element) {
        if (!set.contains(element)) {
            return set;
        }
        if (set instanceof ConcurrentHashMap.KeySetView) {
            set.remove(element);
            return set;
        }
        if (set.size() == 1) {
            return Set.of();
        }
        String[] rest = new String[set.size() - 1];
        int i = 0;
        for (String kept : set) {
            if (!kept.equals(element)) {
                rest[i++] = kept;
            }
        }
        return Set.of(rest);
    }
}
