package dev.socketeer.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every way of changing a socket's data reports the key once, and nothing else does. */
class ObservedDataTest {

    private final List<String> changes = new ArrayList<>();
    private final ObservedData data = new ObservedData(changes::add);

    @Test
    void everyChangeIsReportedOnceAndReadsAreNot() {
        data.put("a", 1);
        data.putIfAbsent("a", 2);
        data.putIfAbsent("b", null);
        data.get("a");
        data.containsKey("b");
        data.merge("a", 10, (x, y) -> (Integer) x + (Integer) y);
        data.compute("c", (k, v) -> "c");
        data.computeIfAbsent("c", k -> "other");
        data.computeIfPresent("missing", (k, v) -> "x");
        data.replace("missing", "x");
        data.remove("missing");
        assertThat(changes).containsExactly("a", "b", "a", "c");
        assertThat(data).containsExactly(Map.entry("a", 11), new AbstractMap.SimpleEntry<>("b", null), Map.entry("c", "c"));

        changes.clear();
        data.compute("c", (k, v) -> null);
        data.replace("a", 11, 12);
        data.replace("a", 99, 13);
        data.putAll(Map.of("d", true));
        synchronized (data) {
            Iterator<Map.Entry<String, Object>> entries = data.entrySet().iterator();
            entries.next().setValue(0);
            entries.next();
            entries.remove();
        }
        assertThat(changes).containsExactly("c", "a", "d", "a", "b");
        assertThat(data).containsExactly(Map.entry("a", 0), Map.entry("d", true));

        changes.clear();
        data.clear();
        assertThat(changes).containsExactlyInAnyOrder("a", "d");
        data.clear();
        assertThat(changes).hasSize(2);
        assertThat(data).isEmpty();
    }
}
