package dev.socketeer.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketeer.adapter.AdapterFactory;
import dev.socketeer.adapter.postgres.PostgresAdapterFactory;
import dev.socketeer.adapter.postgres.PostgresAdapterOptions;
import dev.socketeer.adapter.postgres.PostgresEmitter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.util.unit.DataSize;

class SocketIoPostgresAdapterAutoConfigurationTest {

    // no Postgres is needed: the adapter and the emitter connect in the background and retry
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SocketIoPostgresAdapterAutoConfiguration.class))
            .withPropertyValues("spring.r2dbc.url=r2dbc:postgresql://127.0.0.1:1/app");

    @Test
    void propertiesDefaultToTheNodeAdapterDefaults() {
        SocketIoPostgresAdapterProperties properties = new SocketIoPostgresAdapterProperties();

        assertThat(properties.getChannelPrefix()).isEqualTo("socket.io");
        assertThat(properties.getTableName()).isEqualTo("socket_io_attachments");
        assertThat(properties.getPayloadThreshold()).isEqualTo(DataSize.ofBytes(8000));
        assertThat(properties.getCleanupInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(properties.isCreateTable()).isTrue();
        assertThat(properties.toOptions()).isEqualTo(PostgresAdapterOptions.defaults());
    }

    @Test
    void providesTheAdapterFactoryAndAnEmitterWhenTheAdapterTypeIsPostgres() {
        runner.withPropertyValues("socketio.adapter.type=postgres", "socketio.adapter.postgres.table-name=att",
                "socketio.adapter.postgres.cleanup-interval=5s")
                .run(context -> {
                    assertThat(context).hasSingleBean(PostgresAdapterFactory.class).hasSingleBean(PostgresEmitter.class);
                    assertThat(context.getBean(PostgresAdapterFactory.class).options().tableName()).isEqualTo("att");
                    assertThat(context.getBean(PostgresAdapterFactory.class).options().cleanupInterval())
                            .isEqualTo(Duration.ofSeconds(5));
                    assertThat(context.getBean(PostgresAdapterFactory.class).isConnected()).isFalse();
                });
    }

    @Test
    void backsOffUnlessTheAdapterTypeIsPostgres() {
        runner.run(context -> assertThat(context).doesNotHaveBean(AdapterFactory.class)
                .doesNotHaveBean(PostgresEmitter.class));
        runner.withPropertyValues("socketio.adapter.type=redis")
                .run(context -> assertThat(context).doesNotHaveBean(AdapterFactory.class));
    }

    @Test
    void providesAnEmitterAloneWhenAskedFor() {
        runner.withPropertyValues("socketio.adapter.postgres.emitter-enabled=true")
                .run(context -> assertThat(context).doesNotHaveBean(AdapterFactory.class)
                        .hasSingleBean(PostgresEmitter.class));
    }

    @Test
    void backsOffWhenTheApplicationDeclaresItsOwnAdapterFactory() {
        runner.withPropertyValues("socketio.adapter.type=postgres")
                .withBean(AdapterFactory.class, AdapterFactory::inMemory)
                .run(context -> assertThat(context).hasSingleBean(AdapterFactory.class)
                        .doesNotHaveBean(PostgresAdapterFactory.class));
    }

    @Test
    void failsClearlyWithoutAnyConnectionSettings() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SocketIoPostgresAdapterAutoConfiguration.class))
                .withPropertyValues("socketio.adapter.type=postgres")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("spring.r2dbc.url").hasMessageContaining("socketio.adapter.postgres.host"));
    }

    @Test
    void connectionComesFromSpringR2dbcThenSpringDatasourceAndIsOverriddenBySocketioProperties() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("spring.datasource.url", "jdbc:postgresql://db.example:5433/shop")
                .withProperty("spring.datasource.username", "shop")
                .withProperty("spring.datasource.password", "secret");
        SocketIoPostgresAdapterProperties properties = new SocketIoPostgresAdapterProperties();

        PostgresConnectionSettings fromDatasource = configuration(properties, environment);
        assertThat(fromDatasource.host()).isEqualTo("db.example");
        assertThat(fromDatasource.port()).isEqualTo(5433);
        assertThat(fromDatasource.database()).isEqualTo("shop");
        assertThat(fromDatasource.username()).isEqualTo("shop");

        environment.setProperty("spring.r2dbc.url", "r2dbc:postgresql://r2dbc.example/events");
        environment.setProperty("spring.r2dbc.username", "events");
        PostgresConnectionSettings fromR2dbc = configuration(properties, environment);
        assertThat(fromR2dbc.host()).isEqualTo("r2dbc.example");
        assertThat(fromR2dbc.port()).isEqualTo(5432);
        assertThat(fromR2dbc.database()).isEqualTo("events");
        assertThat(fromR2dbc.username()).isEqualTo("events");

        properties.setUrl("postgres://override.example:6000/sockets");
        properties.setUsername("io");
        properties.setPort(6001);
        PostgresConnectionSettings overridden = configuration(properties, environment);
        assertThat(overridden.host()).isEqualTo("override.example");
        assertThat(overridden.port()).isEqualTo(6001);
        assertThat(overridden.database()).isEqualTo("sockets");
        assertThat(overridden.username()).isEqualTo("io");
    }

    @Test
    void refusesAnUnknownUrlScheme() {
        assertThatThrownBy(() -> PostgresConnectionSettings.r2dbcUrl("spring.r2dbc.url", "mysql://x/y"))
                .isInstanceOf(SocketIoConfigurationException.class)
                .hasMessageContaining("spring.r2dbc.url=mysql://x/y").hasMessageContaining("r2dbc:postgresql://");
        MockEnvironment environment = new MockEnvironment().withProperty("spring.datasource.url", "jdbc:mysql://x/y");
        assertThatThrownBy(() -> configuration(new SocketIoPostgresAdapterProperties(), environment))
                .isInstanceOf(SocketIoConfigurationException.class)
                .hasMessageContaining("spring.datasource.url=jdbc:mysql://x/y");
    }

    private static PostgresConnectionSettings configuration(SocketIoPostgresAdapterProperties properties,
            MockEnvironment environment) {
        return PostgresConnectionSettings.resolve(properties, environment);
    }
}
