package dev.socketeer.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the servers the tests start themselves (Redis, PostgreSQL). Taken below the kernel's ephemeral range
 * (32768–60999 here): a port from {@code new ServerSocket(0)} is an ephemeral one, which any outgoing connection of
 * the same build may take as its local port between the check and the server's own bind; a server that then fails
 * to bind exits at once.
 */
public final class TestPorts {

    private static final int FIRST = 20_000;
    private static final int LAST = 32_000;

    private TestPorts() {
    }

    /** A port in 20000–31999 that nothing listens on at the moment of the call. */
    public static int free() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, LAST);
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port found in " + FIRST + "-" + LAST);
    }
}
