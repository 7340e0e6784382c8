package dev.socketeer.autoconfigure;

import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.util.Locale;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Where the Postgres adapter connects: {@code socketio.adapter.postgres.*} over the application's
 * {@code spring.r2dbc.*}, over its {@code spring.datasource.*}. Read from the environment, so that
 * neither Spring Boot's R2DBC nor its JDBC module is needed (nor their connection pools used: the
 * adapter keeps two connections of its own).
 */
record PostgresConnectionSettings(String host, int port, String database, String username, String password) {

    /** The application name the adapter's own connections show in {@code pg_stat_activity}. */
    static final String APPLICATION_NAME = "socketeer";

    static PostgresqlConnectionFactory connectionFactory(SocketIoPostgresAdapterProperties properties,
            Environment environment) {
        return resolve(properties, environment).connectionFactory();
    }

    PostgresqlConnectionFactory connectionFactory() {
        PostgresqlConnectionConfiguration.Builder builder = PostgresqlConnectionConfiguration.builder()
                .host(host)
                .port(port)
                .username(username)
                .applicationName(APPLICATION_NAME);
        if (database != null) {
            builder.database(database);
        }
        if (password != null) {
            builder.password(password);
        }
        return new PostgresqlConnectionFactory(builder.build());
    }

    static PostgresConnectionSettings resolve(SocketIoPostgresAdapterProperties properties,
            Environment environment) {
        String urlProperty = StringUtils.hasText(properties.getUrl()) ? "socketio.adapter.postgres.url"
                : StringUtils.hasText(environment.getProperty("spring.r2dbc.url")) ? "spring.r2dbc.url"
                : "spring.datasource.url";
        String url = first(properties.getUrl(), environment.getProperty("spring.r2dbc.url"),
                environment.getProperty("spring.datasource.url"));
        String host = properties.getHost();
        Integer port = properties.getPort();
        String database = properties.getDatabase();
        String username = first(properties.getUsername(), environment.getProperty("spring.r2dbc.username"),
                environment.getProperty("spring.datasource.username"));
        String password = first(properties.getPassword(), environment.getProperty("spring.r2dbc.password"),
                environment.getProperty("spring.datasource.password"));
        if (url != null) {
            ConnectionFactoryOptions options = ConnectionFactoryOptions.parse(r2dbcUrl(urlProperty, url));
            host = first(host, (String) options.getValue(ConnectionFactoryOptions.HOST));
            if (port == null && options.getValue(ConnectionFactoryOptions.PORT) != null) {
                port = (Integer) options.getValue(ConnectionFactoryOptions.PORT);
            }
            database = first(database, (String) options.getValue(ConnectionFactoryOptions.DATABASE));
            username = first(username, (String) options.getValue(ConnectionFactoryOptions.USER));
            Object urlPassword = options.getValue(ConnectionFactoryOptions.PASSWORD);
            password = first(password, urlPassword == null ? null : urlPassword.toString());
        }
        if (host == null) {
            throw new SocketIoConfigurationException("socketio.adapter.postgres.url", null,
                    "the Postgres adapter and emitter found no database to connect to: no ConnectionFactory bean,"
                    + " no R2DBC or JDBC ConnectionDetails, and none of spring.r2dbc.url, spring.datasource.url,"
                    + " socketio.adapter.postgres.url or socketio.adapter.postgres.host is set",
                    "Set spring.r2dbc.url (or spring.datasource.url, or socketio.adapter.postgres.url or"
                    + " socketio.adapter.postgres.host), or declare a ConnectionFactory bean.");
        }
        return new PostgresConnectionSettings(host, port != null ? port : 5432, database,
                username != null ? username : "postgres", password);
    }

    /** {@code host:port/database}, for logs and health. */
    String address() {
        return host + ":" + port + (database == null ? "" : "/" + database);
    }

    @Override
    public String toString() {
        return "postgres://" + username + "@" + host + ":" + port + "/" + (database == null ? "" : database);
    }

    /** Turns JDBC and libpq URLs into R2DBC ones; {@code property} names where the URL came from. */
    static String r2dbcUrl(String property, String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            return "r2dbc:postgresql:" + url.substring("jdbc:postgresql:".length());
        }
        if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")) {
            return "r2dbc:postgresql://" + url.substring(url.indexOf("://") + 3);
        }
        if (lower.startsWith("r2dbc:postgresql:") || lower.startsWith("r2dbc:postgres:")) {
            return url;
        }
        throw new SocketIoConfigurationException(property, url,
                "the Socket.IO Postgres adapter and emitter understand only PostgreSQL URLs",
                "Use r2dbc:postgresql://host:port/database, jdbc:postgresql://host:port/database or"
                + " postgres://host:port/database.");
    }

    private static String first(String... values) {
        for (String value : values) {
            if (StringUtils.hasText(value)) {
                return value;
            }
        }
        return null;
    }
}
