package dev.socketeer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class Base64IdTest {

    @Test
    void idsAreTwentyUrlSafeCharactersAndUnique() {
        Base64Id generator = new Base64Id();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = generator.next();
            assertThat(id).hasSize(20).matches("[A-Za-z0-9_-]{20}");
            ids.add(id);
        }
        assertThat(ids).hasSize(10_000);
    }
}
