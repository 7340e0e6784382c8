package dev.socketeer.engine;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The headers of an {@link EngineRequest}: an immutable map kept for the life of every session, so
 * stored compactly — every name and value in one string, with their end offsets — and read by
 * scanning (a request has a few dozen headers at most). Lists and entries are built on access.
 */
final class RequestHeaders extends AbstractMap<String, List<String>> {

    static final RequestHeaders EMPTY = new RequestHeaders("", new int[0]);

    /** Names and values, one after the other: name 0, value 0, name 1, value 1, … */
    private final String text;
    /** The end offset in {@link #text} of each name and value; header {@code i} is at {@code 2i, 2i + 1}. */
    private final int[] ends;

    private RequestHeaders(String text, int[] ends) {
        this.text = text;
        this.ends = ends;
    }

    /** An immutable copy of {@code headers}, in the same order; a name without values is left out. */
    static RequestHeaders copyOf(Map<String, List<String>> headers) {
        if (headers instanceof RequestHeaders compact) {
            return compact;
        }
        int count = 0;
        for (List<String> values : headers.values()) {
            count += values.size();
        }
        if (count == 0) {
            return EMPTY;
        }
        StringBuilder text = new StringBuilder(count * 24);
        int[] ends = new int[2 * count];
        int i = 0;
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            String name = Objects.requireNonNull(header.getKey(), "header name");
            for (String value : header.getValue()) {
                ends[i++] = text.append(name).length();
                ends[i++] = text.append(Objects.requireNonNull(value, "header value")).length();
            }
        }
        return new RequestHeaders(text.toString(), ends);
    }

    private int pairs() {
        return ends.length / 2;
    }

    private int start(int index) {
        return index == 0 ? 0 : ends[index - 1];
    }

    private boolean nameEquals(int pair, String name) {
        int start = start(2 * pair);
        int length = ends[2 * pair] - start;
        return length == name.length() && text.regionMatches(start, name, 0, length);
    }

    private String name(int pair) {
        return text.substring(start(2 * pair), ends[2 * pair]);
    }

    private String value(int pair) {
        return text.substring(ends[2 * pair], ends[2 * pair + 1]);
    }

    /** Whether the name of {@code pair} appeared in an earlier pair (its values are then already listed). */
    private boolean seenBefore(int pair) {
        String name = name(pair);
        for (int earlier = 0; earlier < pair; earlier++) {
            if (nameEquals(earlier, name)) {
                return true;
            }
        }
        return false;
    }

    private List<String> values(String name, int from) {
        List<String> values = null;
        for (int pair = from; pair < pairs(); pair++) {
            if (nameEquals(pair, name)) {
                if (values == null) {
                    values = new ArrayList<>(2);
                }
                values.add(value(pair));
            }
        }
        return values == null ? null : List.copyOf(values);
    }

    @Override
    public List<String> get(Object key) {
        return key instanceof String name ? values(name, 0) : null;
    }

    @Override
    public boolean containsKey(Object key) {
        if (key instanceof String name) {
            for (int pair = 0; pair < pairs(); pair++) {
                if (nameEquals(pair, name)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public boolean isEmpty() {
        return ends.length == 0;
    }

    @Override
    public int size() {
        int size = 0;
        for (int pair = 0; pair < pairs(); pair++) {
            if (!seenBefore(pair)) {
                size++;
            }
        }
        return size;
    }

    @Override
    public Set<Entry<String, List<String>>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, List<String>>> iterator() {
                return new Iterator<>() {
                    private int next = advance(0);

                    private int advance(int from) {
                        int pair = from;
                        while (pair < pairs() && seenBefore(pair)) {
                            pair++;
                        }
                        return pair;
                    }

                    @Override
                    public boolean hasNext() {
                        return next < pairs();
                    }

                    @Override
                    public Entry<String, List<String>> next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        String name = name(next);
                        Entry<String, List<String>> entry = new SimpleImmutableEntry<>(name, values(name, next));
                        next = advance(next + 1);
                        return entry;
                    }
                };
            }

            @Override
            public int size() {
                return RequestHeaders.this.size();
            }
        };
    }
}
