package dev.socketeer.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The README's "Properties" table lists exactly the properties of the generated metadata, with their defaults. */
class ReadmePropertiesTest {

    private static final Pattern ROW = Pattern.compile("^\\| `(socketio\\.[a-z0-9.-]+)` \\| `([^`]*)` \\|", Pattern.MULTILINE);

    @Test
    void readmeTableMatchesTheConfigurationMetadata() throws Exception {
        Path readme = Path.of(System.getProperty("user.dir")).resolveSibling("README.md");
        if (!Files.exists(readme)) {
            readme = Path.of("README.md");
        }
        Map<String, String> documented = new LinkedHashMap<>();
        Matcher row = ROW.matcher(Files.readString(readme));
        while (row.find()) {
            documented.put(row.group(1), row.group(2));
        }
        Map<String, String> generated = new LinkedHashMap<>();
        for (JsonNode property : SocketIoPropertiesTest.metadata().get("properties")) {
            generated.put(property.get("name").asString(), readmeDefault(property.get("defaultValue")));
        }
        assertThat(documented.keySet()).as("properties in README.md vs. the generated metadata")
                .containsExactlyInAnyOrderElementsOf(generated.keySet());
        assertThat(documented).as("defaults in README.md").isEqualTo(generated);
    }

    private static String readmeDefault(JsonNode value) {
        if (value == null) {
            return "(none)";
        }
        if (value.isArray()) {
            if (value.isEmpty()) {
                return "(empty)";
            }
            StringBuilder joined = new StringBuilder();
            value.forEach(item -> joined.append(joined.length() == 0 ? "" : ",").append(item.asString()));
            return joined.toString();
        }
        return value.asString();
    }
}
