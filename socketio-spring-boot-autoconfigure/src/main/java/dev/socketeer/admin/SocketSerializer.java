package dev.socketeer.admin;

import dev.socketeer.server.RemoteSocket;
import dev.socketeer.server.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A socket as the UI shows it ({@code SerializedSocket}): {@code {id, clientId, transport, nsp, data, handshake,
 * rooms}}, the handshake without {@code auth} and with the address a proxy reported when there is one.
 */
final class SocketSerializer {

    static final String ADMIN_KEY = "_admin";

    private final JsonMapper mapper;

    SocketSerializer(JsonMapper mapper) {
        this.mapper = mapper;
    }

    Map<String, Object> serialize(Socket socket) {
        String engineId = socket.conn().id();
        return serialize(socket.id(), engineId.substring(0, Math.min(12, engineId.length())),
                socket.conn().transportName(), socket.namespace().name(), socket.data(), socket.handshake().toMap(),
                socket.rooms());
    }

    Map<String, Object> serialize(RemoteSocket socket, String nsp) {
        JsonNode admin = mapper.valueToTree(socket.data()).path(ADMIN_KEY);
        return serialize(socket.id(), text(admin.get("clientId")), text(admin.get("transport")), nsp, socket.data(),
                socket.handshake(), socket.rooms());
    }

    private static String text(JsonNode node) {
        return node != null && node.isString() ? node.asString() : null;
    }

    private Map<String, Object> serialize(String id, String clientId, String transport, String nsp,
            Map<String, Object> data, Object handshake, java.util.Collection<String> rooms) {
        Map<String, Object> serialized = new LinkedHashMap<>();
        serialized.put("id", id);
        serialized.put("clientId", clientId);
        serialized.put("transport", transport);
        serialized.put("nsp", nsp);
        serialized.put("data", visibleData(data));
        serialized.put("handshake", handshake(handshake));
        serialized.put("rooms", new ArrayList<>(rooms));
        return serialized;
    }

    /** A copy of a socket's data without the instrumentation's own entry, taken under the map's lock. */
    static Map<String, Object> visibleData(Map<String, Object> data) {
        Map<String, Object> visible;
        synchronized (data) {
            visible = new LinkedHashMap<>(data);
        }
        visible.remove(ADMIN_KEY);
        return visible;
    }

    private JsonNode handshake(Object handshake) {
        JsonNode tree = mapper.valueToTree(handshake);
        if (!(tree instanceof ObjectNode source)) {
            return mapper.createObjectNode();
        }
        ObjectNode result = mapper.createObjectNode();
        JsonNode headers = source.path("headers");
        JsonNode address = headers.get("cf-connecting-ip");
        if (address == null || address.isNull()) {
            address = headers.get("x-forwarded-for");
        }
        if (address == null || address.isNull()) {
            address = source.get("address");
        }
        result.set("address", address);
        for (String field : new String[] {"headers", "query", "issued", "secure", "time", "url", "xdomain"}) {
            result.set(field, source.get(field));
        }
        return result;
    }
}
