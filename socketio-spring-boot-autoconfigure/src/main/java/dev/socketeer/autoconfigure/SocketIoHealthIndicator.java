package dev.socketeer.autoconfigure;

import dev.socketeer.adapter.Adapter;
import dev.socketeer.adapter.AdapterHealth;
import dev.socketeer.adapter.BackendStatus;
import dev.socketeer.server.SocketIoServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code socketio} health: UP with the number of open connections and the namespaces; DOWN
 * while a cluster adapter (one implementing {@link AdapterHealth}: Redis classic or sharded,
 * Postgres) cannot reach its backend, with the details of the outage under {@code cluster}
 * (backend, address, connected, since when, the last error, and the servers each namespace last
 * saw). Answers from memory, without I/O, so it is cheap enough for a readiness probe.
 */
public class SocketIoHealthIndicator implements HealthIndicator {

    private final SocketIoServer server;

    public SocketIoHealthIndicator(SocketIoServer server) {
        this.server = server;
    }

    @Override
    public Health health() {
        TreeSet<String> namespaces = new TreeSet<>(server.namespaceNames());
        // namespaces share their backend connection: one entry per backend, with the servers of each namespace
        Map<String, Map<String, Object>> backends = new LinkedHashMap<>();
        boolean down = false;
        for (String name : namespaces) {
            Adapter adapter = server.of(name).adapter();
            if (!(adapter instanceof AdapterHealth health)) {
                continue;
            }
            BackendStatus status = health.backendStatus();
            down |= !status.connected();
            Map<String, Object> backend = backends.computeIfAbsent(status.backend() + "@" + status.address(),
                    key -> describe(status));
            @SuppressWarnings("unchecked")
            Map<String, Object> servers = (Map<String, Object>) backend.get("servers");
            servers.put(name, health.serversSeen());
        }
        Health.Builder builder = down ? Health.down() : Health.up();
        builder.withDetail("clients", server.clientsCount()).withDetail("namespaces", List.copyOf(namespaces));
        if (backends.size() == 1) {
            builder.withDetail("cluster", backends.values().iterator().next());
        } else if (!backends.isEmpty()) {
            builder.withDetail("cluster", new ArrayList<>(backends.values()));
        }
        return builder.build();
    }

    private static Map<String, Object> describe(BackendStatus status) {
        Map<String, Object> backend = new LinkedHashMap<>();
        backend.put("backend", status.backend());
        backend.put("address", status.address());
        backend.put("connected", status.connected());
        backend.put("since", status.since().toString());
        if (status.lastError() != null && !status.connected()) {
            backend.put("error", status.lastError());
        }
        backend.put("servers", new LinkedHashMap<String, Object>());
        return backend;
    }
}
