package dev.socketeer.test;

import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;

/**
 * The Node reference server ({@code socket.io} 4.8.4, {@code server-fixture.mjs}) on a free port of 127.0.0.1.
 * See the script's header for its namespaces and event handlers. It reports {@code connection {nsp,sid,recovered}}
 * and {@code disconnect {nsp,sid,reason}}.
 */
public final class NodeSocketIoServer implements AutoCloseable {

    private final NodeProcess process;
    private final int port;

    private NodeSocketIoServer(NodeProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the server with the fixture's defaults (CORS {@code *}). */
    public static NodeSocketIoServer start() {
        return start(Map.of());
    }

    /** Starts the server with extra socket.io {@code Server} options, e.g. {@code pingInterval}. */
    public static NodeSocketIoServer start(Map<String, ?> serverOptions) {
        NodeProcess process = NodeProcess.start("server-fixture.mjs",
                TestJson.MAPPER.writeValueAsString(TestJson.toNode(serverOptions)));
        try {
            JsonNode listening = process.await(r -> NodeSocketIoClient.type(r, "listening"), Duration.ofSeconds(30),
                    "the Node socket.io server to listen");
            return new NodeSocketIoServer(process, listening.get("port").asInt());
        }
        catch (AssertionError ex) {
            process.close();
            throw ex;
        }
    }

    /** The port it listens on. */
    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>} + namespace, e.g. {@code url("/custom")}. */
    public String url(String namespace) {
        return "http://127.0.0.1:" + port + namespace;
    }

    /** Waits for a server-side report matching {@code condition}. */
    public JsonNode awaitReport(Predicate<JsonNode> condition, Duration timeout, String description) {
        return process.await(condition, timeout, description);
    }

    /** Stops the server. */
    @Override
    public void close() {
        process.close();
    }
}
