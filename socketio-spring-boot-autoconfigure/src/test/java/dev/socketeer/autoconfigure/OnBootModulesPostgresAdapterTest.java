package dev.socketeer.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.adapter.postgres.PostgresAdapterFactory;
import dev.socketeer.test.PostgresTestServer;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.r2dbc.autoconfigure.ConnectionFactoryOptionsBuilderCustomizer;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The Postgres adapter connects where Spring Boot's own R2DBC and JDBC support says the database
 * is: Boot's {@code ConnectionFactory} (built from {@code spring.r2dbc.*} with its customizers), an
 * {@code R2dbcConnectionDetails} bean as Testcontainers' {@code @ServiceConnection} or Docker Compose
 * provide, or a {@code JdbcConnectionDetails} bean; {@code socketio.adapter.postgres.*} still wins.
 * Runs with Boot's R2DBC and JDBC modules on the class path (a Surefire run of its own).
 */
class OnBootModulesPostgresAdapterTest {

    private static PostgresTestServer postgres;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(R2dbcAutoConfiguration.class,
                    SocketIoPostgresAdapterAutoConfiguration.class))
            .withPropertyValues("socketio.adapter.type=postgres");

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresTestServer.start("boot-modules");
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void usesTheConnectionFactoryBootBuiltFromSpringR2dbcWithItsCustomizers() {
        runner.withPropertyValues("spring.r2dbc.url=" + postgres.r2dbcUrl(), "spring.r2dbc.username=postgres")
                .withBean(ConnectionFactoryOptionsBuilderCustomizer.class,
                        () -> options -> options.option(io.r2dbc.spi.Option.valueOf("applicationName"), "boot-customized"))
                .run(context -> {
                    PostgresAdapterFactory factory = context.getBean(PostgresAdapterFactory.class);
                    await().atMost(Duration.ofSeconds(20)).until(factory::isConnected);
                    assertThat(factory.description().backend()).isEqualTo("127.0.0.1:" + postgres.port() + "/postgres");
                    // Boot's factory, customizer included: its connections carry the customized application name
                    assertThat(connections("boot-customized")).isEqualTo("2");
                });
    }

    @Test
    void usesR2dbcConnectionDetailsAsAServiceConnectionProvidesThem() {
        R2dbcConnectionDetails details = () -> ConnectionFactoryOptions.parse(postgres.r2dbcUrl()).mutate()
                .option(ConnectionFactoryOptions.USER, "postgres")
                .option(io.r2dbc.spi.Option.valueOf("applicationName"), "from-details").build();
        runner.withBean(R2dbcConnectionDetails.class, () -> details)
                .run(context -> {
                    PostgresAdapterFactory factory = context.getBean(PostgresAdapterFactory.class);
                    await().atMost(Duration.ofSeconds(20)).until(factory::isConnected);
                    assertThat(connections("from-details")).isEqualTo("2");
                });
    }

    @Test
    void usesJdbcConnectionDetailsWithoutR2dbcSupport() {
        JdbcConnectionDetails details = new JdbcConnectionDetails() {
            @Override
            public String getUsername() {
                return "postgres";
            }

            @Override
            public String getPassword() {
                return null;
            }

            @Override
            public String getJdbcUrl() {
                return "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres?applicationName=from-jdbc";
            }
        };
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SocketIoPostgresAdapterAutoConfiguration.class))
                .withPropertyValues("socketio.adapter.type=postgres")
                .withBean(JdbcConnectionDetails.class, () -> details)
                .run(context -> {
                    PostgresAdapterFactory factory = context.getBean(PostgresAdapterFactory.class);
                    await().atMost(Duration.ofSeconds(20)).until(factory::isConnected);
                    assertThat(connections("from-jdbc")).isEqualTo("2");
                });
    }

    @Test
    void socketioPropertiesOverrideWhatBootConfigured() {
        runner.withPropertyValues("spring.r2dbc.url=r2dbc:postgresql://127.0.0.1:1/nowhere", "spring.r2dbc.username=app",
                "socketio.adapter.postgres.url=" + postgres.r2dbcUrl(), "socketio.adapter.postgres.username=postgres")
                .run(context -> {
                    PostgresAdapterFactory factory = context.getBean(PostgresAdapterFactory.class);
                    await().atMost(Duration.ofSeconds(20)).until(factory::isConnected);
                    assertThat(factory.description().backend()).isEqualTo("127.0.0.1:" + postgres.port() + "/postgres");
                });
    }

    private static String connections(String applicationName) {
        return postgres.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + applicationName + "'");
    }
}
