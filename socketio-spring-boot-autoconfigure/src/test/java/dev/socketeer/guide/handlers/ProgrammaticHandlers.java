package dev.socketeer.guide.handlers;

import dev.socketeer.autoconfigure.SocketIoServerCustomizer;
import dev.socketeer.server.ConnectionRefusedException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
class ChatSocketConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ChatSocketConfiguration.class);

    @Bean
    SocketIoServerCustomizer chat() {
        return server -> {
            // Main namespace "/": echo with an acknowledgement; one listener, given the socket, serves every socket.
            server.sockets().on("echo", (socket, args, ack) -> {
                if (ack != null) {
                    ack.send(args.toArray());          // the client's callback gets the same arguments
                }
            });

            // A namespace with an authentication middleware and rooms.
            server.of("/chat").use((socket, next) -> {
                var token = socket.handshake().auth().get("token");
                if (token != null && token.isString()) {
                    next.proceed();
                } else {                            // the client's connect_error gets message and data
                    next.refuse(new ConnectionRefusedException("unauthorized", Map.of("reason", "missing token")));
                }
            });
            server.of("/chat").onConnection(socket -> {
                socket.on("join", (args, ack) -> socket.join(args.get(0).asString()));
                socket.on("say", (args, ack) -> socket.to(args.get(0).asString()).emit("said", socket.id(), args.get(1)));
                // Ask this client something; fails with "operation has timed out" after 5 s.
                socket.timeout(Duration.ofSeconds(5)).emitWithAck("ready?")
                        .thenAccept(answer -> socket.join(answer.get(0).asBoolean() ? "ready" : "waiting"));
                socket.onDisconnecting((s, reason) -> s.broadcast().emit("left", s.id(), s.rooms()));
                socket.onDisconnect((s, reason) -> { /* e.g. "client namespace disconnect", "transport close" */ });
            });

            // Dynamic namespaces: one child namespace per matching name.
            server.of(Pattern.compile("^/workspace-\\d+$"))
                    .onConnection(socket -> socket.emit("welcome", socket.namespace().name()));
        };
    }

    @Bean
    SocketIoServerCustomizer logging() {
        return server -> server.onConnection(socket -> {
            socket.onAny((event, args) -> log.debug("{} sent {}", socket.id(), event));
            socket.onAnyOutgoing((event, args) -> log.debug("{} was sent {}", socket.id(), event));
        });
    }
}
