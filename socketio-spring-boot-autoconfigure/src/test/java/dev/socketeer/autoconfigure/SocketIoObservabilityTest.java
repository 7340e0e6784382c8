package dev.socketeer.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.server.SocketIoServer;
import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.NodeSocketIoClient.AckReply;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The socketio health indicator and the Socket.IO meters, moved by real npm clients. */
class SocketIoObservabilityTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static ConfigurableApplicationContext app;
    private static String base;

    @BeforeAll
    static void start() {
        app = new SpringApplicationBuilder(ChatApp.class).web(WebApplicationType.REACTIVE)
                .properties("server.port=0", "spring.main.banner-mode=off",
                        "management.endpoints.web.exposure.include=health",
                        "management.endpoint.health.show-details=always")
                .run();
        base = "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void healthIsUpWithClientsAndNamespaces() throws Exception {
        try (NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            clients.connect("h1", base + "/chat");
            clients.awaitConnect("h1", WAIT);
            JsonNode health = JsonMapper.builder().build().readTree(get("/actuator/health/socketio").body());
            assertThat(health.get("status").asString()).isEqualTo("UP");
            assertThat(health.get("details").get("clients").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(health.get("details").get("namespaces").toString()).contains("\"/\"", "\"/chat\"");
        }
    }

    @Test
    void metersMoveWithRealClients() throws Exception {
        MeterRegistry registry = app.getBean(MeterRegistry.class);
        double connectsBefore = count(registry, "socketio.connects", "namespace", "/chat");
        double connectedBefore = gauge(registry);
        double packetsInBefore = registry.get("socketio.packets.received").counter().count();
        double bytesOutBefore = registry.get("socketio.bytes.sent").counter().count();
        try (NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            // default transports: polling first, then the upgrade to websocket
            clients.connect("a", base + "/chat", Map.of(), Map.of("question", AckReply.of("answer")));
            clients.connect("b", base + "/chat", Map.of(), Map.of());
            clients.awaitConnect("a", WAIT);
            clients.awaitConnect("b", WAIT);
            assertThat(gauge(registry)).isEqualTo(connectedBefore + 2);
            assertThat(count(registry, "socketio.connects", "namespace", "/chat")).isEqualTo(connectsBefore + 2);

            clients.emit("a", "say", "hello everyone");
            clients.awaitEvent("a", "said", WAIT);
            clients.awaitEvent("b", "said", WAIT);
            // recorded once the last recipient's write is done, which may be after the clients got it
            await().atMost(WAIT).untilAsserted(() -> assertThat(registry.get("socketio.broadcast.recipients")
                    .tag("namespace", "/chat").summary().max()).isGreaterThanOrEqualTo(2));

            clients.emit("a", "ask");
            clients.awaitEvent("a", "answered", WAIT);
            await().atMost(WAIT).untilAsserted(
                    () -> assertThat(registry.get("socketio.ack.latency").timer().count()).isGreaterThanOrEqualTo(1));
            assertThat(registry.get("socketio.packets.received").counter().count()).isGreaterThan(packetsInBefore + 3);
            assertThat(registry.get("socketio.bytes.received").counter().count()).isPositive();
            assertThat(registry.get("socketio.packets.sent").counter().count()).isPositive();
            assertThat(registry.get("socketio.bytes.sent").counter().count()).isGreaterThan(bytesOutBefore);

            clients.disconnect("b");
            await().atMost(WAIT).untilAsserted(() -> assertThat(
                    count(registry, "socketio.disconnects", "reason", "client namespace disconnect")).isPositive());
            assertThat(gauge(registry)).isEqualTo(connectedBefore + 1);
        }
    }

    @Test
    void handshakeErrorsAreCountedByCode() throws Exception {
        assertThat(get("/socket.io/?EIO=3&transport=polling").statusCode()).isEqualTo(400);
        assertThat(get("/socket.io/?EIO=4&transport=carrier-pigeon").statusCode()).isEqualTo(400);
        MeterRegistry registry = app.getBean(MeterRegistry.class);
        assertThat(registry.get("socketio.handshake.errors").tag("code", "5").counter().count()).isEqualTo(1);
        assertThat(registry.get("socketio.handshake.errors").tag("code", "0").counter().count()).isEqualTo(1);
    }

    private static double gauge(MeterRegistry registry) {
        io.micrometer.core.instrument.Gauge gauge = registry.find("socketio.connections").tag("namespace", "/chat").gauge();
        return gauge == null ? 0 : gauge.value();
    }

    private static double count(MeterRegistry registry, String name, String tag, String value) {
        return registry.find(name).tag(tag, value).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class ChatApp {

        @Bean
        SocketIoServerCustomizer chat() {
            return (SocketIoServer server) -> server.of("/chat").onConnection(socket -> {
                socket.on("say", (args, ack) -> socket.namespace().emit("said", args.get(0)));
                socket.on("ask", (args, ack) -> socket.emitWithAck("question")
                        .thenAccept(answer -> socket.emit("answered", answer.get(0))));
            });
        }
    }
}
