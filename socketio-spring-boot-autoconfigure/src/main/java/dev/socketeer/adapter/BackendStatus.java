package dev.socketeer.adapter;

import java.time.Instant;

/**
 * What a cluster adapter or emitter knows of its backend connection right now.
 *
 * @param backend what it connects to, e.g. {@code "redis"} or {@code "postgres"}
 * @param address where, e.g. {@code "127.0.0.1:6379"}
 * @param connected whether it is connected
 * @param since when it became connected or disconnected (when it was created, until the first change)
 * @param lastError why the last connection attempt or connection failed, or {@code null}
 */
public record BackendStatus(String backend, String address, boolean connected, Instant since, String lastError) {

    /** One line for logs and error messages. */
    public String describe() {
        String where = backend + " at " + address;
        if (connected) {
            return where + " is connected since " + since;
        }
        return where + " is unreachable since " + since + (lastError == null ? "" : " (" + lastError + ")");
    }
}
