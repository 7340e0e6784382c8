package dev.socketeer.e2e;

import dev.socketeer.autoconfigure.SocketIoServerCustomizer;
import dev.socketeer.server.SocketIoServer;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * A reactive Spring Boot application on a free port with Socket.IO set up by the auto-configuration
 * alone, and the handlers of one test class registered through a {@link SocketIoServerCustomizer} bean.
 */
final class SocketIoApp implements AutoCloseable {

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
    }

    private final ConfigurableApplicationContext context;
    private final int port;

    private SocketIoApp(ConfigurableApplicationContext context) {
        this.context = context;
        this.port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    /** Starts the application; {@code properties} are {@code key=value} pairs such as {@code socketio.ping-interval=300ms}. */
    static SocketIoApp start(SocketIoServerCustomizer handlers, String... properties) {
        List<String> all = new ArrayList<>(List.of("server.port=0", "spring.main.banner-mode=off",
                "server.shutdown=immediate"));
        all.addAll(List.of(properties));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.REACTIVE)
                .properties(all.toArray(String[]::new))
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("testHandlers", handlers))
                .run();
        return new SocketIoApp(context);
    }

    int port() {
        return port;
    }

    /** The base URL of a namespace, e.g. {@code url("/chat")}. */
    String url(String namespace) {
        return "http://127.0.0.1:" + port + namespace;
    }

    SocketIoServer server() {
        return context.getBean(SocketIoServer.class);
    }

    ConfigurableApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
    }
}
