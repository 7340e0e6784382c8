package dev.socketeer.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.server.SocketIoServer;
import dev.socketeer.test.NodeSocketIoClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With graceful shutdown (Boot's default), closing the application disconnects every socket with
 * "server shutting down" and clients see a transport close (so they reconnect elsewhere) at once,
 * instead of Boot waiting on the open WebSockets for the 30 s shutdown-phase timeout.
 */
class SocketIoGracefulShutdownTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void shutdownClosesSocketsFirstAndCompletesFast() {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(App.class).web(WebApplicationType.REACTIVE)
                .properties("server.port=0", "spring.main.banner-mode=off", "server.shutdown=graceful",
                        "spring.lifecycle.timeout-per-shutdown-phase=30s")
                .run();
        String url = "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort() + "/";
        try (NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            clients.connect("ws", url, Map.of("transports", List.of("websocket"), "reconnection", false));
            // default transports: opens on polling, then upgrades to websocket
            clients.connect("upgraded", url, Map.of("reconnection", false));
            clients.awaitConnect("ws", WAIT);
            clients.awaitConnect("upgraded", WAIT);
            assertThat(clients.awaitUpgrade("upgraded", WAIT).get("transport").asString()).isEqualTo("websocket");

            long start = System.nanoTime();
            app.close();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).as("shutdown time").isLessThan(Duration.ofSeconds(10));
            assertThat(App.REASONS).containsExactly("server shutting down", "server shutting down");
            assertThat(clients.awaitDisconnect("ws", WAIT).get("reason").asString()).isEqualTo("transport close");
            assertThat(clients.awaitDisconnect("upgraded", WAIT).get("reason").asString()).isEqualTo("transport close");
        } finally {
            app.close();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        static final Queue<String> REASONS = new ConcurrentLinkedQueue<>();

        @Bean
        SocketIoServerCustomizer recordDisconnectReasons() {
            return (SocketIoServer server) -> server.onConnection(
                    socket -> socket.onDisconnect((s, reason) -> REASONS.add(reason)));
        }
    }
}
