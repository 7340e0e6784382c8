package dev.socketeer.sample;

import dev.socketeer.test.JavaSocketIoClient;
import io.socket.client.IO;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Test helpers for the sample chat: starting the sample, reading what its pages receive. */
final class Chat {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    private Chat() {
    }

    static ConfigurableApplicationContext start(String... args) {
        List<String> all = new ArrayList<>(List.of("--server.port=0", "--spring.main.banner-mode=off"));
        all.addAll(List.of(args));
        return SpringApplication.run(SampleApplication.class, all.toArray(String[]::new));
    }

    /**
     * A node with its own Reactor Netty event loops, so that stopping it (as a node going away) does not stop the
     * global loops that the other nodes of the same test JVM share. On a free port unless the arguments give
     * {@code --server.port}.
     */
    static ConfigurableApplicationContext startIsolated(String... args) {
        List<String> all = new ArrayList<>(List.of("--spring.main.banner-mode=off"));
        if (Stream.of(args).noneMatch(arg -> arg.startsWith("--server.port="))) {
            all.add("--server.port=0");
        }
        all.addAll(List.of(args));
        return new SpringApplicationBuilder(SampleApplication.class)
                .initializers(context -> ((GenericApplicationContext) context).registerBean("reactorResourceFactory",
                        ReactorResourceFactory.class, () -> {
                            ReactorResourceFactory factory = new ReactorResourceFactory();
                            factory.setUseGlobalResources(false);
                            return factory;
                        }))
                .run(all.toArray(String[]::new));
    }

    static String url(ConfigurableApplicationContext app) {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    /** {@code POST /api/session} for a nickname, with an optional {@code Authorization} header. */
    static HttpResponse<String> signIn(ConfigurableApplicationContext app, String nickname, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(app) + "/api/session"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JSONObject(Map.of("nickname", nickname)).toString()));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The token the sample signs for a nickname (asserting it was given one). */
    static String token(ConfigurableApplicationContext app, String nickname) {
        HttpResponse<String> response = signIn(app, nickname, null);
        if (response.statusCode() != 200) {
            throw new AssertionError("POST /api/session for " + nickname + ": " + response.statusCode() + " "
                    + response.body());
        }
        try {
            return new JSONObject(response.body()).getString("token");
        } catch (JSONException e) {
            throw new AssertionError("malformed session answer " + response.body(), e);
        }
    }

    /** A client connecting with the given {@code auth} payload (no reconnection). */
    static JavaSocketIoClient connect(ConfigurableApplicationContext app, Map<String, String> auth) {
        IO.Options options = IO.Options.builder().setForceNew(true).setReconnection(false).setAuth(auth).build();
        return JavaSocketIoClient.connect(url(app), options);
    }

    /** A client signed in as the nickname, connecting with its token. */
    static JavaSocketIoClient signedIn(ConfigurableApplicationContext app, String nickname) {
        return connect(app, Map.of("token", token(app, nickname)));
    }

    /** POSTs a direct message to a user; returns the status. */
    static int push(ConfigurableApplicationContext app, String nickname, String text) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url(app) + "/api/users/" + nickname + "/messages"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JSONObject(Map.of("text", text)).toString())).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** The names of the newest-version {@code online} list the client got (what the page shows), or none. */
    static List<String> newestOnline(JavaSocketIoClient client) {
        try {
            return newestOnlineList(client);
        } catch (JSONException e) {
            throw new AssertionError("malformed online list", e);
        }
    }

    /** The versions of the {@code online} lists the client got, in arrival order. */
    static List<Long> onlineVersions(JavaSocketIoClient client) {
        List<Long> versions = new ArrayList<>();
        for (JavaSocketIoClient.Received received : client.history()) {
            if (received.event().equals("online")) {
                versions.add(((JSONObject) received.args().get(0)).optLong("version", -1));
            }
        }
        return versions;
    }

    private static List<String> newestOnlineList(JavaSocketIoClient client) throws JSONException {
        long newest = -1;
        List<String> names = List.of();
        for (JavaSocketIoClient.Received received : client.history()) {
            if (received.event().equals("online")) {
                JSONObject list = (JSONObject) received.args().get(0);
                if (list.getLong("version") > newest) {
                    newest = list.getLong("version");
                    JSONArray array = list.getJSONArray("names");
                    names = new ArrayList<>();
                    for (int i = 0; i < array.length(); i++) {
                        names.add(array.getString(i));
                    }
                }
            }
        }
        return names;
    }
}
