package dev.socketeer.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A load balancer the test controls: a TCP proxy on 127.0.0.1 that sends each new connection to the current
 * target port, or round robin over several ({@link #targets(int...)}, a balancer without stickiness that takes a
 * node out while it restarts). {@link #target(int)} changes where the next connections go, {@link #refuse()} closes new
 * connections at once (a client keeps retrying), {@link #cutAll()} drops every open connection on both
 * sides, as a network failure would, and {@link #freezeAll()} makes the open ones silent without closing them (a
 * half-open connection: a peer that vanished without a FIN, a NAT that forgot the flow). Plain threads with blocking sockets: never an event loop.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Set<Socket> frozen = ConcurrentHashMap.newKeySet();
    private volatile int[] targets;
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean closed;

    private TcpProxy(int[] targets) {
        this.targets = targets.clone();
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "tcp-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy sending connections to {@code targetPorts} on 127.0.0.1 (round robin when there are several). */
    public static TcpProxy start(int... targetPorts) {
        return new TcpProxy(targetPorts);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Sends the next connections to this port (open ones stay where they are). */
    public void target(int port) {
        targets = new int[] { port };
    }

    /** Sends the next connections to these ports in turn (open ones stay where they are). */
    public void targets(int... ports) {
        targets = ports.clone();
    }

    /** Closes the next connections as soon as they are accepted, until {@link #target(int)} is called. */
    public void refuse() {
        targets = new int[0];
    }

    /** Drops every open connection, client side and server side. */
    public void cutAll() {
        for (Socket socket : open) {
            close(socket);
        }
    }

    /**
     * Stops forwarding on every open connection, both ways, for good: what either side sends is dropped, and a side
     * that closes is not told to the other. New connections are not affected.
     */
    public void freezeAll() {
        frozen.addAll(open);
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            int[] ports = targets;
            if (ports.length == 0) {
                close(client);
                continue;
            }
            int port = ports[Math.floorMod(next.getAndIncrement(), ports.length)];
            Socket upstream = new Socket();
            try {
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
            } catch (IOException e) {
                close(client);
                close(upstream);
                continue;
            }
            open.add(client);
            open.add(upstream);
            pipe(client, upstream);
            pipe(upstream, client);
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            // the streams are not closed here: closing one closes its socket, which a frozen connection must not do
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    if (frozen.contains(from)) {
                        continue;
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away: drop both
            } finally {
                if (frozen.contains(from)) {
                    close(from); // the other side never learns it
                } else {
                    close(from);
                    close(to);
                }
            }
        }, "tcp-proxy-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    private void close(Socket socket) {
        open.remove(socket);
        frozen.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        cutAll();
    }
}
