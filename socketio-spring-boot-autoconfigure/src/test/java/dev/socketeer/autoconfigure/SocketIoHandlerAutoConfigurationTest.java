package dev.socketeer.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.annotation.OnConnect;
import dev.socketeer.annotation.OnEvent;
import dev.socketeer.annotation.OnServerSideEvent;
import dev.socketeer.annotation.Payload;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.handler.HandlerExecutor;
import dev.socketeer.handler.SocketIoHandlerRegistrar;
import dev.socketeer.handler.SocketIoInvocation;
import dev.socketeer.server.Ack;
import dev.socketeer.server.Socket;
import java.util.concurrent.Executors;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.NestedExceptionUtils;
import tools.jackson.databind.JsonNode;

class SocketIoHandlerAutoConfigurationTest {

    private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SocketIoAutoConfiguration.class,
                    SocketIoHandlerAutoConfiguration.class));

    @Test
    void registersTheHandlersWithABoundedExecutorBeforeJava21() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(SocketIoHandlerRegistrar.class).hasSingleBean(HandlerExecutor.class);
            if (!HandlerExecutor.virtualThreadsAvailable()) {
                assertThat(context.getBean(HandlerExecutor.class).toString()).contains("bounded (");
            }
        });
    }

    @Test
    void propertiesDefaultToAutoExecutorAndHiddenExceptionMessages() {
        SocketIoHandlerProperties properties = new SocketIoHandlerProperties();
        assertThat(properties.getExecutor()).isEqualTo(SocketIoHandlerProperties.ExecutorType.AUTO);
        assertThat(properties.isIncludeExceptionMessage()).isFalse();
        assertThat(properties.getBounded().getMaxThreads())
                .isEqualTo(10 * Runtime.getRuntime().availableProcessors());
        assertThat(properties.getBounded().getMaxQueuedTasks()).isEqualTo(100_000);
    }

    @Test
    void boundedExecutorTakesItsSizesFromProperties() {
        runner.withPropertyValues("socketio.handler.executor=bounded", "socketio.handler.bounded.max-threads=3",
                "socketio.handler.bounded.max-queued-tasks=7")
                .run(context -> assertThat(context.getBean(HandlerExecutor.class).toString())
                        .contains("3 threads").contains("7 queued tasks"));
    }

    @Test
    void virtualExecutorBeforeJava21FailsNamingTheProperty() {
        if (HandlerExecutor.virtualThreadsAvailable()) {
            return;
        }
        runner.withPropertyValues("socketio.handler.executor=virtual").run(context -> startupFailure(context)
                .hasMessageContaining("socketio.handler.executor=virtual")
                .hasMessageContaining("Java 21"));
    }

    @Test
    void applicationExecutorReplacesTheDefault() {
        runner.withUserConfiguration(OwnExecutor.class).run(context -> assertThat(context.getBean(HandlerExecutor.class))
                .isSameAs(context.getBean(OwnExecutor.class).executor));
    }

    @Test
    void backsOffWithoutTheSocketIoServer() {
        runner.withPropertyValues("socketio.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SocketIoHandlerRegistrar.class));
    }

    @Test
    void twoHandlersForOneEventFailStartupNamingBothMethods() {
        runner.withUserConfiguration(FirstChat.class, SecondChat.class).run(context -> startupFailure(context)
                .hasMessageContaining("Two handlers for event 'message' in namespace /chat")
                .hasMessageContaining("FirstChat#onMessage(String)")
                .hasMessageContaining("SecondChat#handle(String)"));
    }

    @Test
    void sameEventInAnotherNamespaceIsNoConflict() {
        runner.withUserConfiguration(FirstChat.class, OtherNamespace.class)
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void parameterNothingResolvesFailsStartupNamingIt() {
        runner.withUserConfiguration(Unresolvable.class).run(context -> startupFailure(context)
                .hasMessageContaining("Cannot bind parameter 0 'pool'")
                .hasMessageContaining("Unresolvable#handle(ExecutorService)")
                .hasMessageContaining("@Payload"));
    }

    @Test
    void ackParameterInAConnectHandlerFailsStartup() {
        runner.withUserConfiguration(AckOnConnect.class).run(context -> startupFailure(context)
                .hasMessageContaining("@OnConnect methods have no acknowledgement"));
    }

    @Test
    void validPayloadWithoutBeanValidationProviderFailsStartup() {
        runner.withUserConfiguration(ValidatedWithoutValidator.class).run(context -> startupFailure(context)
                .hasMessageContaining("no Bean Validation provider"));
    }

    @Test
    void anInvocationParameterFailsStartupPointingToVarargs() {
        runner.withUserConfiguration(InvocationParameter.class).run(context -> startupFailure(context)
                .hasMessageContaining("Cannot bind parameter 0 'invocation'")
                .hasMessageContaining("InvocationParameter#echo(SocketIoInvocation)")
                .hasMessageContaining("declare a varargs parameter last (JsonNode... args)"));
    }

    @Test
    void varargsWithAPayloadIndexFailStartup() {
        runner.withUserConfiguration(IndexedVarargs.class).run(context -> startupFailure(context)
                .hasMessageContaining("IndexedVarargs#echo(JsonNode[])")
                .hasMessageContaining("remove @Payload(1)"));
    }

    @Test
    void serverSideEventsHaveNoSocketAndNoPatternNamespace() {
        runner.withUserConfiguration(SocketInServerSideEvent.class).run(context -> startupFailure(context)
                .hasMessageContaining("SocketInServerSideEvent#ping(Socket)")
                .hasMessageContaining("@OnServerSideEvent methods have no socket"));
        runner.withUserConfiguration(ServerSideEventOnPattern.class).run(context -> startupFailure(context)
                .hasMessageContaining("ServerSideEventOnPattern#ping()")
                .hasMessageContaining("not by a namespacePattern controller"));
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> startupFailure(
            AssertableReactiveWebApplicationContext context) {
        assertThat(context).hasFailed();
        return assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnExecutor {

        final HandlerExecutor executor = HandlerExecutor.of(Executors.newSingleThreadExecutor());

        @Bean
        HandlerExecutor handlerExecutor() {
            return executor;
        }
    }

    @SocketIoController("/chat")
    static class FirstChat {
        @OnEvent("message")
        void onMessage(String text) {
        }
    }

    @SocketIoController("chat")
    static class SecondChat {
        @OnEvent("message")
        void handle(String text) {
        }
    }

    @SocketIoController("/other")
    static class OtherNamespace {
        @OnEvent("message")
        void onMessage(String text) {
        }
    }

    @SocketIoController
    static class Unresolvable {
        @OnEvent("x")
        void handle(java.util.concurrent.ExecutorService pool) {
        }
    }

    @SocketIoController
    static class AckOnConnect {
        @OnConnect
        void joined(Ack ack) {
        }
    }

    record Named(String name) {
    }

    @Configuration(proxyBeanMethods = false)
    @Import(ValidatedController.class)
    static class ValidatedWithoutValidator {
    }

    @SocketIoController
    static class ValidatedController {
        @OnEvent("x")
        void handle(@jakarta.validation.Valid Named named) {
        }
    }

    @SocketIoController
    static class InvocationParameter {
        @OnEvent("echo")
        void echo(SocketIoInvocation invocation) {
        }
    }

    @SocketIoController
    static class IndexedVarargs {
        @OnEvent("echo")
        void echo(@Payload(1) JsonNode... args) {
        }
    }

    @SocketIoController
    static class SocketInServerSideEvent {
        @OnServerSideEvent("ping")
        void ping(Socket socket) {
        }
    }

    @SocketIoController(namespacePattern = "^/room-\\d+$")
    static class ServerSideEventOnPattern {
        @OnServerSideEvent("ping")
        void ping() {
        }
    }
}
