package dev.socketeer.autoconfigure;

import dev.socketeer.adapter.AdapterFactory;
import dev.socketeer.adapter.postgres.PostgresAdapterFactory;
import dev.socketeer.adapter.postgres.PostgresEmitter;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.msgpack.core.MessagePack;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.r2dbc.OptionsCapableConnectionFactory;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Postgres adapter ({@code socketio.adapter.type=postgres}) and a {@link PostgresEmitter}
 * (with the adapter, or alone with {@code socketio.adapter.postgres.emitter-enabled=true}), on
 * r2dbc-postgresql, connected where the application's database is: see
 * {@link PostgresConnectionSource} for the order ({@code socketio.adapter.postgres.*} first, then
 * the application's {@code ConnectionFactory}, Boot's R2DBC/JDBC {@code ConnectionDetails}, and
 * {@code spring.r2dbc.*} / {@code spring.datasource.*}).
 *
 * <p>The adapter connects in the background and the application starts while Postgres is down,
 * unless {@code socketio.adapter.fail-fast=true}; the emitter connects on first use.
 */
@AutoConfiguration(before = SocketIoAutoConfiguration.class,
        afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
                "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration",
                "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
@ConditionalOnClass({ PostgresAdapterFactory.class, PostgresqlConnectionFactory.class, MessagePack.class })
@EnableConfigurationProperties({ SocketIoPostgresAdapterProperties.class, SocketIoProperties.class })
public class SocketIoPostgresAdapterAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(AdapterFactory.class)
    @ConditionalOnProperty(name = "socketio.adapter.type", havingValue = "postgres")
    PostgresAdapterFactory socketIoPostgresAdapterFactory(SocketIoPostgresAdapterProperties properties,
            SocketIoProperties socketIoProperties, Environment environment,
            ObjectProvider<ConnectionFactory> connectionFactory, ObjectProvider<PostgresConnectionSource.BootHint> hints,
            ObjectProvider<JsonMapper> jsonMapper) {
        PostgresConnectionSource source = source(properties, environment, connectionFactory, hints);
        PostgresAdapterFactory factory = new PostgresAdapterFactory(source.factory(), properties.toOptions(),
                mapper(jsonMapper), source.address());
        ClusterStartup.failFastIfAsked(socketIoProperties.getAdapter(), "Socket.IO Postgres adapter",
                factory::awaitConnection, factory::backendStatus, factory,
                "Check that Postgres runs at " + source.address() + " (taken from " + source.origin() + ")");
        return factory;
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @Conditional(EmitterWanted.class)
    PostgresEmitter socketIoPostgresEmitter(SocketIoPostgresAdapterProperties properties, Environment environment,
            ObjectProvider<ConnectionFactory> connectionFactory, ObjectProvider<PostgresConnectionSource.BootHint> hints,
            ObjectProvider<JsonMapper> jsonMapper) {
        PostgresConnectionSource source = source(properties, environment, connectionFactory, hints);
        return new PostgresEmitter(source.factory(), properties.toOptions(), mapper(jsonMapper), source.address());
    }

    /** Closes the emitter's connection after the web server stopped and before the rest of the context goes. */
    @Bean
    @ConditionalOnBean(PostgresEmitter.class)
    ClusterConnectionsLifecycle socketIoPostgresEmitterLifecycle(ObjectProvider<PostgresEmitter> emitter) {
        return new ClusterConnectionsLifecycle(() -> emitter.ifAvailable(PostgresEmitter::close));
    }

    private static PostgresConnectionSource source(SocketIoPostgresAdapterProperties properties,
            Environment environment, ObjectProvider<ConnectionFactory> connectionFactory,
            ObjectProvider<PostgresConnectionSource.BootHint> hints) {
        return PostgresConnectionSource.resolve(properties, environment, connectionFactory.getIfUnique(),
                hints.orderedStream().toList());
    }

    private static JsonMapper mapper(ObjectProvider<JsonMapper> jsonMapper) {
        JsonMapper mapper = jsonMapper.getIfUnique();
        return mapper != null ? mapper : JsonMapper.builder().build();
    }

    /** What Boot's R2DBC module knows: the options of its ConnectionFactory, or its ConnectionDetails. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(R2dbcConnectionDetails.class)
    @Conditional(EmitterWanted.class)
    static class BootR2dbc {

        @Bean
        @ConditionalOnBean(ConnectionFactory.class)
        PostgresConnectionSource.BootHint socketIoR2dbcConnectionFactoryHint(ObjectProvider<ConnectionFactory> factory) {
            ConnectionFactory unique = factory.getIfUnique();
            OptionsCapableConnectionFactory withOptions = unique == null ? null
                    : OptionsCapableConnectionFactory.unwrapFrom(unique);
            return new PostgresConnectionSource.BootHint("the application's ConnectionFactory bean",
                    withOptions == null ? ConnectionFactoryOptions.builder().build() : withOptions.getOptions(), true);
        }

        @Bean
        @ConditionalOnBean(R2dbcConnectionDetails.class)
        PostgresConnectionSource.BootHint socketIoR2dbcConnectionDetailsHint(R2dbcConnectionDetails details) {
            return new PostgresConnectionSource.BootHint("R2dbcConnectionDetails (spring.r2dbc.*, service connection)",
                    details.getConnectionFactoryOptions(), false);
        }
    }

    /** What Boot's JDBC module knows: its ConnectionDetails (spring.datasource.*, service connections). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(JdbcConnectionDetails.class)
    @Conditional(EmitterWanted.class)
    static class BootJdbc {

        @Bean
        @ConditionalOnBean(JdbcConnectionDetails.class)
        PostgresConnectionSource.BootHint socketIoJdbcConnectionDetailsHint(JdbcConnectionDetails details) {
            String origin = "JdbcConnectionDetails (spring.datasource.*, service connection)";
            if (details.getJdbcUrl() == null || !details.getJdbcUrl().startsWith("jdbc:postgresql:")) {
                return new PostgresConnectionSource.BootHint(origin, ConnectionFactoryOptions.builder().build(), false);
            }
            ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions
                    .parse(PostgresConnectionSettings.r2dbcUrl("spring.datasource.url", details.getJdbcUrl())).mutate();
            if (details.getUsername() != null) {
                options.option(ConnectionFactoryOptions.USER, details.getUsername());
            }
            if (details.getPassword() != null) {
                options.option(ConnectionFactoryOptions.PASSWORD, details.getPassword());
            }
            return new PostgresConnectionSource.BootHint(origin, options.build(), false);
        }
    }

    /** With the Postgres adapter, or when the emitter is asked for explicitly. */
    static final class EmitterWanted extends AnyNestedCondition {

        EmitterWanted() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty(name = "socketio.adapter.type", havingValue = "postgres")
        static final class AdapterIsPostgres {
        }

        @ConditionalOnProperty(name = "socketio.adapter.postgres.emitter-enabled", havingValue = "true")
        static final class ExplicitlyEnabled {
        }
    }
}
