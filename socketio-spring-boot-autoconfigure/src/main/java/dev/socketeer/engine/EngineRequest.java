package dev.socketeer.engine;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP request that opened an Engine.IO session, stripped of any HTTP library types.
 *
 * <p>Every session keeps its request, so the maps are compact immutable copies: the headers in one
 * string, and the query, when built by {@link #parseQuery(String)}, a view that reads the URL.
 *
 * @param url the request path and query as sent, e.g. {@code /socket.io/?EIO=4&transport=polling}
 * @param headers header values by lower-case header name, in arrival order
 * @param query query parameters (first value of each name), in arrival order
 * @param remoteAddress the peer address, or {@code null} when unknown
 * @param secure whether the request came over TLS
 * @param issued when the request arrived, in epoch milliseconds
 * @param principal the authenticated user established by the web filter chain, or {@code null}
 * @param attributes request attributes the mounting layer chose to pass on (never {@code null})
 */
public record EngineRequest(
        String url,
        Map<String, List<String>> headers,
        Map<String, String> query,
        InetSocketAddress remoteAddress,
        boolean secure,
        long issued,
        Principal principal,
        Map<String, Object> attributes) {

    public EngineRequest {
        headers = RequestHeaders.copyOf(headers);
        query = query instanceof RequestQuery ? query : immutableCopy(query);
        attributes = immutableCopy(attributes);
    }

    private static <V> Map<String, V> immutableCopy(Map<String, V> map) {
        return map.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /**
     * The query parameters of a request URL as the engine reads them: the first value of each name,
     * names and values percent-decoded ({@code +} is a space), empty pairs skipped. An immutable view
     * that parses {@code url} on access, so a request built with it and the same URL keeps nothing more.
     */
    public static Map<String, String> parseQuery(String url) {
        return new RequestQuery(url);
    }

    /** The first value of a header (name in any case), or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
