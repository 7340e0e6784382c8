package dev.socketeer.bench.annotated;

import dev.socketeer.annotation.HandshakeQuery;
import dev.socketeer.annotation.OnConnect;
import dev.socketeer.annotation.OnEvent;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.server.Socket;
import dev.socketeer.server.SocketIoServer;
import dev.socketeer.handler.HandlerExecutor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/**
 * The benchmark's handlers written the way the README shows, as an annotated controller: the same logic as
 * {@code dev.socketeer.bench.app.BenchApplication} (join the {@code room} of the query; {@code bcast(room, payload)}
 * broadcasts {@code m(payload)}; {@code req(payload)} is answered with the payload). Blocking by default (the handler
 * executor); {@code --socketio.handler.non-blocking-by-default=true} runs the same methods on the event loop. Its own
 * package, so that the programmatic bench app does not scan this controller.
 */
@SpringBootApplication
public class AnnotatedBenchApplication {

    public static void main(String[] args) {
        SpringApplication.run(AnnotatedBenchApplication.class, args);
    }

    /**
     * {@code --bench.executor=elastic}: blocking handlers on Reactor's bounded elastic scheduler, the handler executor
     * before 0.1.0's bounded pool (a queue per thread), for an A/B run of the two in one harness run.
     */
    @Bean(destroyMethod = "dispose")
    @ConditionalOnProperty(name = "bench.executor", havingValue = "elastic")
    Scheduler elasticHandlerScheduler() {
        return Schedulers.newBoundedElastic(Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE,
                Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE, "socketio-handler", 60, true);
    }

    @Bean
    @ConditionalOnProperty(name = "bench.executor", havingValue = "elastic")
    HandlerExecutor elasticHandlerExecutor(Scheduler elasticHandlerScheduler) {
        return HandlerExecutor.of(elasticHandlerScheduler::schedule);
    }

    @SocketIoController
    static class BenchController {

        private final SocketIoServer server;

        BenchController(SocketIoServer server) {
            this.server = server;
        }

        @OnConnect
        void joined(Socket socket, @HandshakeQuery("room") String room) {
            if (room != null) {
                socket.join(room);
            }
        }

        @OnEvent("bcast")
        void broadcast(String room, JsonNode payload) {
            server.to(room).emit("m", payload);
        }

        @OnEvent("req")
        JsonNode request(JsonNode payload) {
            return payload;
        }
    }
}
