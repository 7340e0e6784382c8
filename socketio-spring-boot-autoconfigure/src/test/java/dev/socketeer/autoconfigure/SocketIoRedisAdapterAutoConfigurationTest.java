package dev.socketeer.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.adapter.AdapterFactory;
import dev.socketeer.adapter.redis.RedisAdapterFactory;
import dev.socketeer.adapter.redis.RedisAdapterOptions;
import dev.socketeer.adapter.redis.RedisStreamsOptions;
import dev.socketeer.adapter.redis.RedisEmitter;
import dev.socketeer.adapter.redis.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class SocketIoRedisAdapterAutoConfigurationTest {

    // no Redis is needed unless a test starts one: the adapter connects in the background, the emitter on first use
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
    void redisClusterNodesGiveTheAdapterAndTheEmitterTheClusterClientAndNameTheNodes() {
        ApplicationContextRunner cluster = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
                        SocketIoRedisAdapterAutoConfiguration.class))
                .withPropertyValues("spring.data.redis.cluster.nodes=127.0.0.1:1,127.0.0.1:2");
        cluster.withPropertyValues("socketio.adapter.type=redis").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(RedisAdapterFactory.class).hasSingleBean(RedisEmitter.class);
            assertThat(context.getBean(RedisAdapterFactory.class).description().backend())
                    .isEqualTo("cluster 127.0.0.1:1,127.0.0.1:2");
        });
        // an application on another adapter that uses Redis Cluster for itself has the emitter too
        cluster.run(context -> assertThat(context).hasNotFailed().hasSingleBean(RedisEmitter.class));
    }

    @Test
    void streamsOptionsDefaultToTheNodeStreamsAdapterDefaultsAndBind() {
        assertThat(new SocketIoRedisAdapterProperties().toOptions().streams()).isEqualTo(RedisStreamsOptions.DEFAULTS);
        assertThat(RedisStreamsOptions.DEFAULTS).isEqualTo(new RedisStreamsOptions("socket.io", 1, 10_000, 100,
                Duration.ofMillis(5000), "sio:session:", false, false));
        runner.withPropertyValues("socketio.adapter.redis.mode=streams", "socketio.adapter.redis.streams.stream-name=s",
                "socketio.adapter.redis.streams.stream-count=3", "socketio.adapter.redis.streams.max-len=50",
                "socketio.adapter.redis.streams.read-count=7", "socketio.adapter.redis.streams.block-time=250ms",
                "socketio.adapter.redis.streams.session-key-prefix=app:s:",
                "socketio.adapter.redis.streams.only-plaintext=true",
                "socketio.adapter.redis.streams.sharded-pub-sub=true")
                .run(context -> assertThat(context.getBean(SocketIoRedisAdapterProperties.class).toOptions())
                        .isEqualTo(new RedisAdapterOptions(RedisAdapterOptions.Mode.STREAMS, "socket.io",
                                Duration.ofSeconds(5), new RedisStreamsOptions("s", 3, 50, 7, Duration.ofMillis(250),
                                "app:s:", true, true))));
    }

    @Test
    void noEmitterWhenDisabled() {
        runner.run(context -> assertThat(context).doesNotHaveBean(RedisEmitter.class));
    }

    @Test
    void connectsWhereBootsRedisConnectionDetailsSayAsAServiceConnectionWould() {
        try (RedisServer redis = RedisServer.start()) {
            DataRedisConnectionDetails details = new DataRedisConnectionDetails() {
                @Override
                public Standalone getStandalone() {
                    return Standalone.of("127.0.0.1", redis.port());
                }
            };
            // spring.data.redis.port points nowhere: the details bean wins, as Boot's own Redis support does
            runner.withPropertyValues("socketio.adapter.type=redis", "spring.data.redis.port=1")
                    .withBean(DataRedisConnectionDetails.class, () -> details)
                    .run(context -> {
                        RedisAdapterFactory factory = context.getBean(RedisAdapterFactory.class);
                        await().atMost(Duration.ofSeconds(20)).until(factory::isConnected);
                        assertThat(factory.description()).hasToString(
                                "redis (classic, prefix \"socket.io\", 127.0.0.1:" + redis.port() + ")");
                    });
        }
    }

    @Test
    void theEmitterOpensNoConnectionUntilItIsUsed() {
        runner.withPropertyValues("socketio.redis-emitter.enabled=true", "spring.data.redis.port=1")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(RedisEmitter.class);
                    assertThat(context.getBean(RedisEmitter.class).isConnected()).isFalse();
                    assertThat(context.getBean(RedisEmitter.class).backendStatus().lastError())
                            .isEqualTo("not connected yet");
                });
    }
}
