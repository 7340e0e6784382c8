package dev.socketeer.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.adapter.AdapterFactory;
import dev.socketeer.adapter.redis.RedisAdapterFactory;
import dev.socketeer.adapter.redis.RedisAdapterOptions;
import dev.socketeer.adapter.redis.RedisEmitter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class SocketIoRedisAdapterAutoConfigurationTest {

    // no Redis is needed: Lettuce connects lazily per command, the adapter connects when created
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
                    SocketIoRedisAdapterAutoConfiguration.class))
            .withPropertyValues("socketio.redis-emitter.enabled=false");

    @Test
    void propertiesDefaultToTheNodeAdapterDefaults() {
        SocketIoRedisAdapterProperties properties = new SocketIoRedisAdapterProperties();

        assertThat(properties.getMode()).isEqualTo(RedisAdapterOptions.Mode.CLASSIC);
        assertThat(properties.getKey()).isEqualTo("socket.io");
        assertThat(properties.getRequestsTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(properties.toOptions()).isEqualTo(RedisAdapterOptions.DEFAULTS);
    }

    @Test
    void backsOffUnlessTheAdapterTypeIsRedis() {
        runner.run(context -> assertThat(context).doesNotHaveBean(AdapterFactory.class));
        runner.withPropertyValues("socketio.adapter.type=memory")
                .run(context -> assertThat(context).doesNotHaveBean(AdapterFactory.class));
    }

    @Test
    void backsOffWhenTheApplicationDeclaresItsOwnAdapterFactory() {
        runner.withPropertyValues("socketio.adapter.type=redis")
                .withBean(AdapterFactory.class, AdapterFactory::inMemory)
                .run(context -> assertThat(context).hasSingleBean(AdapterFactory.class)
                        .doesNotHaveBean(RedisAdapterFactory.class));
    }

    @Test
    void bindsModeKeyAndTimeout() {
        runner.withPropertyValues("socketio.adapter.redis.mode=sharded", "socketio.adapter.redis.key=app",
                "socketio.adapter.redis.requests-timeout=2s")
                .run(context -> assertThat(context.getBean(SocketIoRedisAdapterProperties.class).toOptions())
                        .isEqualTo(new RedisAdapterOptions(RedisAdapterOptions.Mode.SHARDED, "app",
                                Duration.ofSeconds(2))));
    }

    @Test
    void noEmitterWhenDisabled() {
        runner.run(context -> assertThat(context).doesNotHaveBean(RedisEmitter.class));
    }
}
