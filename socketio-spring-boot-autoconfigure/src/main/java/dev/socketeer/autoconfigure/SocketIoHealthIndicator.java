package dev.socketeer.autoconfigure;

import dev.socketeer.adapter.Adapter;
import dev.socketeer.adapter.AdapterHealth;
import dev.socketeer.server.SocketIoServer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code socketio} health: UP with the number of open connections and the namespaces; DOWN
 * when a namespace's adapter (one implementing {@link AdapterHealth}, such as a Redis adapter)
 * cannot reach its backend. Answers from memory, without I/O.
 */
public class SocketIoHealthIndicator implements HealthIndicator {

    private final SocketIoServer server;

    public SocketIoHealthIndicator(SocketIoServer server) {
        this.server = server;
    }

    @Override
    public Health health() {
        TreeSet<String> namespaces = new TreeSet<>(server.namespaceNames());
        List<String> disconnected = new ArrayList<>();
        for (String name : namespaces) {
            Adapter adapter = server.of(name).adapter();
            if (adapter instanceof AdapterHealth health && !health.isConnected()) {
                disconnected.add(name);
            }
        }
        Health.Builder builder = disconnected.isEmpty() ? Health.up() : Health.down()
                .withDetail("disconnectedAdapters", disconnected);
        return builder.withDetail("clients", server.clientsCount())
                .withDetail("namespaces", List.copyOf(namespaces))
                .build();
    }
}
