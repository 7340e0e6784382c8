package dev.socketeer.guide.observability;

import dev.socketeer.adapter.AdapterHealth;
import dev.socketeer.adapter.BackendStatus;
import dev.socketeer.server.SocketIoServer;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class ClusterStatusEndpoint {

    private final SocketIoServer server;

    ClusterStatusEndpoint(SocketIoServer server) {
        this.server = server;
    }

    @GetMapping("/cluster")
    String cluster() {
        if (server.sockets().adapter() instanceof AdapterHealth health) {
            BackendStatus status = health.backendStatus();   // from memory, no I/O
            return status.describe() + "; servers seen: " + health.serversSeen();
        }
        return "single node";
    }
}
