package dev.socketeer.engine.netty;

import dev.socketeer.engine.EngineOptions;
import dev.socketeer.engine.EngineServer;
import dev.socketeer.engine.EngineSocket;
import dev.socketeer.engine.EngineSocketListener;
import dev.socketeer.protocol.engineio.EngineMessage;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.config.EnableWebFlux;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** A real WebFlux server (DispatcherHandler, Reactor Netty) with one echo engine at {@code /engine.io/}. */
final class EchoEngineServer implements AutoCloseable {

    final EngineServer engine;
    final List<String> closeReasons = new CopyOnWriteArrayList<>();
    final List<EngineSocket> sockets = new CopyOnWriteArrayList<>();
    /** Every TCP connection the server has open (closed ones leave the group by themselves). */
    final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AnnotationConfigApplicationContext context;
    private final DisposableServer http;

    EchoEngineServer(EngineOptions options, int port) {
        engine = new EngineServer(options);
        engine.connectionListener(socket -> {
            sockets.add(socket);
            socket.listener(new EngineSocketListener() {
                @Override
                public void onMessage(EngineSocket s, String text) {
                    s.send(EngineMessage.text(text));
                }

                @Override
                public void onMessage(EngineSocket s, byte[] binary) {
                    s.send(EngineMessage.binary(binary));
                }

                @Override
                public void onClose(EngineSocket s, String reason) {
                    closeReasons.add(reason);
                }
            });
        });
        context = new AnnotationConfigApplicationContext();
        context.registerBean(EngineHandlerMapping.class, () -> new EngineHandlerMapping(Map.of("/engine.io/", engine)));
        context.register(WebConfig.class);
        context.refresh();
        HttpHandler handler = WebHttpHandlerBuilder.applicationContext(context).build();
        http = HttpServer.create().host("localhost").port(port)
                .doOnChannelInit((observer, channel, address) -> connections.add(channel))
                .handle(new ReactorHttpHandlerAdapter(handler)).bindNow();
    }

    int port() {
        return http.port();
    }

    String url(String query) {
        return "http://localhost:" + port() + "/engine.io/?" + query;
    }

    String wsUrl(String query) {
        return "ws://localhost:" + port() + "/engine.io/?" + query;
    }

    /** How many of the server's open TCP connections were upgraded to WebSocket. */
    long openWebSocketConnections() {
        return connections.stream().filter(Channel::isActive).filter(c -> c.pipeline().get("wsdecoder") != null).count();
    }

    @Override
    public void close() {
        engine.close();
        http.disposeNow();
        context.close();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableWebFlux
    static class WebConfig {
        @Bean
        String marker() {
            return "engine-test";
        }
    }
}
