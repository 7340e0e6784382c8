package dev.socketeer.server;

import dev.socketeer.engine.EngineRequest;
import java.net.InetSocketAddress;
import java.security.Principal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the client sent when it connected to a namespace, as the reference server's
 * {@code socket.handshake}.
 *
 * <p>A view over the engine request that opened the connection: every connected socket has one, so
 * it keeps the request, the CONNECT payload and the time, and derives the rest ({@link #time()} and
 * {@link #address()} are built on each call).
 */
public final class Handshake {

    private static final DateTimeFormatter JS_DATE =
            DateTimeFormatter.ofPattern("EEE MMM dd yyyy HH:mm:ss 'GMT'xx", Locale.US);

    private final EngineRequest request;
    private final long issued;
    private final JsonNode auth;

    Handshake(EngineRequest request, JsonNode auth) {
        this.request = request;
        this.issued = System.currentTimeMillis();
        this.auth = compact(auth);
    }

    /**
     * A small object payload copied into a map sized for its fields: the parser's map has room for 16 (12 before it
     * grows, so a larger one is left as it is), and every socket keeps its handshake (about 56 bytes less per socket
     * for a one-field {@code auth}). Still a mutable {@link ObjectNode} with the same fields, in the same order.
     */
    private static JsonNode compact(JsonNode auth) {
        if (!(auth instanceof ObjectNode object) || object.isEmpty() || object.size() > 12) {
            return auth;
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>((object.size() * 4 + 2) / 3);
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            fields.put(field.getKey(), field.getValue());
        }
        return new ObjectNode(JsonNodeFactory.instance, fields);
    }

    /** The request headers (lower-case names). */
    public Map<String, List<String>> headers() {
        return request.headers();
    }

    /** When the handshake happened, in JavaScript's {@code Date} string form, in the server's time zone. */
    public String time() {
        ZonedDateTime at = Instant.ofEpochMilli(issued).atZone(ZoneId.systemDefault());
        return JS_DATE.format(at) + " (" + at.getZone().getDisplayName(TextStyle.FULL, Locale.US) + ")";
    }

    /** The client's IP address, or {@code null} when unknown. */
    public String address() {
        InetSocketAddress remote = request.remoteAddress();
        return remote == null ? null
                : remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }

    /** Whether the request carried an {@code Origin} header. */
    public boolean xdomain() {
        return request.header("origin") != null;
    }

    /** Whether the connection used TLS. */
    public boolean secure() {
        return request.secure();
    }

    /** When the handshake happened, in epoch milliseconds. */
    public long issued() {
        return issued;
    }

    /** The URL of the request that opened the connection. */
    public String url() {
        return request.url();
    }

    /** The query parameters of that request. */
    public Map<String, String> query() {
        return request.query();
    }

    /** The CONNECT payload ({@code {}} when the client sent none). */
    public JsonNode auth() {
        return auth;
    }

    /** The authenticated user of the opening request, or {@code null}. */
    public Principal principal() {
        return request.principal();
    }

    /** The handshake as the cluster adapters exchange it (no principal). */
    @com.fasterxml.jackson.annotation.JsonValue
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        Map<String, Object> flatHeaders = new LinkedHashMap<>();
        headers().forEach((name, values) -> flatHeaders.put(name, values.size() == 1 ? values.get(0) : String.join(", ", values)));
        map.put("headers", flatHeaders);
        map.put("time", time());
        map.put("address", address());
        map.put("xdomain", xdomain());
        map.put("secure", secure());
        map.put("issued", issued);
        map.put("url", url());
        map.put("query", query());
        map.put("auth", auth);
        return map;
    }

    @Override
    public String toString() {
        return "Handshake" + toMap();
    }
}
