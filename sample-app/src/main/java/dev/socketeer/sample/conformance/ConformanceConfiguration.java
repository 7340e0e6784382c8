package dev.socketeer.sample.conformance;

import dev.socketeer.autoconfigure.EngineIoEndpoint;
import dev.socketeer.autoconfigure.SocketIoServerCustomizer;
import dev.socketeer.engine.EngineOptions;
import dev.socketeer.engine.EngineServer;
import dev.socketeer.engine.EngineSocket;
import dev.socketeer.engine.EngineSocketListener;
import dev.socketeer.protocol.engineio.EngineMessage;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * What the official protocol test suites expect (profile {@code conformance}, port 3000): an
 * Engine.IO echo at {@code /engine.io/}, and at {@code /socket.io/} the main namespace and
 * {@code /custom} handlers of the Socket.IO suite. Timings come from {@code application-conformance.yml}.
 */
@Configuration(proxyBeanMethods = false)
@Profile("conformance")
class ConformanceConfiguration {

    @Bean
    SocketIoServerCustomizer conformanceHandlers() {
        return server -> {
            server.onConnection(socket -> {
                socket.emit("auth", socket.handshake().auth());
                socket.on("message", (args, ack) -> socket.emit("message-back", args.toArray()));
                socket.on("message-with-ack", (args, ack) -> {
                    if (ack != null) {
                        ack.send(args.toArray());
                    }
                });
            });
            server.of("/custom").onConnection(socket -> socket.emit("auth", socket.handshake().auth()));
        };
    }

    @Bean
    EngineIoEndpoint engineIoEchoEndpoint(EngineOptions socketIoEngineOptions) {
        EngineServer engine = new EngineServer(socketIoEngineOptions);
        engine.connectionListener(socket -> socket.listener(new Echo()));
        return new EngineIoEndpoint("/engine.io/", engine);
    }

    /** Sends every message back as it came: text as text, binary as binary. */
    private static final class Echo implements EngineSocketListener {

        @Override
        public void onMessage(EngineSocket socket, String text) {
            socket.send(EngineMessage.text(text));
        }

        @Override
        public void onMessage(EngineSocket socket, byte[] binary) {
            socket.send(EngineMessage.binary(binary));
        }

        @Override
        public void onClose(EngineSocket socket, String reason) {
        }
    }
}
