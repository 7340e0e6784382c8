package dev.socketeer.engine;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.List;
import java.util.Map;

/**
 * The HTTP request that opened an Engine.IO session, stripped of any HTTP library types.
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
        headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
        query = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(query));
        attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
    }

    /** The first value of a header (name in any case), or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
