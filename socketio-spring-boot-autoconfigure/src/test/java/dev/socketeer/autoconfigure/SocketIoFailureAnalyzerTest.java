package dev.socketeer.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import dev.socketeer.server.SocketIoServer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

@ExtendWith(OutputCaptureExtension.class)
class SocketIoFailureAnalyzerTest {

    private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SocketIoAutoConfiguration.class));

    @Test
    void unknownAdapterTypeListsTheAdapters() {
        analyze(runner.withPropertyValues("socketio.adapter.type=cassandra"), analysis -> {
            assertThat(analysis.getDescription()).contains("socketio.adapter.type", "cassandra");
            assertThat(analysis.getAction()).contains("memory, redis, postgres");
        });
    }

    @Test
    void redisWithoutSpringDataRedisNamesTheStarterToAdd() {
        analyze(runner.withPropertyValues("socketio.adapter.type=redis")
                .withClassLoader(new FilteredClassLoader("org.springframework.data.redis")), analysis -> {
                    assertThat(analysis.getDescription()).contains("socketio.adapter.type", "redis",
                            "Spring Data Redis");
                    assertThat(analysis.getAction())
                            .contains("org.springframework.boot:spring-boot-starter-data-redis");
                });
    }

    @Test
    void redisWithoutMessagePackNamesMsgpackCoreNotTheRedisSettings() {
        analyze(runner.withPropertyValues("socketio.adapter.type=redis")
                .withClassLoader(new FilteredClassLoader("org.msgpack")), analysis -> {
                    assertThat(analysis.getDescription()).contains("socketio.adapter.type", "redis",
                            "org.msgpack:msgpack-core is not on the classpath")
                            .doesNotContain("spring.data.redis", "ConnectionFactory");
                    assertThat(analysis.getAction()).contains("dev.socketeer:socketio-spring-boot-starter")
                            .doesNotContain("spring.data.redis");
                });
    }

    @Test
    void redisWithoutLettuceNamesTheClient() {
        analyze(runner.withPropertyValues("socketio.adapter.type=redis")
                .withClassLoader(new FilteredClassLoader("org.springframework.data.redis.connection.lettuce")),
                analysis -> assertThat(analysis.getDescription()).contains("io.lettuce:lettuce-core"));
    }

    @Test
    void redisWithEveryJarButNoConnectionFactoryNamesTheMissingBean() {
        analyze(runner.withPropertyValues("socketio.adapter.type=redis"), analysis -> {
            assertThat(analysis.getDescription()).contains("no LettuceConnectionFactory bean");
            assertThat(analysis.getAction()).contains("spring.data.redis.*", "AdapterFactory");
        });
    }

    @Test
    void postgresWithoutMessagePackNamesMsgpackCore() {
        analyze(runner.withPropertyValues("socketio.adapter.type=postgres")
                .withClassLoader(new FilteredClassLoader("org.msgpack")), analysis -> {
                    assertThat(analysis.getDescription()).contains("postgres",
                            "org.msgpack:msgpack-core is not on the classpath");
                    assertThat(analysis.getAction()).contains("dev.socketeer:socketio-spring-boot-starter");
                });
    }

    @Test
    void aServletApplicationIsToldThatSocketeerNeedsAReactiveOneAndHowToGetIt() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SocketIoAutoConfiguration.class,
                        SocketIoHandlerAutoConfiguration.class, SocketIoServletApplicationAutoConfiguration.class))
                .withBean(NeedsTheServer.class)
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = new SocketIoFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).contains("needs a reactive web application",
                            "spring-boot-starter-web").doesNotContain("required a bean");
                    assertThat(analysis.getAction()).contains("Remove spring-boot-starter-web",
                            "spring.main.web-application-type=reactive", "socketio.enabled=false");
                });
    }

    @Test
    void aServletApplicationWithSocketIoDisabledStarts() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SocketIoServletApplicationAutoConfiguration.class))
                .withPropertyValues("socketio.enabled=false")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void wildcardOriginWithCredentialsIsRefusedAtStartup() {
        analyze(runner.withPropertyValues("socketio.cors.allowed-origins=*", "socketio.cors.allow-credentials=true"),
                analysis -> {
                    assertThat(analysis.getDescription()).contains("socketio.cors.allowed-origins",
                            "socketio.cors.allow-credentials=true", "every web site");
                    assertThat(analysis.getAction()).contains("List the origins",
                            "socketio.cors.allow-credentials=false");
                });
    }

    @Test
    void sameSiteNoneCookieMustBeSecure() {
        analyze(runner.withPropertyValues("socketio.cookie.enabled=true", "socketio.cookie.same-site=None"),
                analysis -> {
                    assertThat(analysis.getDescription()).contains("socketio.cookie.same-site", "None",
                            "not Secure");
                    assertThat(analysis.getAction()).contains("socketio.cookie.secure=true");
                });
    }

    @Test
    void postgresWithoutTheDriverNamesTheDependenciesToAdd() {
        analyze(runner.withPropertyValues("socketio.adapter.type=postgres")
                .withClassLoader(new FilteredClassLoader("io.r2dbc.postgresql")), analysis -> {
                    assertThat(analysis.getDescription()).contains("socketio.adapter.type", "postgres",
                            "r2dbc-postgresql");
                    assertThat(analysis.getAction()).contains("org.postgresql:r2dbc-postgresql",
                            "socketio.adapter.type=memory");
                });
    }

    @Test
    void postgresWithTheDriverButNoAdapterSaysHowToConfigureIt() {
        analyze(runner.withPropertyValues("socketio.adapter.type=postgres"), analysis -> {
            assertThat(analysis.getDescription()).contains("socketio.adapter.type", "postgres",
                    "no Postgres adapter is available");
            assertThat(analysis.getAction()).contains("spring.r2dbc.*", "socketio.adapter.postgres.url",
                    "AdapterFactory");
        });
    }

    @Test
    void unknownTransportNamesThePropertyAndTheAllowedValues() {
        analyze(runner.withPropertyValues("socketio.transports=polling,flash"), analysis -> {
            assertThat(analysis.getDescription()).contains("socketio.transports", "'flash'");
            assertThat(analysis.getAction()).contains("'polling'", "'websocket'");
        });
    }

    @Test
    void noTransportAtAllIsRefused() {
        analyze(runner.withPropertyValues("socketio.transports="), analysis -> assertThat(analysis.getDescription())
                .contains("socketio.transports", "at least one transport"));
    }

    @Test
    void negativeOrZeroDurationsNameTheProperty() {
        analyze(runner.withPropertyValues("socketio.ping-timeout=-1s"),
                analysis -> assertThat(analysis.getDescription()).contains("socketio.ping-timeout", "PT-1S",
                        "must be positive"));
        analyze(runner.withPropertyValues("socketio.connect-timeout=0s"),
                analysis -> assertThat(analysis.getDescription()).contains("socketio.connect-timeout"));
    }

    @Test
    void badSizesPathAndSameSiteNameTheProperty() {
        analyze(runner.withPropertyValues("socketio.max-http-buffer-size=0B"),
                analysis -> assertThat(analysis.getDescription()).contains("socketio.max-http-buffer-size"));
        analyze(runner.withPropertyValues("socketio.path=socket.io"),
                analysis -> assertThat(analysis.getAction()).contains("socketio.path", "/socket.io/"));
        analyze(runner.withPropertyValues("socketio.cookie.same-site=Sometimes"),
                analysis -> assertThat(analysis.getAction()).contains("Lax, Strict, None"));
    }

    @Test
    void ignoresFailuresThatAreNotAboutSocketIo() {
        assertThat(new SocketIoFailureAnalyzer().analyze(new IllegalStateException("boom"))).isNull();
    }

    @Test
    void startupFailureReportShowsTheAnalysis(CapturedOutput output) {
        SpringApplication application = new SpringApplication(BadApp.class);
        application.setWebApplicationType(WebApplicationType.REACTIVE);
        application.setDefaultProperties(java.util.Map.of("server.port", "0", "socketio.adapter.type", "cassandra",
                "spring.main.banner-mode", "off"));
        try {
            application.run().close();
        } catch (RuntimeException expected) {
            // the failure analysis was reported
        }
        assertThat(output).contains("APPLICATION FAILED TO START", "socketio.adapter.type", "cassandra",
                "Set socketio.adapter.type to one of: memory, redis, postgres");
    }

    private static void analyze(ReactiveWebApplicationContextRunner runner, Consumer<FailureAnalysis> check) {
        runner.run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new SocketIoFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
            check.accept(analysis);
        });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class BadApp {
    }

    /** An application bean that needs the server, as a newcomer's controller would. */
    static class NeedsTheServer {

        NeedsTheServer(SocketIoServer server) {
        }
    }

    // ---- limits: backpressure and the packet parser

    @Test
    void badLimitsNameTheProperty() {
        analyze(runner.withPropertyValues("socketio.backpressure.max-buffer=1KB"),
                analysis -> assertThat(analysis.getDescription()).contains("socketio.backpressure.max-buffer",
                        "socketio.backpressure.high-water-mark"));
        analyze(runner.withPropertyValues("socketio.backpressure.max-lag=0s"),
                analysis -> assertThat(analysis.getDescription()).contains("socketio.backpressure.max-lag"));
        analyze(runner.withPropertyValues("socketio.parser.max-ack-id-digits=19"),
                analysis -> assertThat(analysis.getAction()).contains("between 1 and 18"));
        analyze(runner.withPropertyValues("socketio.parser.max-nesting-depth=0"),
                analysis -> assertThat(analysis.getDescription()).contains("socketio.parser.max-nesting-depth"));
    }
}
