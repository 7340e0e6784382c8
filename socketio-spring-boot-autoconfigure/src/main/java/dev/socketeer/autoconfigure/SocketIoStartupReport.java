package dev.socketeer.autoconfigure;

import dev.socketeer.adapter.AdapterFactory;
import dev.socketeer.adapter.postgres.PostgresAdapterFactory;
import dev.socketeer.adapter.postgres.PostgresAdapterOptions;
import dev.socketeer.adapter.redis.RedisAdapterFactory;
import dev.socketeer.adapter.redis.RedisAdapterOptions;
import dev.socketeer.engine.EngineOptions;
import dev.socketeer.server.ServerOptions;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Says in one INFO line, once the web server listens, what the Socket.IO server serves: path and
 * port, transports, the adapter (with its mode, prefix and backend address) and whether connection
 * state recovery is on, so that a setting that did not take (a misspelt key, a missing dependency)
 * shows at startup rather than in production.
 */
final class SocketIoStartupReport implements ApplicationListener<ReactiveWebServerInitializedEvent> {

    private static final Logger log = Loggers.getLogger(SocketIoStartupReport.class);

    private static final String REDIS_FACTORY = "dev.socketeer.adapter.redis.RedisAdapterFactory";
    private static final String POSTGRES_FACTORY = "dev.socketeer.adapter.postgres.PostgresAdapterFactory";
    private static final String REDIS_DETAILS = "org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails";

    private final String path;
    private final EngineOptions engine;
    private final ServerOptions server;
    private final String adapter;

    SocketIoStartupReport(SocketIoProperties properties, EngineOptions engine, ServerOptions server,
            ListableBeanFactory beans, Environment environment) {
        this.path = properties.getPath();
        this.engine = engine;
        this.server = server;
        this.adapter = describeAdapter(server.adapterFactory(), beans, environment);
    }

    static void warn(String message) {
        log.warn(message);
    }

    @Override
    public void onApplicationEvent(ReactiveWebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() == null) { // not the management server
            log.info(line(event.getWebServer().getPort()));
        }
    }

    String line(int port) {
        String transports = String.join(", ", engine.transports());
        if (engine.transports().size() > 1) {
            transports += engine.allowUpgrades() ? " (upgrades on)" : " (upgrades off)";
        }
        return "Socket.IO serving " + path + " on port " + port + "; transports: " + transports + "; adapter: "
                + adapter + "; connection state recovery: "
                + (server.connectionStateRecovery() != null ? "on" : "off");
    }

    /**
     * What the adapter is and where its backend lives. Until adapters describe themselves, derived
     * from the factory's type and options and from Spring Boot's connection details.
     */
    static String describeAdapter(AdapterFactory factory, ListableBeanFactory beans, Environment environment) {
        String type = factory.getClass().getName();
        if (type.equals(REDIS_FACTORY)) {
            return RedisDescription.of(factory, beans);
        }
        if (type.equals(POSTGRES_FACTORY)) {
            return PostgresDescription.of(factory, beans, environment);
        }
        if (type.startsWith(AdapterFactory.class.getName() + "$$Lambda")) { // AdapterFactory.inMemory()
            return "memory (this node only)";
        }
        return "custom (" + type + ")";
    }

    /** Loaded only with the Redis adapter, whose classes need Lettuce and Spring Data Redis. */
    private static final class RedisDescription {

        static String of(AdapterFactory factory, ListableBeanFactory beans) {
            RedisAdapterOptions options = ((RedisAdapterFactory) factory).options();
            return "redis (" + options.mode().name().toLowerCase(Locale.ROOT) + ", key prefix \"" + options.key()
                    + "\", " + address(beans) + ")";
        }

        private static String address(ListableBeanFactory beans) {
            if (!ClassUtils.isPresent(REDIS_DETAILS, RedisDescription.class.getClassLoader())) {
                return "Redis";
            }
            DataRedisConnectionDetails details = beans.getBeanProvider(DataRedisConnectionDetails.class)
                    .getIfUnique();
            if (details == null) {
                return "Redis";
            }
            if (details.getSentinel() != null) {
                return "Redis sentinel master \"" + details.getSentinel().getMaster() + "\" via "
                        + nodes(details.getSentinel().getNodes());
            }
            if (details.getCluster() != null) {
                return "Redis cluster " + nodes(details.getCluster().getNodes());
            }
            if (details.getMasterReplica() != null) {
                return "Redis " + nodes(details.getMasterReplica().getNodes());
            }
            DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
            return "Redis " + standalone.getHost() + ":" + standalone.getPort()
                    + (standalone.getDatabase() != 0 ? " database " + standalone.getDatabase() : "");
        }

        private static String nodes(List<DataRedisConnectionDetails.Node> nodes) {
            return nodes.stream().map(node -> node.host() + ":" + node.port()).collect(Collectors.joining(","));
        }
    }

    /** Loaded only with the Postgres adapter, whose classes need r2dbc-postgresql. */
    private static final class PostgresDescription {

        static String of(AdapterFactory factory, ListableBeanFactory beans, Environment environment) {
            PostgresAdapterOptions options = ((PostgresAdapterFactory) factory).options();
            String address = beans.getBeanProvider(SocketIoPostgresAdapterProperties.class).getIfAvailable() == null
                    ? "Postgres"
                    : "Postgres " + PostgresConnectionSettings.resolve(
                            beans.getBean(SocketIoPostgresAdapterProperties.class), environment);
            return "postgres (channel prefix \"" + options.channelPrefix() + "\", table \"" + options.tableName()
                    + "\", " + address + ")";
        }
    }
}
