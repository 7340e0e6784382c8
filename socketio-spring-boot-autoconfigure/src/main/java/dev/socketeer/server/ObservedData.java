package dev.socketeer.server;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@link Socket#data()} when an observer watches it (the Admin UI's development mode): a synchronized map, locked on
 * itself as {@link java.util.Collections#synchronizedMap} is, that reports the key of every entry added, replaced or
 * removed, after the change and outside its lock (but for changes made through an iteration's entries, which the
 * caller runs under the lock). Values changed in place (a nested map mutated) are not seen: put the value again. Without a watching observer sockets get a plain synchronized map and pay nothing.
 */
final class ObservedData extends AbstractMap<String, Object> {

    private final Map<String, Object> map = new LinkedHashMap<>(4);
    private final Consumer<String> changed;

    ObservedData(Consumer<String> changed) {
        this.changed = changed;
    }

    @Override
    public int size() {
        synchronized (this) {
            return map.size();
        }
    }

    @Override
    public boolean isEmpty() {
        synchronized (this) {
            return map.isEmpty();
        }
    }

    @Override
    public boolean containsKey(Object key) {
        synchronized (this) {
            return map.containsKey(key);
        }
    }

    @Override
    public boolean containsValue(Object value) {
        synchronized (this) {
            return map.containsValue(value);
        }
    }

    @Override
    public Object get(Object key) {
        synchronized (this) {
            return map.get(key);
        }
    }

    @Override
    public Object getOrDefault(Object key, Object defaultValue) {
        synchronized (this) {
            return map.getOrDefault(key, defaultValue);
        }
    }

    @Override
    public Object put(String key, Object value) {
        Object previous;
        synchronized (this) {
            previous = map.put(key, value);
        }
        changed.accept(key);
        return previous;
    }

    @Override
    public void putAll(Map<? extends String, ?> entries) {
        synchronized (this) {
            map.putAll(entries);
        }
        entries.keySet().forEach(changed);
    }

    @Override
    public Object remove(Object key) {
        boolean present;
        Object previous;
        synchronized (this) {
            present = map.containsKey(key);
            previous = map.remove(key);
        }
        if (present) {
            changed.accept((String) key);
        }
        return previous;
    }

    @Override
    public void clear() {
        Set<String> keys;
        synchronized (this) {
            keys = Set.copyOf(map.keySet());
            map.clear();
        }
        keys.forEach(changed);
    }

    @Override
    public Object putIfAbsent(String key, Object value) {
        boolean absent;
        Object previous;
        synchronized (this) {
            previous = map.get(key);
            absent = previous == null;
            if (absent) {
                map.put(key, value);
            }
        }
        if (absent) {
            changed.accept(key);
        }
        return previous;
    }

    @Override
    public boolean remove(Object key, Object value) {
        boolean removed;
        synchronized (this) {
            removed = map.remove(key, value);
        }
        if (removed) {
            changed.accept((String) key);
        }
        return removed;
    }

    @Override
    public boolean replace(String key, Object oldValue, Object newValue) {
        boolean replaced;
        synchronized (this) {
            replaced = map.replace(key, oldValue, newValue);
        }
        if (replaced) {
            changed.accept(key);
        }
        return replaced;
    }

    @Override
    public Object replace(String key, Object value) {
        boolean present;
        Object previous;
        synchronized (this) {
            present = map.containsKey(key);
            previous = map.replace(key, value);
        }
        if (present) {
            changed.accept(key);
        }
        return previous;
    }

    @Override
    public Object computeIfAbsent(String key, Function<? super String, ?> mapping) {
        return update(key, (k, previous) -> previous != null ? previous : mapping.apply(k));
    }

    @Override
    public Object computeIfPresent(String key, BiFunction<? super String, ? super Object, ?> remapping) {
        return update(key, (k, previous) -> previous == null ? null : remapping.apply(k, previous));
    }

    @Override
    public Object compute(String key, BiFunction<? super String, ? super Object, ?> remapping) {
        return update(key, remapping);
    }

    @Override
    public Object merge(String key, Object value, BiFunction<? super Object, ? super Object, ?> remapping) {
        Objects.requireNonNull(value, "value");
        return update(key, (k, previous) -> previous == null ? value : remapping.apply(previous, value));
    }

    /** {@link Map#compute} with its null rules, atomically, reporting the key when the mapping changed. */
    private Object update(String key, BiFunction<? super String, ? super Object, ?> remapping) {
        boolean changedEntry;
        Object next;
        synchronized (this) {
            boolean present = map.containsKey(key);
            Object previous = map.get(key);
            next = remapping.apply(key, previous);
            if (next == null) {
                changedEntry = present && previous != null;
                if (changedEntry) {
                    map.remove(key);
                }
            } else {
                changedEntry = next != previous;
                map.put(key, next);
            }
        }
        if (changedEntry) {
            changed.accept(key);
        }
        return next;
    }

    @Override
    public void replaceAll(BiFunction<? super String, ? super Object, ?> function) {
        Set<String> keys;
        synchronized (this) {
            map.replaceAll(function);
            keys = Set.copyOf(map.keySet());
        }
        keys.forEach(changed);
    }

    @Override
    public void forEach(java.util.function.BiConsumer<? super String, ? super Object> action) {
        synchronized (this) {
            map.forEach(action);
        }
    }

    /** Iterate it inside {@code synchronized (data)}, as any synchronized map's views. */
    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                Iterator<Entry<String, Object>> entries = map.entrySet().iterator();
                return new Iterator<>() {
                    private Entry<String, Object> last;

                    @Override
                    public boolean hasNext() {
                        return entries.hasNext();
                    }

                    @Override
                    public Entry<String, Object> next() {
                        Entry<String, Object> entry = entries.next();
                        last = entry;
                        return new SimpleEntry<>(entry) {
                            @Override
                            public Object setValue(Object value) {
                                entry.setValue(value);
                                Object previous = super.setValue(value);
                                changed.accept(entry.getKey());
                                return previous;
                            }
                        };
                    }

                    @Override
                    public void remove() {
                        entries.remove();
                        changed.accept(last.getKey());
                    }
                };
            }

            @Override
            public int size() {
                return ObservedData.this.size();
            }
        };
    }

    @Override
    public boolean equals(Object other) {
        synchronized (this) {
            return map.equals(other);
        }
    }

    @Override
    public int hashCode() {
        synchronized (this) {
            return map.hashCode();
        }
    }

    @Override
    public String toString() {
        synchronized (this) {
            return map.toString();
        }
    }
}
