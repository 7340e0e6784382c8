package dev.socketeer.adapter.postgres;

import dev.socketeer.test.ForkedNode;
import java.io.IOException;
import java.util.Arrays;

/** Runs a {@link PostgresNode} in a {@link ForkedNode} JVM: {@code <name> <properties...>}. */
final class PostgresNodeProcess {

    private PostgresNodeProcess() {
    }

    static ForkedNode start(String name, String... properties) {
        String[] args = new String[properties.length + 1];
        args[0] = name;
        System.arraycopy(properties, 0, args, 1, properties.length);
        return ForkedNode.start(PostgresNodeProcess.class, args);
    }

    public static void main(String[] args) throws IOException {
        PostgresNode node = PostgresNode.start(args[0], Arrays.copyOfRange(args, 1, args.length));
        ForkedNode.serving(node.port);
        ForkedNode.liveUntilStdinCloses();
        node.close();
    }
}
