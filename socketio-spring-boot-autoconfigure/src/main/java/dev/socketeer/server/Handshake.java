package dev.socketeer.server;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What the client sent when it connected to a namespace, as the reference server's
 * {@code socket.handshake}.
 *
 * @param headers the request headers (lower-case names)
 * @param time when the handshake happened, in JavaScript's {@code Date} string form
 * @param address the client's IP address, or {@code null} when unknown
 * @param xdomain whether the request carried an {@code Origin} header
 * @param secure whether the connection used TLS
 * @param issued when the handshake happened, in epoch milliseconds
 * @param url the URL of the request that opened the connection
 * @param query the query parameters of that request
 * @param auth the CONNECT payload ({@code {}} when the client sent none)
 * @param principal the authenticated user of the opening request, or {@code null}
 */
public record Handshake(
        Map<String, List<String>> headers,
        String time,
        String address,
        boolean xdomain,
        boolean secure,
        long issued,
        String url,
        Map<String, String> query,
        JsonNode auth,
        Principal principal) {

    /** The handshake as the cluster adapters exchange it (no principal). */
    @com.fasterxml.jackson.annotation.JsonValue
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        Map<String, Object> flatHeaders = new LinkedHashMap<>();
        headers.forEach((name, values) -> flatHeaders.put(name, values.size() == 1 ? values.get(0) : String.join(", ", values)));
        map.put("headers", flatHeaders);
        map.put("time", time);
        map.put("address", address);
        map.put("xdomain", xdomain);
        map.put("secure", secure);
        map.put("issued", issued);
        map.put("url", url);
        map.put("query", query);
        map.put("auth", auth);
        return map;
    }
}
