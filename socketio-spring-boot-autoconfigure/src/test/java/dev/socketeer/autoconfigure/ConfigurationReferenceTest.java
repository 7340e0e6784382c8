package dev.socketeer.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The configuration reference of the user guide ({@code docs/guide/configuration.md}) lists exactly the properties
 * of the generated metadata, with their defaults, in its tables' rows.
 */
class ConfigurationReferenceTest {

    private static final String REFERENCE = "docs/guide/configuration.md";
    private static final Pattern ROW = Pattern.compile("^\\| `(socketio\\.[a-z0-9.-]+)` \\| `([^`]*)` \\|", Pattern.MULTILINE);

    @Test
    void referenceTablesMatchTheConfigurationMetadata() throws Exception {
        Map<String, String> documented = new LinkedHashMap<>();
        Matcher row = ROW.matcher(Files.readString(reference()));
        while (row.find()) {
            documented.put(row.group(1), row.group(2));
        }
        Map<String, String> generated = new LinkedHashMap<>();
        List<String> rowsToAdd = new ArrayList<>();
        for (JsonNode property : SocketIoPropertiesTest.metadata().get("properties")) {
            String name = property.get("name").asString();
            String value = referenceDefault(property.get("defaultValue"));
            generated.put(name, value);
            if (!documented.containsKey(name)) {
                rowsToAdd.add("| `" + name + "` | `" + value + "` | " + property.path("description").asString("") + " |");
            }
        }
        assertThat(documented.keySet()).as("properties in %s vs. the generated metadata; rows to add:%n%s", REFERENCE,
                String.join(System.lineSeparator(), rowsToAdd)).containsExactlyInAnyOrderElementsOf(generated.keySet());
        assertThat(documented).as("defaults in %s", REFERENCE).isEqualTo(generated);
    }

    private static Path reference() {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(REFERENCE))) {
                return dir.resolve(REFERENCE);
            }
        }
        throw new IllegalStateException("No " + REFERENCE + " above " + System.getProperty("user.dir"));
    }

    private static String referenceDefault(JsonNode value) {
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
