package dev.socketeer.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.adapter.redis.RedisServer;
import dev.socketeer.annotation.OnDisconnect;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.handler.DisconnectReason;
import dev.socketeer.server.RemoteSocket;
import dev.socketeer.server.Socket;
import dev.socketeer.server.SocketIoServer;
import dev.socketeer.test.NodeSocketIoClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import reactor.core.publisher.Mono;

/**
 * A node shutting down runs its {@code @OnDisconnect} handlers before its adapter leaves the cluster: a handler
 * that asks the cluster who is still connected (the private-messaging tutorial's "last tab?" check) gets the
 * answer, and what it broadcasts reaches the other nodes, whether it blocks or returns a reactive value.
 */
class SocketIoShutdownHandlersTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    static final BlockingQueue<String> RESULTS = new LinkedBlockingQueue<>();

    @Test
    void disconnectHandlersOfAStoppingNodeStillReachTheCluster() throws Exception {
        RESULTS.clear();
        try (RedisServer redis = RedisServer.start();
                ConfigurableApplicationContext stopping = node(redis);
                ConfigurableApplicationContext staying = node(redis);
                NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            clients.connect("leaving", url(stopping), Map.of("transports", List.of("websocket"), "reconnection", false));
            clients.connect("watching", url(staying), Map.of("transports", List.of("websocket")));
            clients.awaitConnect("leaving", WAIT);
            clients.awaitConnect("watching", WAIT);

            stopping.close();

            // one answer per handler, each counting the socket still connected on the other node
            List<String> results = List.of(RESULTS.poll(WAIT.toSeconds(), TimeUnit.SECONDS),
                    RESULTS.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertThat(results).containsExactlyInAnyOrder("blocking: 1 online", "reactive: 1 online");
            assertThat(clients.awaitEvent("watching", "user disconnected", WAIT).get("args").get(0).asString())
                    .isEqualTo("server shutting down");
            assertThat(RESULTS.poll(300, TimeUnit.MILLISECONDS)).as("no other disconnection").isNull();
        }
    }

    private static ConfigurableApplicationContext node(RedisServer redis) {
        return new SpringApplicationBuilder(App.class).web(WebApplicationType.REACTIVE)
                .properties("server.port=0", "spring.main.banner-mode=off", "socketio.adapter.type=redis",
                        "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port(),
                        "socketio.adapter.redis.requests-timeout=5s")
                .run();
    }

    private static String url(ConfigurableApplicationContext app) {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort() + "/";
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Presence.class)
    static class App {

        /** Loops of its own: closing one node must not take the other's connections (one JVM holds both). */
        @Bean
        ReactorResourceFactory reactorResourceFactory() {
            ReactorResourceFactory factory = new ReactorResourceFactory();
            factory.setUseGlobalResources(false);
            return factory;
        }
    }

    @SocketIoController
    static class Presence {

        private final SocketIoServer server;

        Presence(SocketIoServer server) {
            this.server = server;
        }

        @OnDisconnect
        void blocking(Socket socket, DisconnectReason reason) {
            try {
                List<RemoteSocket> online = server.fetchSockets().get(10, TimeUnit.SECONDS);
                RESULTS.add("blocking: " + online.size() + " online");
                server.emit("user disconnected", reason.reason());
            } catch (Exception e) {
                RESULTS.add("blocking: " + e);
            }
        }

        @OnDisconnect
        Mono<Void> reactive(Socket socket) {
            return Mono.delay(Duration.ofMillis(300))
                    .then(Mono.fromFuture(server::fetchSockets))
                    .doOnNext(online -> RESULTS.add("reactive: " + online.size() + " online"))
                    .onErrorResume(error -> {
                        RESULTS.add("reactive: " + error);
                        return Mono.empty();
                    })
                    .then();
        }
    }
}
