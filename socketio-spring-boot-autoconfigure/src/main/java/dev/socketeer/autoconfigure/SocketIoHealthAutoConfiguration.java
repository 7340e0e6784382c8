package dev.socketeer.autoconfigure;

import dev.socketeer.server.SocketIoServer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code socketio} health indicator, when Spring Boot's health support is on the classpath
 * ({@code spring-boot-starter-actuator}); {@code management.health.socketio.enabled=false} turns it off.
 */
@AutoConfiguration(after = SocketIoAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, SocketIoServer.class })
@ConditionalOnBean(SocketIoServer.class)
@ConditionalOnEnabledHealthIndicator("socketio")
public class SocketIoHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "socketioHealthIndicator")
    SocketIoHealthIndicator socketioHealthIndicator(SocketIoServer socketIoServer) {
        return new SocketIoHealthIndicator(socketIoServer);
    }
}
