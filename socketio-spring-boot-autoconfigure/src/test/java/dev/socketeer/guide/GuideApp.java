package dev.socketeer.guide;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/** A reactive application on a free port made of the guide classes a test names, as a reader's would be. */
public final class GuideApp implements AutoCloseable {

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class AutoConfigured {
    }

    private final ConfigurableApplicationContext context;

    private GuideApp(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Starts the application; {@code properties} are {@code key=value} pairs. */
    public static GuideApp start(List<Class<?>> classes, String... properties) {
        List<Class<?>> sources = new ArrayList<>(classes);
        sources.add(AutoConfigured.class);
        List<String> all = new ArrayList<>(List.of("server.port=0", "spring.main.banner-mode=off",
                "server.shutdown=immediate", "socketio.redis-emitter.enabled=false"));
        all.addAll(List.of(properties));
        return new GuideApp(new SpringApplicationBuilder(sources.toArray(Class<?>[]::new))
                .web(WebApplicationType.REACTIVE).properties(all.toArray(String[]::new)).run());
    }

    /** The URL of a namespace, e.g. {@code url("/chat")}. */
    public String url(String namespace) {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort() + namespace;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
