package dev.socketeer.adapter.redis;

import dev.socketeer.server.SocketIoServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import dev.socketeer.autoconfigure.SocketIoServerCustomizer;

/**
 * One Java node of a test cluster: a whole Spring Boot WebFlux application on its own port with
 * {@code socketio.adapter.type=redis} pointing at the test's redis-server.
 *
 * <p>On {@code "/"}: {@code socket.data.origin} is the name of the node the socket first connected to; events
 * {@code "set"} key, value and {@code "get"} key write and read {@code socket.data}; event {@code "join"} joins the
 * room given and acks with the socket's rooms; event {@code "broadcast-to"} room, value sends {@code "hit"} value to
 * the room from this node; event {@code "origin"} acks with the node's name, {@code "rooms"} with the socket's rooms;
 * server-side {@code "ask"} is answered with {@code "<name>-answer"}; other server-side events are recorded in
 * {@link #serverSideEvents()}.
 */
final class ClusterNode implements AutoCloseable {

    final String name;
    private final ConfigurableApplicationContext context;
    private final List<String> serverSideEvents;

    private ClusterNode(String name, ConfigurableApplicationContext context, List<String> serverSideEvents) {
        this.name = name;
        this.context = context;
        this.serverSideEvents = serverSideEvents;
    }

    static ClusterNode start(String name, int redisPort, String... extraProperties) {
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> properties = new ArrayList<>(List.of("server.port=0", "socketio.adapter.type=redis",
                "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redisPort,
                "spring.main.banner-mode=off", "node.name=" + name,
                // as TestApplication: a test's node closes at once (the Socket.IO lifecycle still disconnects its
                // sockets and says goodbye first); a graceful web-server shutdown waiting on a client connection
                // the test left open, then interrupted by JUnit's timeout, spun in Boot's abort loop and hung CI
                "server.shutdown=immediate"));
        properties.addAll(dev.socketeer.test.HealthProbe.PROPERTIES);
        properties.addAll(List.of(extraProperties));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                .properties(properties.toArray(String[]::new))
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("serverSideEvents", events))
                .run();
        ClusterNode node = new ClusterNode(name, context, events);
        // the adapter connects in the background: with Redis up, tests start from a node already in the cluster
        if (RedisServer.notStartedOn(redisPort).ping() && context.getBeanProvider(RedisAdapterFactory.class)
                .getIfAvailable() != null) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> node.adapterFactory().isConnected());
        }
        return node;
    }

    int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    SocketIoServer io() {
        return context.getBean(SocketIoServer.class);
    }

    RedisAdapterFactory adapterFactory() {
        return context.getBean(RedisAdapterFactory.class);
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    RedisEmitter emitter() {
        return context.getBean(RedisEmitter.class);
    }

    /** "event:arg0,arg1" for each server-side event received. */
    List<String> serverSideEvents() {
        synchronized (serverSideEvents) {
            return List.copyOf(serverSideEvents);
        }
    }

    @Override
    public void close() {
        context.close();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        /** Own Reactor Netty resources: closing one node must not stop the others' shared event loops. */
        @Bean
        org.springframework.http.client.ReactorResourceFactory reactorResourceFactory() {
            org.springframework.http.client.ReactorResourceFactory factory =
                    new org.springframework.http.client.ReactorResourceFactory();
            factory.setUseGlobalResources(false);
            // nothing is in flight when a test closes its node: Reactor Netty's default 2 s quiet period only made
            // every node's close take 2 s
            factory.setShutdownQuietPeriod(java.time.Duration.ZERO);
            return factory;
        }

        @Bean
        SocketIoServerCustomizer nodeHandlers(org.springframework.core.env.Environment environment,
                List<String> serverSideEvents) {
            String name = environment.getProperty("node.name");
            return server -> {
                server.onConnection(socket -> {
                    if (!socket.recovered()) {
                        socket.data().put("origin", name);
                    }
                    socket.on("set", (args, ack) -> {
                        socket.data().put(args.get(0).asString(), args.get(1).asString());
                        if (ack != null) {
                            ack.send(socket.data().get(args.get(0).asString()));
                        }
                    });
                    socket.on("get", (args, ack) -> ack.send(socket.data().get(args.get(0).asString())));
                    socket.on("join", (args, ack) -> {
                        socket.join(args.get(0).asString());
                        if (ack != null) {
                            ack.send(List.copyOf(socket.rooms()));
                        }
                    });
                    socket.on("origin", (args, ack) -> {
                        if (ack != null) {
                            ack.send(name);
                        }
                    });
                    socket.on("rooms", (args, ack) -> ack.send(List.copyOf(socket.rooms())));
                    socket.on("broadcast-to", (args, ack) -> server.to(args.get(0).asString()).emit("hit", args.get(1)));
                });
                server.sockets().onServerSideEmit("ask", (args, ack) -> {
                    if (ack != null) {
                        ack.send(name + "-answer");
                    }
                });
                for (String event : List.of("announce", "hello-servers")) {
                    server.sockets().onServerSideEmit(event, (args, ack) -> serverSideEvents.add(event + ":"
                            + String.join(",", args.stream().map(arg -> arg.asString()).toList())));
                }
            };
        }
    }

    static Map<String, Object> websocket() {
        return Map.of("transports", List.of("websocket"));
    }

    /** Closes each of these (nulls skipped) in order; a failure to close one does not keep the others open. */
    static void closeAll(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                // keep closing the others
            }
        }
    }
}
