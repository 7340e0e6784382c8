package dev.socketeer.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Serves the Admin UI's built files (vendored under {@code META-INF/socketeer/admin-ui/}, see its NOTICE.md) at
 * {@code socketio.admin.ui.path}, from memory: they are read once at startup, so no request reads the class path
 * on an event loop. {@code index.html} is rewritten: the CDN stylesheets (Google Fonts, Material Design Icons) are
 * replaced by {@code socketeer-offline.css}, and {@code socketeer-config.js} points the UI at this server.
 */
final class AdminUiHandler {

    private static final String ROOT = "META-INF/socketeer/admin-ui/";
    private static final Pattern CDN_STYLESHEET =
            Pattern.compile("<link rel=\"?stylesheet\"? href=\"?https://[^>]*>");

    private final String path;
    private final Map<String, byte[]> files;

    AdminUiHandler(String uiPath, String socketIoPath, String namespace) {
        this.path = uiPath.endsWith("/") ? uiPath : uiPath + "/";
        this.files = load();
        String index = new String(files.get("index.html"), StandardCharsets.UTF_8);
        index = CDN_STYLESHEET.matcher(index).replaceAll("");
        index = index.replace("</head>", "<link href=\"socketeer-offline.css\" rel=\"stylesheet\">"
                + "<script src=\"socketeer-config.js\"></script></head>");
        files.put("index.html", index.getBytes(StandardCharsets.UTF_8));
        files.put("socketeer-config.js", config(socketIoPath, namespace).getBytes(StandardCharsets.UTF_8));
    }

    /** Sets the UI's connection settings (kept in its local storage) to this server, unless already set so. */
    private static String config(String socketIoPath, String namespace) {
        String path = socketIoPath.endsWith("/") && socketIoPath.length() > 1
                ? socketIoPath.substring(0, socketIoPath.length() - 1) : socketIoPath;
        return """
                (function () {
                  var config = { server_url: location.origin, namespace: %s, path: %s, ws_only: "false" };
                  try {
                    var marker = JSON.stringify(config);
                    if (localStorage.getItem("socketeer_config") !== marker) {
                      for (var key in config) { localStorage.setItem(key, config[key]); }
                      localStorage.setItem("socketeer_config", marker);
                    }
                  } catch (e) { /* no local storage: the UI asks for the server */ }
                })();
                """.formatted(jsString(namespace), jsString(path));
    }

    private static String jsString(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("<", "\\u003c") + "\"";
    }

    private static Map<String, byte[]> load() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try {
            Resource[] resources = new PathMatchingResourcePatternResolver(AdminUiHandler.class.getClassLoader())
                    .getResources("classpath*:" + ROOT + "**");
            String rootUrl = new ClassPathResource(ROOT + "index.html", AdminUiHandler.class.getClassLoader())
                    .getURL().toString().replace("index.html", "");
            for (Resource resource : resources) {
                String url = resource.getURL().toString();
                if (!url.startsWith(rootUrl) || url.endsWith("/") || !resource.isReadable()) {
                    continue;
                }
                try (InputStream in = resource.getInputStream()) {
                    files.put(url.substring(rootUrl.length()), in.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("The Admin UI's files could not be read from " + ROOT, e);
        }
        if (!files.containsKey("index.html")) {
            throw new IllegalStateException("The Admin UI's files are missing from the class path (" + ROOT + ")");
        }
        return files;
    }

    List<String> fileNames() {
        return List.copyOf(files.keySet());
    }

    RouterFunction<ServerResponse> routes() {
        String bare = path.substring(0, path.length() - 1);
        RouterFunctions.Builder routes = RouterFunctions.route();
        if (!bare.isEmpty()) {
            routes.GET(bare, request -> ServerResponse.permanentRedirect(
                    request.uriBuilder().replacePath(request.requestPath().contextPath().value() + path).build())
                    .build());
        }
        return routes.GET(path + "**", this::serve).build();
    }

    private Mono<ServerResponse> serve(ServerRequest request) {
        String within = request.requestPath().pathWithinApplication().value();
        String name = within.length() <= path.length() ? "index.html" : within.substring(path.length());
        byte[] body = files.get(name);
        if (body == null) {
            return ServerResponse.notFound().build();
        }
        MediaType type = name.endsWith(".js") ? MediaType.valueOf("text/javascript;charset=UTF-8")
                : MediaTypeFactory.getMediaType(name).orElse(MediaType.APPLICATION_OCTET_STREAM);
        if (type.getType().equals("text") && type.getCharset() == null) {
            type = new MediaType(type, StandardCharsets.UTF_8);
        }
        // the bundles' names carry a content hash; the rest may change with the configuration or an upgrade
        CacheControl cache = name.matches(".*\\.[0-9a-f]{8}\\.(js|css|svg)")
                ? CacheControl.maxAge(java.time.Duration.ofDays(365)).cachePublic() : CacheControl.noCache();
        return ServerResponse.ok().contentType(type).cacheControl(cache).bodyValue(body);
    }
}
