package dev.socketeer.admin;

import dev.socketeer.server.Namespace;
import dev.socketeer.server.Socket;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Development mode: the statistics, plus every socket's connection, upgrade, rooms, events and disconnection sent
 * to the admin namespace as they happen (the reference's verbose listeners). Each socket's data carries
 * {@code _admin: {clientId, transport}}, as in the reference, so that servers fetching it from another one (and
 * Node servers of a mixed cluster) can show them.
 */
final class DevelopmentObserver extends StatsObserver {

    /** JavaScript's {@code Date.prototype.toJSON}. */
    private static final DateTimeFormatter JS_DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Namespace admin;
    private final SocketSerializer serializer;

    DevelopmentObserver(AdminInstrumentation instrumentation, Namespace admin, SocketSerializer serializer) {
        super(instrumentation.events());
        this.admin = admin;
        this.serializer = serializer;
    }

    private static String now() {
        return JS_DATE.format(Instant.now());
    }

    @Override
    public void connected(Socket socket) {
        socket.data().put(SocketSerializer.ADMIN_KEY, adminData(socket.conn().id(), socket.conn().transportName()));
        String nsp = socket.namespace().name();
        admin.emit("socket_connected", serializer.serialize(socket), now());
        if (socket.namespace() != admin) {
            socket.onAny((event, args) -> admin.emit("event_received", nsp, socket.id(), withEvent(event, args),
                    now()));
            socket.onAnyOutgoing((event, args) -> admin.emit("event_sent", nsp, socket.id(), withEvent(event, args),
                    now()));
        }
    }

    private static Map<String, Object> adminData(String engineId, String transport) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("clientId", engineId.substring(0, Math.min(12, engineId.length())));
        data.put("transport", transport);
        return data;
    }

    private static List<Object> withEvent(String event, List<?> args) {
        List<Object> all = new ArrayList<>(args.size() + 1);
        all.add(event);
        all.addAll(args);
        return all;
    }

    @Override
    public void disconnected(Socket socket, String reason) {
        admin.emit("socket_disconnected", socket.namespace().name(), socket.id(), reason, now());
    }

    @Override
    public void upgraded(Socket socket) {
        String transport = socket.conn().transportName();
        socket.data().put(SocketSerializer.ADMIN_KEY, adminData(socket.conn().id(), transport));
        Map<String, Object> update = new LinkedHashMap<>();
        update.put("id", socket.id());
        update.put("nsp", socket.namespace().name());
        update.put("transport", transport);
        admin.emit("socket_updated", update);
    }

    @Override
    public boolean observesData() {
        return true;
    }

    /**
     * What the reference learns from its proxy over {@code socket.data}: the socket's data after the change, without
     * the instrumentation's own entry. Changes before the connection (middlewares, a recovered session) are in
     * {@code socket_connected}.
     */
    @Override
    public void dataChanged(Socket socket, String key) {
        if (SocketSerializer.ADMIN_KEY.equals(key) || !socket.connected()) {
            return;
        }
        Map<String, Object> update = new LinkedHashMap<>();
        update.put("id", socket.id());
        update.put("nsp", socket.namespace().name());
        update.put("data", SocketSerializer.visibleData(socket.data()));
        admin.emit("socket_updated", update);
    }

    @Override
    public void roomJoined(String namespace, String room, String id) {
        admin.emit("room_joined", namespace, room, id, now());
    }

    @Override
    public void roomLeft(String namespace, String room, String id) {
        admin.emit("room_left", namespace, room, id, now());
    }
}
