package dev.socketeer.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.adapter.redis.RedisServer;
import dev.socketeer.test.PostgresTestServer;
import dev.socketeer.test.TestApplication;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The one INFO line a starting application logs about its Socket.IO server, and the warning for a
 * {@code socketio.*} key that binds to nothing. Real applications on free ports, real Redis and
 * PostgreSQL servers.
 */
@ExtendWith(OutputCaptureExtension.class)
class SocketIoStartupReportTest {

    @Test
    void logsPathPortTransportsAdapterAndRecoveryOnceTheServerListens(CapturedOutput output) {
        try (TestApplication app = TestApplication.start()) {
            assertThat(reportLines(output)).containsExactly("Socket.IO serving /socket.io/ on port " + app.port()
                    + "; transports: polling, websocket (upgrades on); adapter: memory (this node only);"
                    + " connection state recovery: off");
        }
    }

    @Test
    void reportsWhatThePropertiesChanged(CapturedOutput output) {
        try (TestApplication app = TestApplication.start("socketio.path=/rt/", "socketio.transports=websocket",
                "socketio.connection-state-recovery.enabled=true")) {
            assertThat(reportLines(output)).containsExactly("Socket.IO serving /rt/ on port " + app.port()
                    + "; transports: websocket; adapter: memory (this node only); connection state recovery: on");
        }
    }

    @Test
    void namesTheRedisAdapterItsModePrefixAndAddress(CapturedOutput output) {
        try (RedisServer redis = RedisServer.start();
                TestApplication app = TestApplication.start("socketio.adapter.type=redis",
                        "socketio.adapter.redis.mode=sharded", "socketio.adapter.redis.key=chat",
                        "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port())) {
            assertThat(reportLines(output)).singleElement().asString().contains(
                    "adapter: redis (sharded, prefix \"chat\", 127.0.0.1:" + redis.port() + ")");
        }
    }

    @Test
    void namesThePostgresAdapterItsPrefixAndAddress(CapturedOutput output) {
        try (PostgresTestServer postgres = PostgresTestServer.start("report");
                TestApplication app = TestApplication.start("socketio.adapter.type=postgres",
                        "socketio.adapter.postgres.channel-prefix=chat", "spring.r2dbc.url=" + postgres.r2dbcUrl(),
                        "spring.r2dbc.username=postgres")) {
            assertThat(reportLines(output)).singleElement().asString().contains(
                    "adapter: postgres (prefix \"chat\", 127.0.0.1:" + postgres.port() + "/postgres)");
        }
    }

    @Test
    void aMisspeltKeyIsReportedWithTheKeyItWasMeantToBe(CapturedOutput output) {
        try (TestApplication app = TestApplication.start("socketio.adaptor.type=redis",
                "socketio.cors.allowed-origin=https://example.com")) {
            assertThat(output).contains("Unknown property 'socketio.adaptor.type'",
                    "did you mean 'socketio.adapter.type'?", "Unknown property 'socketio.cors.allowed-origin'",
                    "did you mean 'socketio.cors.allowed-origins'?");
            // and the line says what actually runs
            assertThat(reportLines(output)).singleElement().asString().contains("adapter: memory (this node only)");
        }
    }

    @Test
    void aKeyFarFromEveryPropertyIsReportedWithoutAGuess(CapturedOutput output) {
        try (TestApplication app = TestApplication.start("socketio.flux-capacitor=on")) {
            assertThat(output).contains("Unknown property 'socketio.flux-capacitor'", "Socketeer has no such property");
        }
    }

    @Test
    void knownKeysInAnyRelaxedFormAndListIndexesAreNotReported(CapturedOutput output) {
        try (TestApplication app = TestApplication.start("socketio.pingInterval=20s",
                "socketio.transports[0]=websocket", "socketio.adapter.redis.requests-timeout=3s",
                "socketio.handler.bounded.max-threads=4", "socketio.redis-emitter.enabled=false")) {
            assertThat(output).doesNotContain("Unknown property");
        }
    }

    private static List<String> reportLines(CapturedOutput output) {
        List<String> lines = new ArrayList<>();
        for (String line : output.getOut().split("\n")) {
            int start = line.indexOf("Socket.IO serving ");
            if (start >= 0) {
                lines.add(line.substring(start).strip());
            }
        }
        return lines;
    }
}
