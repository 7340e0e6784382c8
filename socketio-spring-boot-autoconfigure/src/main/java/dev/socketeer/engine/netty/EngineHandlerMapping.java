package dev.socketeer.engine.netty;

import dev.socketeer.engine.EngineServer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.reactive.handler.AbstractHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Mounts Engine.IO servers on the WebFlux server's own port: a {@code HandlerMapping} (order −1,
 * ahead of the application's controllers) that routes every request whose path starts with an
 * engine's path (e.g. {@code /socket.io/}) to that engine, polling and WebSocket alike. WebFilters,
 * Spring Security and CORS configuration see these requests like any other.
 *
 * <p>As a {@link SmartLifecycle} bean it closes every session ("server shutting down") when the
 * context stops, before graceful shutdown waits on open connections. Note that Spring Security's
 * CSRF protection refuses polling POSTs unless the engine path is exempted.
 */
public final class EngineHandlerMapping extends AbstractHandlerMapping implements SmartLifecycle {

    private record Mount(String path, EngineWebHandler handler) {
    }

    private final List<Mount> mounts;
    private volatile boolean running;

    /**
     * @param servers engines by path; a path without a trailing slash gets one, as the reference adds it
     */
    public EngineHandlerMapping(Map<String, EngineServer> servers) {
        List<Mount> list = new ArrayList<>();
        new LinkedHashMap<>(servers).forEach((path, server) -> {
            String normalized = path.endsWith("/") ? path : path + "/";
            list.add(new Mount(normalized, new EngineWebHandler(server)));
        });
        list.sort(Comparator.comparingInt((Mount mount) -> mount.path().length()).reversed());
        this.mounts = List.copyOf(list);
        setOrder(-1);
    }

    /** The engines by path, as mounted. */
    public Map<String, EngineServer> servers() {
        Map<String, EngineServer> servers = new LinkedHashMap<>();
        mounts.forEach(mount -> servers.put(mount.path(), mount.handler().server()));
        return servers;
    }

    @Override
    protected Mono<?> getHandlerInternal(ServerWebExchange exchange) {
        String path = exchange.getRequest().getPath().value();
        for (Mount mount : mounts) {
            if (path.startsWith(mount.path())) {
                return Mono.just(mount.handler());
            }
        }
        return Mono.empty();
    }

    /** Closes every session of every engine. */
    public void close() {
        mounts.forEach(mount -> mount.handler().server().close());
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
