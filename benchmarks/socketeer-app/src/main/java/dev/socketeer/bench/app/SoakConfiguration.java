package dev.socketeer.bench.app;

import dev.socketeer.autoconfigure.SocketIoServerCustomizer;
import dev.socketeer.engine.EngineServer;
import dev.socketeer.server.SocketIoServer;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * What the soak (benchmarks/soak.py) needs from a node, on {@code --soak.enabled=true}: an echo, bursts of large
 * messages on request, a numbered broadcast to the room {@code seq} every {@code soak.seq-interval-ms} (on the node
 * started with {@code --soak.broadcaster=true}, reaching the other node's clients through Redis), and
 * {@code GET /soak/stats}: sessions and sockets now, heap in use, disconnect reasons so far.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("soak.enabled")
class SoakConfiguration {

    private final Map<String, LongAdder> disconnectReasons = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();

    @Bean
    SocketIoServerCustomizer soakHandlers() {
        return server -> server.onConnection(socket -> {
            socket.onDisconnect((s, reason) -> disconnectReasons.computeIfAbsent(reason, r -> new LongAdder()).increment());
            socket.on("echo", (args, ack) -> socket.emit("echo-back", args.get(0)));
            socket.on("burst", (args, ack) -> {
                int count = args.get(0).asInt();
                int size = args.get(1).asInt();
                for (int i = 0; i < count; i++) {
                    String head = i + ":";
                    socket.emit("burst-item", head + "x".repeat(Math.max(0, size - head.length())));
                }
            });
        });
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService soakBroadcaster(SocketIoServer server, Environment environment) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        if (environment.getProperty("soak.broadcaster", Boolean.class, false)) {
            long interval = environment.getProperty("soak.seq-interval-ms", Long.class, 100L);
            timer.scheduleAtFixedRate(() -> server.to("seq").emit("seq", seq.getAndIncrement()), interval, interval,
                    TimeUnit.MILLISECONDS);
        }
        return timer;
    }

    @Bean
    RouterFunction<ServerResponse> soakStats(EngineServer engine, SocketIoServer server) {
        return RouterFunctions.route().GET("/soak/stats", request -> {
            Map<String, Object> stats = new TreeMap<>();
            stats.put("sessions", engine.clientsCount());
            stats.put("sockets", server.sockets().sockets().size());
            stats.put("heapUsedBytes", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            stats.put("seqSent", seq.get());
            Map<String, Long> reasons = new TreeMap<>();
            disconnectReasons.forEach((reason, count) -> reasons.put(reason, count.sum()));
            stats.put("disconnectReasons", reasons);
            return ServerResponse.ok().bodyValue(stats);
        }).build();
    }
}
