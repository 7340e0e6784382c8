package dev.socketeer.sample;

import dev.socketeer.server.SocketIoServer;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Three sample nodes started with the same arguments (a profile, the shared Redis), each with its own event loops
 * ({@link Chat#startIsolated}), so that one can be stopped and started again on its port, as a node restarted in a
 * rolling deploy, while the others keep serving. {@code node1} is the first: the balancers' configurations list the
 * nodes in the order of {@link #ports()}.
 */
final class ThreeNodes implements AutoCloseable {

    private final List<String> args;
    private final List<Integer> ports = new ArrayList<>();
    private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

    private ThreeNodes(List<String> args) {
        this.args = args;
    }

    static ThreeNodes start(String... args) {
        ThreeNodes three = new ThreeNodes(List.of(args));
        try {
            for (int i = 0; i < 3; i++) {
                ConfigurableApplicationContext node = Chat.startIsolated(args);
                three.nodes.add(node);
                three.ports.add(Integer.parseInt(node.getEnvironment().getProperty("local.server.port")));
            }
            return three;
        } catch (RuntimeException e) {
            three.close();
            throw e;
        }
    }

    List<Integer> ports() {
        return List.copyOf(ports);
    }

    List<String> urls() {
        return ports.stream().map(port -> "http://127.0.0.1:" + port).toList();
    }

    /** Stops node {@code index} (0-based) as a redeploy does: a graceful stop. */
    synchronized void stop(int index) {
        nodes.get(index).close();
    }

    /** Starts node {@code index} (0-based) again, on the port it had, with the same arguments. */
    synchronized void restart(int index) {
        if (nodes.get(index).isActive()) {
            throw new IllegalStateException("node" + (index + 1) + " is running");
        }
        List<String> all = new ArrayList<>(args);
        all.add("--server.port=" + ports.get(index));
        nodes.set(index, Chat.startIsolated(all.toArray(String[]::new)));
    }

    /** The node ({@code node1}…{@code node3}) whose namespace holds this socket, or {@code none}. */
    synchronized String where(String namespace, String socketId) {
        for (int i = 0; i < nodes.size(); i++) {
            ConfigurableApplicationContext node = nodes.get(i);
            if (node.isActive() && node.getBean(SocketIoServer.class).of(namespace).sockets().containsKey(socketId)) {
                return "node" + (i + 1);
            }
        }
        return "none";
    }

    @Override
    public synchronized void close() {
        for (ConfigurableApplicationContext node : nodes) {
            if (node.isActive()) {
                node.close();
            }
        }
    }
}
