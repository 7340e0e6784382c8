package dev.socketeer.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.test.JavaSocketIoClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Who a chat socket is comes from the token the sample signed, never from what the client says: no token, a claimed
 * nickname, a forged or tampered token and a token of another key are refused with {@code connect_error}; a REST
 * push reaches only the holder of the nickname's token; a nickname is held by one session at a time (409 on signing
 * in, "nickname taken" on connecting), while the same session may reconnect.
 */
class ChatAuthenticationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static ConfigurableApplicationContext app;
    private static ConfigurableApplicationContext otherKey;

    @BeforeAll
    static void start() {
        app = Chat.start("--chat.token-secret=the key of this test app, 32 or more characters");
        otherKey = Chat.start("--chat.token-secret=some other app's key, also 32 or more characters");
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] {app, otherKey}) {
            if (context != null) {
                context.close();
            }
        }
    }

    @Test
    void withoutAValidTokenNobodyGetsIn() throws Exception {
        String valid = Chat.token(app, "erin");
        String claims = valid.substring(0, valid.indexOf('.'));
        String signature = valid.substring(valid.indexOf('.') + 1);
        String[] parts = new String(Base64.getUrlDecoder().decode(claims), StandardCharsets.UTF_8).split(":", 3);
        String renamed = Base64.getUrlEncoder().withoutPadding().encodeToString((parts[0] + ":" + parts[1] + ":alice")
                .getBytes(StandardCharsets.UTF_8)) + "." + signature;
        for (Map<String, String> auth : List.of(Map.<String, String>of(), Map.of("nickname", "alice"),
                Map.of("token", "alice"), Map.of("token", renamed), Map.of("token", claims + ".AAAA"),
                Map.of("token", Chat.token(otherKey, "alice")))) {
            try (JavaSocketIoClient client = Chat.connect(app, auth)) {
                assertThat(client.awaitConnectError(WAIT)).as("auth %s", auth)
                        .isInstanceOf(JSONObject.class)
                        .satisfies(error -> assertThat(((JSONObject) error).getString("message"))
                                .isEqualTo("unauthorized"));
            }
        }
    }

    @Test
    void aPushReachesOnlyTheHolderOfTheNicknamesToken() throws Exception {
        try (JavaSocketIoClient alice = Chat.signedIn(app, "alice");
                JavaSocketIoClient mallory = Chat.connect(app, Map.of("nickname", "alice"));
                JavaSocketIoClient bob = Chat.signedIn(app, "bob")) {
            alice.awaitEvent("history", WAIT);
            bob.awaitEvent("history", WAIT);
            mallory.awaitConnectError(WAIT);
            assertThat(Chat.push(app, "alice", "for alice only")).isEqualTo(202);
            JSONObject direct = (JSONObject) alice.awaitEvent("direct message", WAIT).args().get(0);
            assertThat(direct.getString("text")).isEqualTo("for alice only");
            // bob is in the lobby with alice: a chat message reaches both, the push only alice
            bob.emit("chat message", "hello");
            alice.awaitEvent("chat message", WAIT);
            bob.awaitEvent("chat message", WAIT);
            assertThat(bob.history()).noneMatch(received -> received.event().equals("direct message"));
            assertThat(mallory.history()).noneMatch(received -> received.event().equals("direct message"));
            // what the server says a message's author is comes from the token
            JSONObject message = (JSONObject) alice.history().stream()
                    .filter(received -> received.event().equals("chat message")).findFirst().orElseThrow()
                    .args().get(0);
            assertThat(message.getString("nickname")).isEqualTo("bob");
        }
    }

    @Test
    void aNicknameBelongsToOneSessionAtATime() throws Exception {
        String first = Chat.token(app, "carol");
        String second = Chat.token(app, "carol");         // nobody connected as carol yet: both signed in
        try (JavaSocketIoClient carol = Chat.connect(app, Map.of("token", first))) {
            carol.awaitEvent("history", WAIT);
            HttpResponse<String> taken = Chat.signIn(app, "carol", null);
            assertThat(taken.statusCode()).isEqualTo(409);
            assertThat(new JSONObject(taken.body()).getString("error")).isEqualTo("\"carol\" is taken");
            try (JavaSocketIoClient other = Chat.connect(app, Map.of("token", second))) {
                assertThat(((JSONObject) other.awaitConnectError(WAIT)).getString("message"))
                        .isEqualTo("nickname taken");
            }
            // the same session (a second tab with the token, or a reconnection the server has not yet seen close)
            try (JavaSocketIoClient again = Chat.connect(app, Map.of("token", first))) {
                again.awaitEvent("history", WAIT);
            }
            // and the session may refresh its token
            HttpResponse<String> refreshed = Chat.signIn(app, "carol", first);
            assertThat(refreshed.statusCode()).isEqualTo(200);
            try (JavaSocketIoClient again = Chat.connect(app,
                    Map.of("token", new JSONObject(refreshed.body()).getString("token")))) {
                again.awaitEvent("history", WAIT);
            }
            // another nickname's token does not refresh carol's session
            assertThat(Chat.signIn(app, "carol", Chat.token(app, "dan")).statusCode()).isEqualTo(409);
        }
        // carol left: the name is free again
        await().atMost(WAIT)
                .until(() -> Chat.signIn(app, "carol", null).statusCode() == 200);
    }

    @Test
    void nicknamesThatCannotBeOneAreRefused() {
        for (String nickname : new String[] {"", "   ", "x".repeat(33), "server", "tab\there"}) {
            assertThat(Chat.signIn(app, nickname, null).statusCode()).as("'%s'", nickname).isEqualTo(400);
        }
    }
}
