package dev.socketeer.adapter.redis;

import dev.socketeer.test.ForkedNode;
import java.io.IOException;
import java.util.Arrays;

/** Runs a {@link ClusterNode} in a {@link ForkedNode} JVM: {@code <name> <redis port> <properties...>}. */
final class ClusterNodeProcess {

    private ClusterNodeProcess() {
    }

    static ForkedNode start(String name, int redisPort, String... properties) {
        String[] args = new String[properties.length + 2];
        args[0] = name;
        args[1] = Integer.toString(redisPort);
        System.arraycopy(properties, 0, args, 2, properties.length);
        return ForkedNode.start(ClusterNodeProcess.class, args);
    }

    public static void main(String[] args) throws IOException {
        ClusterNode node = ClusterNode.start(args[0], Integer.parseInt(args[1]), Arrays.copyOfRange(args, 2,
                args.length));
        ForkedNode.serving(node.port());
        ForkedNode.liveUntilStdinCloses();
        node.close();
    }
}
