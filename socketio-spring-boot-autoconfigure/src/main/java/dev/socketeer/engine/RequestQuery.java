package dev.socketeer.engine;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The query parameters of a request URL as the engine reads them: split on {@code &}, names and
 * values percent-decoded ({@code +} is a space), the first value of each name, empty pairs skipped.
 * An immutable view that parses the URL on access: a session keeps its request's URL anyway, so
 * the parameters cost it no more than this object.
 */
final class RequestQuery extends AbstractMap<String, String> {

    private final String url;
    /** Where the query starts in {@link #url} (after the {@code ?}), or {@code url.length()} when there is none. */
    private final int start;

    RequestQuery(String url) {
        this.url = url;
        int mark = url.indexOf('?');
        this.start = mark < 0 ? url.length() : mark + 1;
    }

    @Override
    public String get(Object key) {
        return key instanceof String name ? scan(name, null) : null;
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public boolean isEmpty() {
        return parse().isEmpty();
    }

    @Override
    public int size() {
        return parse().size();
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return parse().entrySet();
    }

    private Map<String, String> parse() {
        Map<String, String> query = new LinkedHashMap<>();
        scan(null, query);
        return Collections.unmodifiableMap(query);
    }

    /** The value of the parameter {@code name}; or, when {@code name} is null, every parameter put into {@code all}. */
    private String scan(String name, Map<String, String> all) {
        int from = start;
        while (from < url.length()) {
            int end = url.indexOf('&', from);
            if (end < 0) {
                end = url.length();
            }
            if (end > from) {
                int eq = url.indexOf('=', from);
                int nameEnd = eq < 0 || eq > end ? end : eq;
                String decodedName = decode(url.substring(from, nameEnd));
                if (name == null || name.equals(decodedName)) {
                    String value = nameEnd == end ? "" : decode(url.substring(nameEnd + 1, end));
                    if (name != null) {
                        return value;
                    }
                    all.putIfAbsent(decodedName, value);
                }
            }
            from = end + 1;
        }
        return null;
    }

    private static String decode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }
}
