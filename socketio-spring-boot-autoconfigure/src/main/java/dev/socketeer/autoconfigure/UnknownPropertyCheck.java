package dev.socketeer.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Finds {@code socketio.*} keys that no Socketeer property binds, such as
 * {@code socketio.adaptor.type}: Spring Boot ignores them silently, so a misspelt key would
 * leave a setting at its default without a word. Each finding names the closest known key.
 */
final class UnknownPropertyCheck {

    private static final String METADATA = "META-INF/spring-configuration-metadata.json";
    private static final String PREFIX = "socketio";

    private UnknownPropertyCheck() {
    }

    /** One warning per unknown key, in the order the property sources list them. */
    static List<String> warnings(Environment environment, ClassLoader classLoader) {
        List<ConfigurationPropertyName> known = knownProperties(classLoader);
        if (known.isEmpty()) {
            return List.of(); // no metadata on the classpath: nothing to compare with
        }
        Set<String> seen = new LinkedHashSet<>();
        List<String> warnings = new ArrayList<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            iterable.stream()
                    .filter(name -> !name.isEmpty() && PREFIX.equals(name.getElement(0, Form.UNIFORM)))
                    .filter(name -> known.stream().noneMatch(k -> k.equals(name) || k.isAncestorOf(name)))
                    .filter(name -> seen.add(name.toString()))
                    .forEach(name -> warnings.add(warning(name, source, known)));
        }
        return warnings;
    }

    private static String warning(ConfigurationPropertyName name, ConfigurationPropertySource source,
            List<ConfigurationPropertyName> known) {
        String origin = source.getConfigurationProperty(name) != null
                && source.getConfigurationProperty(name).getOrigin() != null
                ? " (" + source.getConfigurationProperty(name).getOrigin() + ")" : "";
        String closest = closest(name, known);
        return "Unknown property '" + name + "'" + origin + " is ignored: "
                + (closest != null ? "did you mean '" + closest + "'?"
                        : "Socketeer has no such property (see the configuration reference).");
    }

    /** The known key at the smallest edit distance, if it is close enough to be a likely typo. */
    static String closest(ConfigurationPropertyName name, List<ConfigurationPropertyName> known) {
        String wanted = uniform(name);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (ConfigurationPropertyName candidate : known) {
            int distance = distance(wanted, uniform(candidate));
            if (distance < bestDistance) {
                bestDistance = distance;
                best = candidate.toString();
            }
        }
        // a typo or two per key, a few more for long keys, never a different key of similar length
        return bestDistance <= Math.max(2, wanted.length() / 8) ? best : null;
    }

    /** The name without dashes, in lower case, indexes dropped: how Spring Boot compares names. */
    private static String uniform(ConfigurationPropertyName name) {
        StringBuilder uniform = new StringBuilder();
        for (int i = 0; i < name.getNumberOfElements() && !name.isNumericIndex(i); i++) {
            uniform.append(i == 0 ? "" : ".").append(name.getElement(i, Form.UNIFORM));
        }
        return uniform.toString();
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** Every {@code socketio.*} property of the configuration metadata on the classpath. */
    static List<ConfigurationPropertyName> knownProperties(ClassLoader classLoader) {
        JsonMapper mapper = JsonMapper.builder().build();
        List<ConfigurationPropertyName> known = new ArrayList<>();
        try {
            Enumeration<URL> resources = classLoader.getResources(METADATA);
            while (resources.hasMoreElements()) {
                try (InputStream in = resources.nextElement().openStream()) {
                    byte[] json = in.readAllBytes();
                    if (!new String(json, StandardCharsets.UTF_8).contains("\"" + PREFIX + ".")) {
                        continue; // another library's properties: not worth parsing
                    }
                    JsonNode properties = mapper.readTree(json).path("properties");
                    for (JsonNode property : properties) {
                        String name = property.path("name").asString("");
                        if (name.startsWith(PREFIX + ".") && ConfigurationPropertyName.isValid(name)) {
                            known.add(ConfigurationPropertyName.of(name));
                        }
                    }
                }
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot read " + METADATA, ex);
        }
        return known;
    }
}
