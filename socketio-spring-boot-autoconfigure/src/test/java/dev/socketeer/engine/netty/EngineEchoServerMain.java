package dev.socketeer.engine.netty;

import dev.socketeer.engine.EngineOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Serves the echo Engine.IO server the official v4 test suite expects: {@code /engine.io/} on
 * port 3000, pingInterval 300 ms, pingTimeout 200 ms, maxHttpBufferSize 1e6, CORS {@code *}.
 */
public final class EngineEchoServerMain {

    private EngineEchoServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        EngineOptions options = EngineOptions.defaults()
                .withHeartbeat(Duration.ofMillis(300), Duration.ofMillis(200))
                .withMaxHttpBufferSize(1_000_000)
                .withCors(new EngineOptions.Cors(List.of("*"), false));
        EchoEngineServer server = new EchoEngineServer(options, port);
        System.out.println("Engine.IO echo server listening on port " + server.port());
        new CountDownLatch(1).await();
    }
}
