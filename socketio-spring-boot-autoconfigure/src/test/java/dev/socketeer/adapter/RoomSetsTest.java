package dev.socketeer.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class RoomSetsTest {

    @Test
    void smallSetsAreImmutableCopiesAndUnchangedSetsAreKept() {
        Set<String> one = RoomSets.with(null, "a");
        Set<String> two = RoomSets.with(one, "b");

        assertThat(one).containsExactly("a");
        assertThat(two).containsExactlyInAnyOrder("a", "b").isNotInstanceOf(ConcurrentHashMap.KeySetView.class);
        assertThat(RoomSets.with(two, "a")).isSameAs(two);
        assertThat(RoomSets.without(two, "c")).isSameAs(two);
        assertThat(RoomSets.without(two, "a")).containsExactly("b");
        assertThat(RoomSets.without(one, "a")).isEmpty();
        assertThat(RoomSets.with(Set.of(), "z")).containsExactly("z");
    }

    @Test
    void aSetPastTheSmallSizeBecomesConcurrentAndChangesInPlace() {
        Set<String> set = null;
        for (int i = 0; i < RoomSets.SMALL; i++) {
            set = RoomSets.with(set, "m" + i);
        }
        assertThat(set).hasSize(RoomSets.SMALL).isNotInstanceOf(ConcurrentHashMap.KeySetView.class);

        Set<String> big = RoomSets.with(set, "extra");
        assertThat(big).isInstanceOf(ConcurrentHashMap.KeySetView.class).hasSize(RoomSets.SMALL + 1).contains("extra");
        assertThat(RoomSets.with(big, "more")).isSameAs(big).contains("more");
        for (String member : Set.copyOf(big)) {
            assertThat(RoomSets.without(big, member)).isSameAs(big);
        }
        assertThat(big).isEmpty();
    }
}
