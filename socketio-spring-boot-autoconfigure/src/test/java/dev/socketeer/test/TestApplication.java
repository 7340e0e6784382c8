package dev.socketeer.test;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * A reactive Spring Boot application on a free port, made of the classes a test names plus the auto-configuration,
 * as a user's application would be (no component scanning; the Redis emitter off unless a property turns it on).
 */
public final class TestApplication implements AutoCloseable {

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class AutoConfigured {
    }

    private final ConfigurableApplicationContext context;

    private TestApplication(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Starts the application; {@code properties} are {@code key=value} pairs and win over the defaults here. */
    public static TestApplication start(List<Class<?>> classes, String... properties) {
        List<Class<?>> sources = new ArrayList<>(classes);
        sources.add(AutoConfigured.class);
        List<String> all = new ArrayList<>(List.of("server.port=0", "spring.main.banner-mode=off",
                "server.shutdown=immediate", "socketio.redis-emitter.enabled=false"));
        all.addAll(List.of(properties));
        return new TestApplication(new SpringApplicationBuilder(sources.toArray(Class<?>[]::new))
                .web(WebApplicationType.REACTIVE).properties(all.toArray(String[]::new)).run());
    }

    /** Starts the auto-configuration alone with these properties. */
    public static TestApplication start(String... properties) {
        return start(List.of(), properties);
    }

    public int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** The URL of a path or namespace on this application, e.g. {@code url("/chat")}. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
