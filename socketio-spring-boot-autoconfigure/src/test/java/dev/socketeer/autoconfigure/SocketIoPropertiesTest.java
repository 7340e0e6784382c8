package dev.socketeer.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.engine.EngineOptions;
import dev.socketeer.protocol.socketio.DecoderLimits;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SocketIoPropertiesTest {

    @Test
    void defaultsEqualTheReferenceServers() {
        SocketIoProperties properties = new SocketIoProperties();
        assertThat(properties.isEnabled()).isTrue();
        assertThat(properties.getPath()).isEqualTo("/socket.io/");
        assertThat(properties.getPingInterval()).isEqualTo(Duration.ofSeconds(25));
        assertThat(properties.getPingTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(properties.getUpgradeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(properties.getConnectTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(properties.getMaxHttpBufferSize()).isEqualTo(DataSize.ofBytes(1_000_000));
        assertThat(properties.getTransports()).containsExactly("polling", "websocket");
        assertThat(properties.isAllowUpgrades()).isTrue();
        assertThat(properties.getPerMessageDeflate().isEnabled()).isFalse();
        assertThat(properties.getPerMessageDeflate().getThreshold()).isEqualTo(DataSize.ofBytes(1024));
        assertThat(properties.getHttpCompression().isEnabled()).isTrue();
        assertThat(properties.getHttpCompression().getThreshold()).isEqualTo(DataSize.ofBytes(1024));
        assertThat(properties.getCookie().isEnabled()).isFalse();
        assertThat(properties.getCookie().getName()).isEqualTo("io");
        assertThat(properties.getCookie().getPath()).isEqualTo("/");
        assertThat(properties.getCookie().isHttpOnly()).isTrue();
        assertThat(properties.getCookie().getSameSite()).isEqualTo("Lax");
        assertThat(properties.getCookie().isSecure()).isFalse();
        assertThat(properties.getCors().getAllowedOrigins()).isEmpty();
        assertThat(properties.getCors().isAllowCredentials()).isFalse();
        assertThat(properties.getConnectionStateRecovery().isEnabled()).isFalse();
        assertThat(properties.getConnectionStateRecovery().getMaxDisconnectionDuration())
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(properties.getConnectionStateRecovery().isSkipMiddlewares()).isTrue();
        assertThat(properties.getAdapter().getType()).isEqualTo(SocketIoProperties.AdapterType.MEMORY);
        assertThat(properties.getSecurity().isCsrfExempt()).isTrue();
    }

    @Test
    void defaultsValidate() {
        SocketIoOptionsMapper.validate(new SocketIoProperties());
    }

    /** Connection settings that fall back to Spring Boot's own, and sizes computed from the machine. */
    private static final java.util.Set<String> UNSET_BY_DEFAULT = java.util.Set.of("socketio.adapter.postgres.url",
            "socketio.adapter.postgres.host", "socketio.adapter.postgres.port", "socketio.adapter.postgres.database",
            "socketio.adapter.postgres.username", "socketio.adapter.postgres.password",
            "socketio.handler.bounded.max-threads", "socketio.ack-timeout", "socketio.admin.auth.password-hash",
            "socketio.admin.server-id");

    @Test
    void generatedMetadataDescribesEveryPropertyWithItsDefault() throws Exception {
        JsonNode metadata = metadata();
        List<String> names = new ArrayList<>();
        for (JsonNode property : metadata.get("properties")) {
            String name = property.get("name").asString();
            names.add(name);
            assertThat(property.path("description").asString("")).as("description of %s", name).isNotBlank();
            if (!UNSET_BY_DEFAULT.contains(name)) {
                assertThat(property.has("defaultValue")).as("default of %s", name).isTrue();
            }
        }
        assertThat(names).contains("socketio.path", "socketio.ping-interval", "socketio.transports",
                "socketio.http-compression.threshold", "socketio.per-message-deflate.threshold",
                "socketio.adapter.type", "socketio.security.csrf-exempt");
        assertThat(defaultOf(metadata, "socketio.ping-interval")).isEqualTo("25s");
        assertThat(defaultOf(metadata, "socketio.max-http-buffer-size")).isEqualTo("1000000B");
        assertThat(defaultOf(metadata, "socketio.http-compression.enabled")).isEqualTo("true");
        assertThat(defaultOf(metadata, "socketio.per-message-deflate.enabled")).isEqualTo("false");
        assertThat(defaultOf(metadata, "socketio.adapter.type")).isEqualTo("memory");
        assertThat(defaultOf(metadata, "socketio.transports")).isEqualTo("[\"polling\",\"websocket\"]");
    }

    static JsonNode metadata() throws Exception {
        try (InputStream in = SocketIoProperties.class.getResourceAsStream(
                "/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("spring-configuration-metadata.json on the classpath").isNotNull();
            return JsonMapper.builder().build().readTree(in);
        }
    }

    private static String defaultOf(JsonNode metadata, String name) {
        for (JsonNode property : metadata.get("properties")) {
            if (property.get("name").asString().equals(name)) {
                JsonNode value = property.get("defaultValue");
                return value.isValueNode() ? value.asString() : value.toString();
            }
        }
        throw new AssertionError("no property " + name);
    }

    // ---- limits: backpressure and the packet parser

    @Test
    void limitDefaultsAreTheEnginesAndTheParsers() {
        SocketIoProperties properties = new SocketIoProperties();
        EngineOptions.Backpressure engine = EngineOptions.Backpressure.defaults();
        assertThat(properties.getBackpressure().getHighWaterMark().toBytes()).isEqualTo(engine.highWaterMark());
        assertThat(properties.getBackpressure().getMaxBuffer().toBytes()).isEqualTo(engine.maxBuffer());
        assertThat(properties.getBackpressure().getMaxLag()).isEqualTo(engine.maxLag());
        DecoderLimits parser = DecoderLimits.defaults();
        assertThat(properties.getParser().getMaxNestingDepth()).isEqualTo(parser.maxNestingDepth());
        assertThat(properties.getParser().getMaxNumberLength()).isEqualTo(parser.maxNumberLength());
        assertThat(properties.getParser().getMaxAckIdDigits()).isEqualTo(parser.maxAckIdDigits());
    }
}
