package dev.socketeer.sample;

import dev.socketeer.test.JavaSocketIoClient;
import java.util.ArrayList;
import java.util.List;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Test helpers for the sample chat: starting the sample, reading what its pages receive. */
final class Chat {

    private Chat() {
    }

    static ConfigurableApplicationContext start(String... args) {
        List<String> all = new ArrayList<>(List.of("--server.port=0", "--spring.main.banner-mode=off"));
        all.addAll(List.of(args));
        return SpringApplication.run(SampleApplication.class, all.toArray(String[]::new));
    }

    static String url(ConfigurableApplicationContext app) {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
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
