package dev.socketeer.autoconfigure;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Fails the startup of a servlet web application that has Socketeer, with a report that says
 * Socketeer needs a reactive web application and how to get one. Spring Boot runs a servlet
 * application whenever Spring MVC ({@code spring-boot-starter-web}, start.spring.io's default) is on
 * the classpath, even next to WebFlux; without this the application would fail later and obscurely
 * ("required a bean of type SocketIoServer that could not be found"). The check runs before any
 * bean is created, so it is the first failure reported. {@code socketio.enabled=false} turns it off
 * (for an application that only emits through an emitter).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "socketio.enabled", matchIfMissing = true)
public class SocketIoServletApplicationAutoConfiguration {

    private static final String WEB_APPLICATION_TYPE = "spring.main.web-application-type";

    @Bean
    static BeanFactoryPostProcessor socketIoNeedsAReactiveWebApplication(Environment environment) {
        return beanFactory -> {
            throw reactiveWebApplicationRequired(environment.getProperty(WEB_APPLICATION_TYPE));
        };
    }

    static SocketIoConfigurationException reactiveWebApplicationRequired(String configuredType) {
        boolean configured = configuredType != null;
        return new SocketIoConfigurationException(WEB_APPLICATION_TYPE,
                configured ? configuredType : "servlet (chosen by Spring Boot)",
                "Socketeer serves Socket.IO on Spring WebFlux (Reactor Netty), so it needs a reactive web"
                        + " application, and this one is a servlet web application"
                        + (configured ? " because " + WEB_APPLICATION_TYPE + " says so"
                                : ": Spring MVC (spring-boot-starter-web) is on the classpath, and Spring Boot runs"
                                        + " a servlet application whenever it is, even next to WebFlux"),
                (configured ? "Set " + WEB_APPLICATION_TYPE + "=reactive. "
                        : "Remove spring-boot-starter-web from the dependencies (WebFlux serves @RestController"
                                + " classes too), or set " + WEB_APPLICATION_TYPE + "=reactive. ")
                        + "If this application only emits to Socket.IO clients through an emitter and serves no"
                        + " Socket.IO itself, set socketio.enabled=false.");
    }
}
