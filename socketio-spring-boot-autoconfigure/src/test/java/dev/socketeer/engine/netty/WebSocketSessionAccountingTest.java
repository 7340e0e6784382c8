package dev.socketeer.engine.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.engine.EngineOptions;
import dev.socketeer.engine.EngineSocket;
import dev.socketeer.engine.netty.EngineHandlerMappingTest.Ws;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every WebSocket connection the server keeps open belongs to a live Engine.IO session: whatever a client does with
 * a session id (take it over, probe and give up, let the upgrade time out, upgrade twice, close during the upgrade),
 * the server's count of open WebSocket connections ends equal to the sessions that use one.
 */
class WebSocketSessionAccountingTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern SID = Pattern.compile("\"sid\":\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private EchoEngineServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void webSocketTakenOverByASecondWebSocketIsClosedAtOnce() throws Exception {
        server = new EchoEngineServer(EngineOptions.defaults(), 0);
        Ws victim = ws("EIO=4&transport=websocket");
        String sid = sid(victim.next());
        Ws thief = ws("EIO=4&transport=websocket&sid=" + sid);
        thief.send("2probe");
        assertThat(thief.next()).isEqualTo("3probe");
        thief.send("5");

        assertThat(victim.closed).succeedsWithin(TIMEOUT);
        thief.send("4mine");
        assertThat(thief.next()).isEqualTo("4mine");
        await().atMost(TIMEOUT).until(() -> server.openWebSocketConnections() == 1);
        assertThat(server.engine.clientsCount()).isEqualTo(1);
        assertThat(victim.messages).doesNotContain("4mine");
    }

    @Test
    void noWayOfUsingASessionIdLeavesAWebSocketWithoutASession() throws Exception {
        server = new EchoEngineServer(EngineOptions.defaults().withUpgradeTimeout(Duration.ofMillis(300)), 0);

        // the upgrade is cancelled by a packet other than the probe
        Ws badProbe = ws("EIO=4&transport=websocket&sid=" + pollingHandshake());
        badProbe.send("4not a probe");
        // the client never probes: the upgrade times out
        Ws silent = ws("EIO=4&transport=websocket&sid=" + pollingHandshake());
        // a second upgrade while the first is under way (the first then times out)
        String twice = pollingHandshake();
        Ws firstUpgrade = ws("EIO=4&transport=websocket&sid=" + twice);
        Ws secondUpgrade = ws("EIO=4&transport=websocket&sid=" + twice);
        // the server closes the session between the probe and the upgrade packet
        String closing = pollingHandshake();
        Ws probed = ws("EIO=4&transport=websocket&sid=" + closing);
        probed.send("2probe");
        assertThat(probed.next()).isEqualTo("3probe");
        session(closing).close();
        // the probe arrives, then the client closes the WebSocket before upgrading
        String abandoned = pollingHandshake();
        Ws leaving = ws("EIO=4&transport=websocket&sid=" + abandoned);
        leaving.send("2probe");
        assertThat(leaving.next()).isEqualTo("3probe");
        leaving.socket.sendClose(1000, "").join();
        // an upgrade to a session that does not exist is refused before the handshake
        assertThat(wsRefused("EIO=4&transport=websocket&sid=AAAAAAAAAAAAAAAAAAAA")).isTrue();
        // a WebSocket session taken over by another WebSocket
        Ws victim = ws("EIO=4&transport=websocket");
        Ws thief = ws("EIO=4&transport=websocket&sid=" + sid(victim.next()));
        thief.send("2probe");
        assertThat(thief.next()).isEqualTo("3probe");
        thief.send("5");
        // and one upgrade that completes, which keeps its connection
        String upgraded = pollingHandshake();
        Ws good = ws("EIO=4&transport=websocket&sid=" + upgraded);
        good.send("2probe");
        assertThat(good.next()).isEqualTo("3probe");
        good.send("5");

        Map<String, Ws> closedByTheServer = Map.of("bad probe", badProbe, "silent", silent, "first of two upgrades",
                firstUpgrade, "second upgrade", secondUpgrade, "closed while probing", probed, "left after probing",
                leaving, "taken over", victim);
        closedByTheServer.forEach((name, closed) -> assertThat(closed.closed).as(name).succeedsWithin(TIMEOUT));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(server.openWebSocketConnections())
                .as("open WebSocket connections").isEqualTo(webSocketSessions()).isEqualTo(2));
        good.send("4ok");
        assertThat(good.next()).isEqualTo("4ok");
        thief.send("4ok");
        assertThat(thief.next()).isEqualTo("4ok");
    }

    private long webSocketSessions() {
        return server.sockets.stream().filter(EngineSocket::isOpen).filter(s -> s.transportName().equals("websocket")).count();
    }

    private EngineSocket session(String sid) {
        return server.engine.socket(sid);
    }

    private String pollingHandshake() throws Exception {
        return sid(http.send(HttpRequest.newBuilder(URI.create(server.url("EIO=4&transport=polling"))).timeout(TIMEOUT)
                .build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private static String sid(String body) {
        Matcher matcher = SID.matcher(body);
        assertThat(matcher.find()).as("sid in %s", body).isTrue();
        return matcher.group(1);
    }

    private Ws ws(String query) {
        Ws ws = new Ws();
        ws.socket = http.newWebSocketBuilder().buildAsync(URI.create(server.wsUrl(query)), ws).join();
        return ws;
    }

    private boolean wsRefused(String query) {
        CompletableFuture<?> attempt = http.newWebSocketBuilder().buildAsync(URI.create(server.wsUrl(query)), new Ws());
        try {
            attempt.join();
            return false;
        } catch (CompletionException refused) {
            return true;
        }
    }
}
