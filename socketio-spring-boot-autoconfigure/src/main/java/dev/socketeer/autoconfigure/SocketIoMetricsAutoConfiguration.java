package dev.socketeer.autoconfigure;

import dev.socketeer.engine.EngineServer;
import dev.socketeer.server.SocketIoServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Socket.IO meters ({@link SocketIoMetrics}) when Micrometer is on the classpath; Spring Boot's
 * metrics support binds them to the application's meter registries.
 */
@AutoConfiguration(after = SocketIoAutoConfiguration.class)
@ConditionalOnClass({ MeterRegistry.class, SocketIoServer.class })
@ConditionalOnBean({ SocketIoServer.class, EngineServer.class })
public class SocketIoMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SocketIoMetrics socketIoMetrics(SocketIoServer socketIoServer, EngineServer socketIoEngineServer) {
        return new SocketIoMetrics(socketIoServer, socketIoEngineServer);
    }
}
