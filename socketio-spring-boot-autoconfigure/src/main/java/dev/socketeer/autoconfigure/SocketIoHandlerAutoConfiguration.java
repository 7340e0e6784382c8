package dev.socketeer.autoconfigure;

import dev.socketeer.handler.HandlerExecutor;
import dev.socketeer.handler.SocketIoHandlerRegistrar;
import dev.socketeer.server.SocketIoServer;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;
import org.springframework.validation.Validator;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

/**
 * The annotated programming model: registers the {@code @SocketIoController} beans, {@code SocketIoMiddleware}
 * beans, {@code SocketIoArgumentResolver} beans and {@code @SocketIoControllerAdvice} beans on the
 * {@link SocketIoServer}, with blocking handler methods on a {@link HandlerExecutor} ({@code socketio.handler.*}) and
 * {@code @Valid} payloads checked by the application's Bean Validation validator.
 */
@AutoConfiguration(after = SocketIoAutoConfiguration.class,
        afterName = "org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration")
@ConditionalOnBean(SocketIoServer.class)
@EnableConfigurationProperties(SocketIoHandlerProperties.class)
public class SocketIoHandlerAutoConfiguration {

    private static final boolean BEAN_VALIDATION_PRESENT = ClassUtils.isPresent("jakarta.validation.Validator",
            SocketIoHandlerAutoConfiguration.class.getClassLoader());

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    HandlerExecutor socketIoHandlerExecutor(SocketIoHandlerProperties properties) {
        return switch (properties.getExecutor()) {
            case VIRTUAL -> {
                if (!HandlerExecutor.virtualThreadsAvailable()) {
                    throw new IllegalStateException("socketio.handler.executor=virtual needs Java 21 or later (this is"
                            + " Java " + Runtime.version().feature() + "); use one of auto, bounded");
                }
                yield HandlerExecutor.virtualThreads();
            }
            case BOUNDED -> HandlerExecutor.bounded(properties.getBounded().getMaxThreads(),
                    properties.getBounded().getMaxQueuedTasks());
            case AUTO -> HandlerExecutor.virtualThreadsAvailable() ? HandlerExecutor.virtualThreads()
                    : HandlerExecutor.bounded(properties.getBounded().getMaxThreads(),
                            properties.getBounded().getMaxQueuedTasks());
        };
    }

    @Bean
    @ConditionalOnMissingBean
    SocketIoHandlerRegistrar socketIoHandlerRegistrar(SocketIoServer socketIoServer,
            HandlerExecutor socketIoHandlerExecutor, SocketIoHandlerProperties properties, BeanFactory beanFactory) {
        SocketIoHandlerRegistrar registrar = new SocketIoHandlerRegistrar(socketIoServer, socketIoHandlerExecutor);
        registrar.setIncludeExceptionMessage(properties.isIncludeExceptionMessage());
        registrar.setNonBlockingByDefault(properties.isNonBlockingByDefault());
        if (BEAN_VALIDATION_PRESENT) {
            registrar.setValidator(BeanValidation.validator(beanFactory));
        }
        return registrar;
    }

    /** Loaded only when jakarta.validation is on the classpath. */
    private static final class BeanValidation {

        static Validator validator(BeanFactory beanFactory) {
            jakarta.validation.Validator validator = beanFactory.getBeanProvider(jakarta.validation.Validator.class)
                    .getIfUnique();
            if (validator == null) {
                return null;
            }
            return validator instanceof Validator springValidator ? springValidator
                    : new SpringValidatorAdapter(validator);
        }
    }
}
