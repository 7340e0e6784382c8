package dev.socketeer.adapter.postgres;

import static org.awaitility.Awaitility.await;

import dev.socketeer.adapter.cluster.ClusterAdapterWithHeartbeat;
import dev.socketeer.autoconfigure.SocketIoServerCustomizer;
import dev.socketeer.server.SocketIoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;

/**
 * One Java Socket.IO server of a test cluster: a whole Spring Boot WebFlux application on its own port with
 * {@code socketio.adapter.type=postgres}. On {@code /}: {@code socket.data.node = <name>}, and
 * {@code socket.data.origin = <name>} unless the socket was recovered (then it is the first node's); {@code "join"}
 * room joins and acks {@code "joined"}; {@code "rooms"} acks with the socket's rooms; {@code "set"} key, value and
 * {@code "get"} key write and read {@code socket.data}; {@code "origin"} acks with the node's name; server-side {@code "ping"} is recorded and acked with {@code "pong-<name>"}. With
 * {@code test.own-loops=true} the node gets its own Reactor Netty loops, so that closing it leaves the others running.
 */
final class PostgresNode implements AutoCloseable {

    final String name;
    final ConfigurableApplicationContext context;
    final SocketIoServer server;
    final int port;
    final List<List<JsonNode>> serverSideEvents;
    /** {@code <socket id> <reason>} of each socket of {@code /} that disconnected, in order. */
    final List<String> disconnections;

    @SuppressWarnings("unchecked")
    private PostgresNode(String name, ConfigurableApplicationContext context) {
        this.name = name;
        this.context = context;
        this.server = context.getBean(SocketIoServer.class);
        this.port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
        this.serverSideEvents = context.getBean("serverSideEvents", List.class);
        this.disconnections = context.getBean("disconnections", List.class);
    }

    /** Starts a node; {@code properties} add to (or override) the defaults. */
    static PostgresNode start(String name, String... properties) {
        List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
                "socketio.adapter.type=postgres", "test.node=" + name, "spring.main.banner-mode=off",
                // as ClusterNode: closes at once (the Socket.IO lifecycle still runs first), never waiting on a
                // connection the test left open
                "server.shutdown=immediate",
                // Lettuce is on the test class path for the Redis tests; these nodes have no Redis
                "spring.autoconfigure.exclude="
                        + "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration,"
                        + "dev.socketeer.autoconfigure.SocketIoRedisAdapterAutoConfiguration"));
        all.addAll(dev.socketeer.test.HealthProbe.PROPERTIES);
        all.addAll(List.of(properties));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.REACTIVE)
                .properties(all.toArray(String[]::new))
                .run();
        return new PostgresNode(name, context);
    }

    String url(String namespace) {
        return "http://127.0.0.1:" + port + namespace;
    }

    PostgresAdapterFactory adapterFactory() {
        return context.getBean(PostgresAdapterFactory.class);
    }

    PostgresEmitter emitter() {
        return context.getBean(PostgresEmitter.class);
    }

    ClusterAdapterWithHeartbeat adapter(String namespace) {
        return (ClusterAdapterWithHeartbeat) server.of(namespace).adapter();
    }

    /** Waits until this node sees {@code peers} other servers on the namespace. */
    void awaitPeers(String namespace, int peers) {
        await().atMost(Duration.ofSeconds(20)).until(() -> adapter(namespace).nodes().size() == peers);
    }

    /** Waits until this node has {@code count} local sockets in {@code room} of {@code /}. */
    void awaitLocalRoomSize(String room, int count) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> server.sockets().sockets().values().stream().filter(s -> s.rooms().contains(room)).count() == count);
    }

    @Override
    public void close() {
        context.close();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "test.own-loops",
                havingValue = "true")
        org.springframework.http.client.ReactorResourceFactory reactorResourceFactory() {
            org.springframework.http.client.ReactorResourceFactory factory =
                    new org.springframework.http.client.ReactorResourceFactory();
            factory.setUseGlobalResources(false);
            return factory;
        }

        @Bean
        List<List<JsonNode>> serverSideEvents() {
            return new CopyOnWriteArrayList<>();
        }

        @Bean
        List<String> disconnections() {
            return new CopyOnWriteArrayList<>();
        }

        @Bean
        SocketIoServerCustomizer testHandlers(Environment environment, List<List<JsonNode>> serverSideEvents,
                List<String> disconnections) {
            String node = environment.getRequiredProperty("test.node");
            return server -> {
                server.sockets().onConnection(socket -> {
                    socket.data().put("node", node);
                    socket.onDisconnect((gone, reason) -> disconnections.add(gone.id() + " " + reason));
                    if (!socket.recovered()) {
                        socket.data().put("origin", node);
                    }
                    socket.on("set", (args, ack) -> {
                        socket.data().put(args.get(0).asString(), args.get(1).asString());
                        if (ack != null) {
                            ack.send("set");
                        }
                    });
                    socket.on("get", (args, ack) -> ack.send(socket.data().get(args.get(0).asString())));
                    socket.on("origin", (args, ack) -> ack.send(node));
                    socket.on("rooms", (args, ack) -> ack.send(List.copyOf(socket.rooms())));
                    socket.on("join", (args, ack) -> {
                        socket.join(args.get(0).asString());
                        if (ack != null) {
                            ack.send("joined");
                        }
                    });
                });
                server.sockets().onServerSideEmit("ping", (args, ack) -> {
                    serverSideEvents.add(args);
                    if (ack != null) {
                        ack.send("pong-" + node);
                    }
                });
            };
        }
    }
}
