package dev.socketeer.server;

/**
 * Told that a socket is disconnecting or disconnected, with the reference server's reason:
 * {@code "client namespace disconnect"}, {@code "server namespace disconnect"},
 * {@code "server shutting down"}, {@code "forced server close"}, {@code "transport close"},
 * {@code "transport error"}, {@code "ping timeout"}, {@code "parse error"}, {@code "forced close"}, and
 * {@code "slow client"} (not in the reference server: the client fell further behind than
 * {@code socketio.backpressure.*} allows).
 */
@FunctionalInterface
public interface DisconnectListener {

    void onDisconnect(Socket socket, String reason);
}
