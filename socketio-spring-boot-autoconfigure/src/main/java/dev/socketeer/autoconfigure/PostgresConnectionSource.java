package dev.socketeer.autoconfigure;

import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import io.r2dbc.spi.Wrapped;
import java.util.List;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Where the Postgres adapter and emitter open their own connections (one LISTEN connection and one
 * publishing connection for the adapter: a pool cannot lend a connection for good), chosen the way
 * Spring Boot's modules reuse what the application configured:
 * <ol>
 * <li>{@code socketio.adapter.postgres.url/host/port/database/username/password}, when any is set;</li>
 * <li>the application's {@code ConnectionFactory} bean (Boot's, built from {@code spring.r2dbc.*},
 * a Testcontainers {@code @ServiceConnection} or Docker Compose, or the application's own): the
 * r2dbc-postgresql factory inside it (pool and wrappers removed), so every option it carries (SSL,
 * timeouts, options customizers) applies;</li>
 * <li>Boot's {@code R2dbcConnectionDetails}, then {@code JdbcConnectionDetails} beans;</li>
 * <li>{@code spring.r2dbc.*}, then {@code spring.datasource.*}, read from the environment when
 * Boot's R2DBC and JDBC modules are absent.</li>
 * </ol>
 *
 * @param factory the driver's factory the connections come from
 * @param address where it connects, for logs and health ({@code host:port/database} when known)
 * @param origin which of the above it came from, for the startup log and error messages
 */
record PostgresConnectionSource(PostgresqlConnectionFactory factory, String address, String origin) {

    private static final Option<String> APPLICATION_NAME = Option.valueOf("applicationName");

    /**
     * What Boot knows of the application's database: options from a {@code ConnectionDetails} bean
     * or from Boot's own {@code ConnectionFactory}.
     */
    record BootHint(String origin, ConnectionFactoryOptions options, boolean fromConnectionFactory) {
    }

    static PostgresConnectionSource resolve(SocketIoPostgresAdapterProperties properties, Environment environment,
            ConnectionFactory applicationFactory, List<BootHint> hints) {
        if (hasExplicitConnection(properties)) {
            PostgresConnectionSettings settings = PostgresConnectionSettings.resolve(properties, environment);
            return new PostgresConnectionSource(settings.connectionFactory(), settings.address(),
                    "socketio.adapter.postgres.*");
        }
        if (applicationFactory != null) {
            PostgresqlConnectionFactory driver = driverFactory(applicationFactory);
            if (driver != null) {
                String address = hints.stream().filter(BootHint::fromConnectionFactory).findFirst()
                        .map(hint -> address(hint.options())).orElse("the application's ConnectionFactory");
                return new PostgresConnectionSource(driver, address, "the application's ConnectionFactory bean");
            }
        }
        for (BootHint hint : hints) {
            if (!hint.fromConnectionFactory() && isPostgres(hint.options())) {
                return new PostgresConnectionSource(fromOptions(hint.options()), address(hint.options()), hint.origin());
            }
        }
        PostgresConnectionSettings settings = PostgresConnectionSettings.resolve(properties, environment);
        return new PostgresConnectionSource(settings.connectionFactory(), settings.address(),
                "spring.r2dbc.* / spring.datasource.*");
    }

    private static boolean hasExplicitConnection(SocketIoPostgresAdapterProperties properties) {
        return StringUtils.hasText(properties.getUrl()) || StringUtils.hasText(properties.getHost())
                || properties.getPort() != null || StringUtils.hasText(properties.getDatabase())
                || StringUtils.hasText(properties.getUsername()) || StringUtils.hasText(properties.getPassword());
    }

    /** The r2dbc-postgresql factory inside a (pooled, decorated) factory, or {@code null} when none. */
    static PostgresqlConnectionFactory driverFactory(ConnectionFactory factory) {
        Object current = factory;
        for (int depth = 0; depth < 10 && current != null; depth++) {
            if (current instanceof PostgresqlConnectionFactory postgres) {
                return postgres;
            }
            current = current instanceof Wrapped<?> wrapped ? wrapped.unwrap() : null;
        }
        return null;
    }

    static boolean isPostgres(ConnectionFactoryOptions options) {
        String driver = driver(options);
        return "postgresql".equals(driver) || "postgres".equals(driver);
    }

    private static String driver(ConnectionFactoryOptions options) {
        Object driver = options.getValue(ConnectionFactoryOptions.DRIVER);
        if ("pool".equals(driver)) {
            driver = options.getValue(ConnectionFactoryOptions.PROTOCOL);
        }
        return driver == null ? null : driver.toString();
    }

    /** A dedicated, unpooled r2dbc-postgresql factory with these options (pool settings dropped). */
    static PostgresqlConnectionFactory fromOptions(ConnectionFactoryOptions options) {
        ConnectionFactoryOptions.Builder builder = ConnectionFactoryOptions.builder().from(options)
                .option(ConnectionFactoryOptions.DRIVER, driver(options));
        if (!options.hasOption(APPLICATION_NAME)) {
            builder.option(APPLICATION_NAME, PostgresConnectionSettings.APPLICATION_NAME);
        }
        ConnectionFactory factory = ConnectionFactories.get(builder.build());
        if (factory instanceof PostgresqlConnectionFactory postgres) {
            return postgres;
        }
        throw new IllegalStateException("The Socket.IO Postgres adapter needs r2dbc-postgresql's ConnectionFactory,"
                + " got " + factory.getClass().getName() + " for the options of the application's database");
    }

    static String address(ConnectionFactoryOptions options) {
        Object host = options.getValue(ConnectionFactoryOptions.HOST);
        Object port = options.getValue(ConnectionFactoryOptions.PORT);
        Object database = options.getValue(ConnectionFactoryOptions.DATABASE);
        return (host == null ? "localhost" : host) + ":" + (port == null ? 5432 : port)
                + (database == null ? "" : "/" + database);
    }
}
