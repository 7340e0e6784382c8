package dev.socketeer.autoconfigure;

import dev.socketeer.adapter.AdapterFactory;
import dev.socketeer.engine.EngineOptions;
import dev.socketeer.engine.EngineServer;
import dev.socketeer.engine.netty.EngineHandlerMapping;
import dev.socketeer.server.ServerOptions;
import dev.socketeer.server.SocketIoServer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;
import org.springframework.web.reactive.HandlerMapping;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves Socket.IO on the application's own WebFlux port: an Engine.IO server, the Socket.IO
 * server on top of it, the adapter chosen by {@code socketio.adapter.type}, and a
 * {@link HandlerMapping} that routes {@code socketio.path} to them ahead of the application's
 * controllers, through the WebFilter chain (Spring Security, CORS).
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(value = { SocketIoServer.class, HandlerMapping.class }, name = "reactor.netty.http.server.HttpServer")
@ConditionalOnBooleanProperty(name = "socketio.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SocketIoProperties.class)
public class SocketIoAutoConfiguration {

    private static final String POSTGRES_CONNECTION_FACTORY = "io.r2dbc.postgresql.PostgresqlConnectionFactory";
    private static final String MESSAGE_PACK = "org.msgpack.core.MessagePack";
    private static final String REDIS_CONNECTION_FACTORY =
            "org.springframework.data.redis.connection.ReactiveRedisConnectionFactory";
    private static final String LETTUCE_CONNECTION_FACTORY =
            "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory";


    @Bean
    @ConditionalOnMissingBean
    EngineOptions socketIoEngineOptions(SocketIoProperties properties,
            ObjectProvider<EngineOptionsCustomizer> customizers) {
        EngineOptions options = SocketIoOptionsMapper.engineOptions(properties);
        for (EngineOptionsCustomizer customizer : customizers.orderedStream().toList()) {
            options = customizer.customize(options);
        }
        return options;
    }

    @Bean
    @ConditionalOnMissingBean
    EngineServer socketIoEngineServer(EngineOptions socketIoEngineOptions, SocketIoProperties properties) {
        if (!properties.getCluster().isStickySessions()
                && properties.getAdapter().getType() != SocketIoProperties.AdapterType.REDIS) {
            throw new SocketIoConfigurationException("socketio.cluster.sticky-sessions", false,
                    "serving long-polling sessions of other nodes needs the Redis adapter, not "
                            + properties.getAdapter().getType().name().toLowerCase(java.util.Locale.ROOT),
                    "Set socketio.adapter.type=redis, or keep sticky sessions on (remove the property) and make the"
                            + " load balancer sticky (docs/guide/deployment.md)");
        }
        return new EngineServer(socketIoEngineOptions);
    }

    @Bean
    @ConditionalOnMissingBean
    ServerOptions socketIoServerOptions(SocketIoProperties properties, ObjectProvider<AdapterFactory> adapterFactory,
            ObjectProvider<JsonMapper> jsonMapper, ApplicationContext context) {
        AdapterFactory factory = adapterFactory.getIfAvailable();
        if (factory == null) {
            throw missingAdapter(properties.getAdapter().getType(), context.getClassLoader());
        }
        ServerOptions options = SocketIoOptionsMapper.serverOptions(properties).withAdapterFactory(factory);
        JsonMapper mapper = jsonMapper.getIfUnique();
        return mapper != null ? options.withJsonMapper(mapper) : options;
    }

    /** Closed once, by {@link SocketIoServerLifecycle}; not again as a destroy method (a second goodbye). */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    SocketIoServer socketIoServer(EngineServer socketIoEngineServer, ServerOptions socketIoServerOptions,
            ObjectProvider<SocketIoServerCustomizer> customizers) {
        SocketIoServer server = new SocketIoServer(socketIoEngineServer, socketIoServerOptions);
        customizers.orderedStream().forEach(customizer -> customizer.customize(server));
        return server;
    }

    @Bean
    @ConditionalOnMissingBean
    EngineHandlerMapping socketIoHandlerMapping(SocketIoProperties properties, EngineServer socketIoEngineServer,
            SocketIoServer socketIoServer, ObjectProvider<EngineIoEndpoint> endpoints) {
        // SocketIoServer is a parameter so that the Socket.IO layer is attached before the first request.
        Map<String, EngineServer> mounts = new LinkedHashMap<>();
        mounts.put(properties.getPath(), socketIoEngineServer);
        for (EngineIoEndpoint endpoint : endpoints.orderedStream().toList()) {
            EngineServer previous = mounts.putIfAbsent(endpoint.path(), endpoint.server());
            if (previous != null) {
                throw new IllegalStateException("Two Engine.IO endpoints are mounted at '" + endpoint.path()
                        + "': give the EngineIoEndpoint bean another path or change socketio.path");
            }
        }
        return new EngineHandlerMapping(mounts);
    }

    /**
     * Closes the Socket.IO server (every socket disconnects with "server shutting down", adapters
     * close, connections close) when the context stops, ahead of the web server's graceful
     * shutdown, so that clients reconnect elsewhere at once instead of waiting for the timeout.
     */
    @Bean
    @ConditionalOnMissingBean
    SocketIoServerLifecycle socketIoServerLifecycle(SocketIoServer socketIoServer) {
        return new SocketIoServerLifecycle(socketIoServer);
    }

    /** One INFO line at startup saying what is served and how; a warning per unknown socketio.* key. */
    @Bean
    @ConditionalOnMissingBean
    SocketIoStartupReport socketIoStartupReport(SocketIoProperties properties, EngineOptions socketIoEngineOptions,
            ServerOptions socketIoServerOptions, ConfigurableApplicationContext context) {
        UnknownPropertyCheck.warnings(context.getEnvironment(), context.getClassLoader())
                .forEach(SocketIoStartupReport::warn);
        return new SocketIoStartupReport(properties, socketIoEngineOptions, socketIoServerOptions);
    }

    static SocketIoConfigurationException missingAdapter(SocketIoProperties.AdapterType type, ClassLoader classLoader) {
        String name = type.name().toLowerCase(Locale.ROOT);
        return switch (type) {
            case REDIS -> missingRedisAdapter(classLoader);
            case POSTGRES -> missingPostgresAdapter(classLoader);
            case MEMORY -> new SocketIoConfigurationException("socketio.adapter.type", name,
                    "no AdapterFactory bean is available", "Declare an AdapterFactory bean, or remove the one that"
                            + " replaced the in-memory adapter's configuration.");
        };
    }

    // Each missing piece named as what it is, most basic first: a report must not send the user to
    // configure spring.data.redis.* when what is missing is a jar.
    private static SocketIoConfigurationException missingRedisAdapter(ClassLoader classLoader) {
        if (!ClassUtils.isPresent(REDIS_CONNECTION_FACTORY, classLoader)) {
            return new SocketIoConfigurationException("socketio.adapter.type", "redis",
                    "the Redis adapter needs Spring Data Redis, which is not on the classpath",
                    "Add the dependency org.springframework.boot:spring-boot-starter-data-redis and configure"
                            + " spring.data.redis.*, or set socketio.adapter.type=memory.");
        }
        if (!ClassUtils.isPresent(LETTUCE_CONNECTION_FACTORY, classLoader)) {
            return new SocketIoConfigurationException("socketio.adapter.type", "redis",
                    "the Redis adapter needs the Lettuce client (io.lettuce:lettuce-core), which is not on the"
                            + " classpath (Jedis is not supported: its connections block)",
                    "Depend on org.springframework.boot:spring-boot-starter-data-redis (it brings Lettuce) without"
                            + " excluding lettuce-core, or set socketio.adapter.type=memory.");
        }
        if (!ClassUtils.isPresent(MESSAGE_PACK, classLoader)) {
            return missingMessagePack("redis");
        }
        return new SocketIoConfigurationException("socketio.adapter.type", "redis",
                "the application has no LettuceConnectionFactory bean for the Redis adapter to use (Spring Boot's"
                        + " Redis auto-configuration creates one unless spring.data.redis.client-type=jedis or the"
                        + " application declares its own RedisConnectionFactory)",
                "Let Spring Boot configure Redis with spring.data.redis.* (Lettuce, the default client), declare a"
                        + " LettuceConnectionFactory bean, or declare an AdapterFactory bean,"
                        + " or set socketio.adapter.type=memory.");
    }

    private static SocketIoConfigurationException missingPostgresAdapter(ClassLoader classLoader) {
        if (!ClassUtils.isPresent(POSTGRES_CONNECTION_FACTORY, classLoader)) {
            return new SocketIoConfigurationException("socketio.adapter.type", "postgres",
                    "the Postgres adapter needs the reactive driver r2dbc-postgresql, which is not on the classpath",
                    "Add the dependency org.postgresql:r2dbc-postgresql (its version is managed by Spring Boot),"
                            + " or set socketio.adapter.type=memory.");
        }
        if (!ClassUtils.isPresent(MESSAGE_PACK, classLoader)) {
            return missingMessagePack("postgres");
        }
        return new SocketIoConfigurationException("socketio.adapter.type", "postgres",
                "no Postgres adapter is available: the Postgres adapter auto-configuration is excluded"
                        + " or did not apply",
                "Configure the connection with spring.r2dbc.*, spring.datasource.* or"
                        + " socketio.adapter.postgres.url, or declare an AdapterFactory bean,"
                        + " or set socketio.adapter.type=memory.");
    }

    private static SocketIoConfigurationException missingMessagePack(String adapter) {
        return new SocketIoConfigurationException("socketio.adapter.type", adapter,
                "the " + adapter + " adapter encodes its messages with MessagePack, and org.msgpack:msgpack-core"
                        + " is not on the classpath",
                "Depend on dev.socketeer:socketio-spring-boot-starter, which brings msgpack-core (rather than on"
                        + " socketio-spring-boot-autoconfigure alone), or set socketio.adapter.type=memory.");
    }

    /** The in-memory adapter: broadcasts reach the sockets of this process only. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "socketio.adapter.type", havingValue = "memory", matchIfMissing = true)
    static class InMemoryAdapterConfiguration {

        @Bean
        @ConditionalOnMissingBean
        AdapterFactory socketIoAdapterFactory() {
            return AdapterFactory.inMemory();
        }
    }
}
