package dev.socketeer.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import io.socket.client.IO;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Proves the Java client helper against the Node reference server (socket.io 4.8.4). */
class JavaSocketIoClientTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static NodeSocketIoServer server;

    @BeforeAll
    static void startServer() {
        server = NodeSocketIoServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void connectsEmitsAndReceivesBinary() throws Exception {
        try (JavaSocketIoClient client = JavaSocketIoClient.connect(server.url("/"))) {
            String sid = client.awaitConnect(WAIT);
            JSONObject welcome = (JSONObject) client.awaitEvent("welcome", WAIT).args().get(0);
            assertThat(welcome.getString("sid")).isEqualTo(sid);

            client.emit("message", "text", new byte[] { 1, 2, 3 }, new JSONObject().put("k", 1));

            List<Object> back = client.awaitEvent("message-back", WAIT).args();
            assertThat(back.get(0)).isEqualTo("text");
            assertThat((byte[]) back.get(1)).containsExactly(1, 2, 3);
            assertThat(((JSONObject) back.get(2)).getInt("k")).isEqualTo(1);
        }
    }

    @Test
    void acksWorkBothWays() {
        try (JavaSocketIoClient client = JavaSocketIoClient.connect(server.url("/custom"))) {
            client.awaitConnect(WAIT);

            assertThat(client.emitWithAck("message-with-ack", WAIT, "a", 2)).containsExactly("a", 2);

            client.emit("request-ack", "question", new JSONArray().put("q"));
            JavaSocketIoClient.Received question = client.awaitEvent("question", WAIT);
            assertThat(question.args()).containsExactly("q");
            question.reply("answer", new byte[] { 5 });
            List<Object> result = client.awaitEvent("ack-result", WAIT).args();
            assertThat(result.get(0)).isEqualTo("answer");
            assertThat((byte[]) result.get(1)).containsExactly(5);
        }
    }

    @Test
    void reportsRefusalsAndDisconnects() {
        IO.Options withBadToken = IO.Options.builder().setForceNew(true).setReconnection(false)
                .setAuth(java.util.Map.of("token", "wrong")).build();
        try (JavaSocketIoClient refused = JavaSocketIoClient.connect(server.url("/private"), withBadToken);
                JavaSocketIoClient kicked = JavaSocketIoClient.connect(server.url("/"))) {
            assertThat(refused.awaitConnectError(WAIT)).isInstanceOf(JSONObject.class)
                    .satisfies(error -> assertThat(((JSONObject) error).getString("message")).isEqualTo("unauthorized"));

            kicked.awaitConnect(WAIT);
            kicked.emit("server-disconnect");
            assertThat(kicked.awaitDisconnect(WAIT)).isEqualTo("io server disconnect");
        }
    }
}
