package dev.socketeer.server;

import dev.socketeer.engine.EngineOptions;
import dev.socketeer.engine.EngineServer;
import dev.socketeer.engine.netty.EngineHandlerMapping;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.config.EnableWebFlux;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Serves what the official Socket.IO v5 test suite expects: {@code /socket.io/} on port 3000,
 * pingInterval 300 ms, pingTimeout 200 ms, connectTimeout 1 s, maxHttpBufferSize 1e6, CORS
 * {@code *}; main namespace echo handlers and a {@code /custom} namespace.
 */
public final class SocketIoConformanceServerMain {

    private SocketIoConformanceServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        EngineServer engine = new EngineServer(EngineOptions.defaults()
                .withHeartbeat(Duration.ofMillis(300), Duration.ofMillis(200))
                .withMaxHttpBufferSize(1_000_000)
                .withCors(new EngineOptions.Cors(List.of("*"), false)));
        SocketIoServer io = new SocketIoServer(engine, ServerOptions.defaults().withConnectTimeout(Duration.ofMillis(1000)));
        io.onConnection(socket -> {
            socket.emit("auth", socket.handshake().auth());
            socket.on("message", (eventArgs, ack) -> socket.emit("message-back", eventArgs.toArray()));
            socket.on("message-with-ack", (eventArgs, ack) -> {
                if (ack != null) {
                    ack.send(eventArgs.toArray());
                }
            });
        });
        io.of("/custom").onConnection(socket -> socket.emit("auth", socket.handshake().auth()));

        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.registerBean(EngineHandlerMapping.class, () -> new EngineHandlerMapping(Map.of("/socket.io/", engine)));
        context.register(WebConfig.class);
        context.refresh();
        DisposableServer http = HttpServer.create().host("localhost").port(port)
                .handle(new ReactorHttpHandlerAdapter(WebHttpHandlerBuilder.applicationContext(context).build()))
                .bindNow();
        System.out.println("Socket.IO conformance server listening on port " + http.port());
        new CountDownLatch(1).await();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableWebFlux
    static class WebConfig {
    }
}
