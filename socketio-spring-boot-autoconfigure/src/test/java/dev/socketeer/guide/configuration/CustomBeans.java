package dev.socketeer.guide.configuration;

import dev.socketeer.autoconfigure.SocketIoServerCustomizer;
import dev.socketeer.handler.HandlerExecutor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
class CustomBeans {

    @Bean(destroyMethod = "shutdown")
    ExecutorService socketIoWorkers() {
        return Executors.newFixedThreadPool(16);
    }

    @Bean
    HandlerExecutor socketIoHandlerExecutor(ExecutorService socketIoWorkers) {   // replaces socketio.handler.executor
        return HandlerExecutor.of(socketIoWorkers);
    }

    @Bean
    SocketIoServerCustomizer namespaces() {               // applied in @Order, before the server accepts clients
        return server -> server.of("/status").onConnection(socket -> socket.emit("status", "ok"));
    }
}
