package dev.socketeer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.test.NodeProcess;
import dev.socketeer.test.TestJson;
import java.io.IOException;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One npm socket.io-client moving bulk traffic ({@code bulk-client.mjs}): the megabytes are made and checked on the
 * Node side, reports come back as JSON lines. Reconnection is off, so a disconnect is final.
 */
final class BulkClient implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(90);

    private final NodeProcess process;

    private BulkClient(NodeProcess process) {
        this.process = process;
    }

    /** Connects to the main namespace of {@code app} over {@code transport}. */
    static BulkClient start(SocketIoApp app, String transport) {
        ObjectNode config = TestJson.MAPPER.createObjectNode().put("url", app.url("/"));
        config.putArray("transports").add(transport);
        return new BulkClient(NodeProcess.start("bulk-client.mjs", config.toString()));
    }

    /** Waits for the connection; returns the socket id. */
    String awaitConnect() {
        return process.await(r -> type(r, "connect"), WAIT, "the connection").get("sid").asString();
    }

    /** Emits {@code count} echo requests of {@code size} characters; they come back as "echo-back". */
    void echo(int count, int size) {
        process.send(command("echo").put("count", count).put("size", size));
    }

    /** Starts counting {@code count} events of {@code size} characters ("<index>:" then filler). */
    void expect(String event, int count, int size) {
        process.send(command("expect").put("event", event).put("count", count).put("size", size));
        process.await(r -> type(r, "expecting"), WAIT, "the client to listen");
    }

    /** Emits one event with integer arguments. */
    void emit(String event, int... args) {
        ObjectNode emit = command("emit").put("event", event);
        ArrayNode array = emit.putArray("args");
        for (int arg : args) {
            array.add(arg);
        }
        process.send(emit);
    }

    /** Stops reading the WebSocket's TCP socket (the process keeps running). */
    void pause() {
        process.send(command("pause"));
        process.await(r -> type(r, "paused"), WAIT, "the client to stop reading");
    }

    /** Reads the WebSocket's TCP socket again. */
    void resume() {
        process.send(command("resume"));
    }

    /** Stops ({@code STOP}) or continues ({@code CONT}) the whole client process. */
    void signal(String signal) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        assertThat(exit).as("kill -%s", signal).isZero();
    }

    /** The report that every expected event arrived ({@code done}), or the disconnect that came first. */
    JsonNode awaitDoneOrDisconnect() {
        return process.await(r -> type(r, "done") || type(r, "disconnect"), WAIT, "every message or a disconnect");
    }

    JsonNode awaitDisconnect() {
        return process.await(r -> type(r, "disconnect"), WAIT, "the disconnect");
    }

    @Override
    public void close() {
        process.close();
    }

    /** What the client expects: "<index>:" then filler up to {@code size} characters. */
    static String payload(int index, int size) {
        String head = index + ":";
        return head + "x".repeat(size - head.length());
    }

    private static boolean type(JsonNode report, String type) {
        return type.equals(report.path("type").asString(""));
    }

    private static ObjectNode command(String op) {
        return TestJson.MAPPER.createObjectNode().put("op", op);
    }
}
