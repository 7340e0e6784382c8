package dev.socketeer.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.adapter.AdapterFactory;
import dev.socketeer.engine.EngineOptions;
import dev.socketeer.engine.EngineServer;
import dev.socketeer.engine.netty.EngineHandlerMapping;
import dev.socketeer.protocol.socketio.DecoderLimits;
import dev.socketeer.server.ServerOptions;
import dev.socketeer.server.SocketIoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

class SocketIoAutoConfigurationTest {

    private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SocketIoAutoConfiguration.class));

    @Test
    void servesSocketIoInAReactiveWebApplication() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(EngineOptions.class).hasSingleBean(EngineServer.class)
                    .hasSingleBean(ServerOptions.class).hasSingleBean(SocketIoServer.class)
                    .hasSingleBean(AdapterFactory.class).hasSingleBean(EngineHandlerMapping.class)
                    .hasSingleBean(SocketIoServerLifecycle.class);
            assertThat(context.getBean(EngineHandlerMapping.class).servers()).containsOnlyKeys("/socket.io/");
            assertThat(context.getBean(EngineOptions.class)).isEqualTo(EngineOptions.defaults());
        });
    }

    @Test
    void backsOffInANonWebApplication() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SocketIoAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(SocketIoServer.class)
                        .doesNotHaveBean(EngineHandlerMapping.class));
    }

    @Test
    void backsOffWhenDisabled() {
        runner.withPropertyValues("socketio.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SocketIoServer.class)
                        .doesNotHaveBean(EngineServer.class).doesNotHaveBean(EngineHandlerMapping.class));
    }

    @Test
    void backsOffWithoutReactorNetty() {
        runner.withClassLoader(new FilteredClassLoader("reactor.netty.http.server"))
                .run(context -> assertThat(context).doesNotHaveBean(SocketIoServer.class));
    }

    @Test
    void mountsAtTheConfiguredPath() {
        runner.withPropertyValues("socketio.path=/realtime/").run(context -> assertThat(
                context.getBean(EngineHandlerMapping.class).servers()).containsOnlyKeys("/realtime/"));
    }

    @Test
    void propertiesReachTheOptions() {
        runner.withPropertyValues("socketio.ping-interval=300ms", "socketio.ping-timeout=200ms",
                "socketio.transports=websocket", "socketio.max-http-buffer-size=2MB", "socketio.connect-timeout=5s",
                "socketio.cookie.enabled=true", "socketio.connection-state-recovery.enabled=true").run(context -> {
                    EngineOptions engine = context.getBean(EngineOptions.class);
                    assertThat(engine.pingInterval()).isEqualTo(Duration.ofMillis(300));
                    assertThat(engine.pingTimeout()).isEqualTo(Duration.ofMillis(200));
                    assertThat(engine.transports()).containsExactly("websocket");
                    assertThat(engine.maxHttpBufferSize()).isEqualTo(2 * 1024 * 1024);
                    assertThat(engine.cookie()).isEqualTo(EngineOptions.Cookie.defaults());
                    ServerOptions server = context.getBean(ServerOptions.class);
                    assertThat(server.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(server.connectionStateRecovery().maxDisconnectionDuration())
                            .isEqualTo(Duration.ofMinutes(2));
                });
    }

    @Test
    void limitPropertiesReachTheOptions() {
        runner.withPropertyValues("socketio.backpressure.high-water-mark=16KB", "socketio.backpressure.max-buffer=8MB",
                "socketio.backpressure.max-lag=5s", "socketio.parser.max-nesting-depth=50",
                "socketio.parser.max-number-length=64", "socketio.parser.max-ack-id-digits=9").run(context -> {
                    assertThat(context.getBean(EngineOptions.class).backpressure()).isEqualTo(
                            new EngineOptions.Backpressure(16 * 1024, 8 * 1024 * 1024, Duration.ofSeconds(5)));
                    assertThat(context.getBean(ServerOptions.class).decoderLimits()).isEqualTo(
                            new DecoderLimits(50, 64, 9));
                });
    }

    @Test
    void userBeansReplaceEveryPart() {
        runner.withUserConfiguration(UserBeans.class).run(context -> {
            assertThat(context.getBean(EngineOptions.class)).isSameAs(UserBeans.ENGINE_OPTIONS);
            assertThat(context.getBean(EngineServer.class)).isSameAs(context.getBean("myEngine"));
            assertThat(context.getBean(ServerOptions.class)).isSameAs(context.getBean("myServerOptions"));
            assertThat(context.getBean(SocketIoServer.class)).isSameAs(context.getBean("myServer"));
            assertThat(context.getBean(AdapterFactory.class)).isSameAs(context.getBean("myAdapters"));
            assertThat(context.getBean(EngineHandlerMapping.class).servers().get("/socket.io/"))
                    .isSameAs(context.getBean("myEngine"));
        });
    }

    @Test
    void userAdapterFactoryIsUsedForTheServerOptions() {
        runner.withBean("myAdapters", AdapterFactory.class, AdapterFactory::inMemory).run(context -> {
            assertThat(context).hasSingleBean(AdapterFactory.class);
            assertThat(context.getBean(ServerOptions.class).adapterFactory()).isSameAs(context.getBean("myAdapters"));
        });
    }

    @Test
    void userAdapterFactoryServesAnyAdapterType() {
        runner.withPropertyValues("socketio.adapter.type=postgres")
                .withBean("myAdapters", AdapterFactory.class, AdapterFactory::inMemory)
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(SocketIoServer.class));
    }

    @Test
    void customizersAreAppliedInOrder() {
        runner.withUserConfiguration(OrderedCustomizers.class).run(context -> {
            OrderedCustomizers calls = context.getBean(OrderedCustomizers.class);
            assertThat(calls.engine).containsExactly("first", "second");
            assertThat(calls.server).containsExactly("first", "second");
            // the second engine customizer saw the first one's work
            assertThat(context.getBean(EngineOptions.class).pingInterval()).isEqualTo(Duration.ofSeconds(2));
            assertThat(context.getBean(SocketIoServer.class).namespaceNames()).contains("/first", "/second");
        });
    }

    @Test
    void engineIoEndpointsAreMountedNextToSocketIo() {
        runner.withBean(EngineIoEndpoint.class, () -> new EngineIoEndpoint("/engine.io/",
                new EngineServer(EngineOptions.defaults())))
                .run(context -> assertThat(context.getBean(EngineHandlerMapping.class).servers())
                        .containsOnlyKeys("/socket.io/", "/engine.io/"));
    }

    @Test
    void anEngineIoEndpointOnTheSocketIoPathFails() {
        runner.withBean(EngineIoEndpoint.class, () -> new EngineIoEndpoint("/socket.io/",
                new EngineServer(EngineOptions.defaults())))
                .run(context -> assertThat(context).getFailure().hasStackTraceContaining(
                        "Two Engine.IO endpoints are mounted at '/socket.io/'"));
    }

    @Test
    void stoppingTheContextClosesTheSocketIoServer() {
        runner.run(context -> {
            SocketIoServerLifecycle lifecycle = context.getBean(SocketIoServerLifecycle.class);
            assertThat(lifecycle.isRunning()).isTrue();
            assertThat(lifecycle.getPhase()).isGreaterThan(org.springframework.context.SmartLifecycle.DEFAULT_PHASE - 1024);
            context.stop();
            assertThat(lifecycle.isRunning()).isFalse();
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class UserBeans {

        static final EngineOptions ENGINE_OPTIONS = EngineOptions.defaults().withUpgradeTimeout(Duration.ofSeconds(3));

        @Bean
        EngineOptions myEngineOptions() {
            return ENGINE_OPTIONS;
        }

        @Bean
        EngineServer myEngine(EngineOptions options) {
            return new EngineServer(options);
        }

        @Bean
        AdapterFactory myAdapters() {
            return AdapterFactory.inMemory();
        }

        @Bean
        ServerOptions myServerOptions(AdapterFactory adapters) {
            return ServerOptions.defaults().withAdapterFactory(adapters);
        }

        @Bean
        SocketIoServer myServer(EngineServer engine, ServerOptions options) {
            return new SocketIoServer(engine, options);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OrderedCustomizers {

        final List<String> engine = new ArrayList<>();
        final List<String> server = new ArrayList<>();

        @Bean
        @Order(2)
        EngineOptionsCustomizer secondEngineCustomizer() {
            return options -> {
                engine.add("second");
                return options.withHeartbeat(options.pingInterval().multipliedBy(2), options.pingTimeout());
            };
        }

        @Bean
        @Order(1)
        EngineOptionsCustomizer firstEngineCustomizer() {
            return options -> {
                engine.add("first");
                return options.withHeartbeat(Duration.ofSeconds(1), options.pingTimeout());
            };
        }

        @Bean
        @Order(2)
        SocketIoServerCustomizer secondServerCustomizer() {
            return socketIo -> {
                server.add("second");
                socketIo.of("/second");
            };
        }

        @Bean
        @Order(1)
        SocketIoServerCustomizer firstServerCustomizer() {
            return socketIo -> {
                server.add("first");
                socketIo.of("/first");
            };
        }
    }
}
