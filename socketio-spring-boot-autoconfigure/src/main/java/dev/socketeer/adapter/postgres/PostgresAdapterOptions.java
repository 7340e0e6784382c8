package dev.socketeer.adapter.postgres;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Options of the Postgres adapter; the defaults ({@link #defaults()}) equal
 * {@code @socket.io/postgres-adapter}'s.
 *
 * @param channelPrefix prefix of the notification channel of each namespace ({@code <prefix>#<nsp>})
 * @param tableName the table holding the payloads too big or too binary for a notification
 * @param payloadThreshold JSON payloads of this many bytes or more go through the table (Postgres caps
 *     notifications at 8000 bytes)
 * @param cleanupInterval how often rows older than this are deleted from the table
 * @param createTable whether to create the tables when they are missing
 * @param requestsTimeout how long requests to the other servers wait for their answers
 * @param heartbeatInterval how often a silent server says it is alive
 * @param heartbeatTimeout after how long without news a server is considered gone
 * @param eventsTableName the table keeping broadcast events for connection state recovery (its id is the offset)
 * @param sessionsTableName the table keeping the sessions for connection state recovery
 * @param sessionCheckpointInterval how often the sessions of connected sockets whose rooms or data changed are saved
 *     (connection state recovery), so that they survive a crash of their node
 */
public record PostgresAdapterOptions(String channelPrefix, String tableName, int payloadThreshold,
        Duration cleanupInterval, boolean createTable, Duration requestsTimeout, Duration heartbeatInterval,
        Duration heartbeatTimeout, String eventsTableName, String sessionsTableName,
        Duration sessionCheckpointInterval) {

    /** Postgres' identifier limit (NAMEDATALEN - 1), in bytes. */
    public static final int MAX_IDENTIFIER_BYTES = 63;

    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");

    public PostgresAdapterOptions {
        Objects.requireNonNull(channelPrefix, "channelPrefix");
        Objects.requireNonNull(tableName, "tableName");
        checkTableName("attachments", tableName, "socket_io_attachments");
        checkTableName("events", eventsTableName, "socket_io_events");
        checkTableName("sessions", sessionsTableName, "socket_io_sessions");
        Objects.requireNonNull(sessionCheckpointInterval, "sessionCheckpointInterval");
        if (sessionCheckpointInterval.toMillis() < 10) {
            throw new IllegalArgumentException("Postgres session checkpoint interval must be at least 10 ms, got "
                    + sessionCheckpointInterval);
        }
        if (payloadThreshold <= 0 || payloadThreshold > 8000) {
            throw new IllegalArgumentException("Postgres payload threshold must be between 1 and 8000 bytes"
                    + " (the NOTIFY limit), got " + payloadThreshold);
        }
        Objects.requireNonNull(cleanupInterval, "cleanupInterval");
        if (cleanupInterval.isNegative() || cleanupInterval.isZero()) {
            throw new IllegalArgumentException("Postgres cleanup interval must be positive, got " + cleanupInterval);
        }
    }

    /**
     * A quoted name is never needed: table names are plain identifiers, written into statements as they are.
     */
    private static void checkTableName(String role, String name, String example) {
        Objects.requireNonNull(name, role + "TableName");
        if (!TABLE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid Postgres " + role + " table name '" + name
                    + "': use a plain identifier such as " + example + " or schema.table");
        }
    }

    /**
     * {@code socket.io}, {@code socket_io_attachments}, 8000 bytes, 30 s, create the tables, 5 s, 5 s, 10 s,
     * {@code socket_io_events}, {@code socket_io_sessions}, 1 s.
     */
    public static PostgresAdapterOptions defaults() {
        return new PostgresAdapterOptions("socket.io", "socket_io_attachments", 8000, Duration.ofSeconds(30), true,
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10), "socket_io_events",
                "socket_io_sessions", Duration.ofSeconds(1));
    }

    public PostgresAdapterOptions withChannelPrefix(String channelPrefix) {
        return new PostgresAdapterOptions(channelPrefix, tableName, payloadThreshold, cleanupInterval, createTable,
                requestsTimeout, heartbeatInterval, heartbeatTimeout, eventsTableName, sessionsTableName,
                sessionCheckpointInterval);
    }

    public PostgresAdapterOptions withTableName(String tableName) {
        return new PostgresAdapterOptions(channelPrefix, tableName, payloadThreshold, cleanupInterval, createTable,
                requestsTimeout, heartbeatInterval, heartbeatTimeout, eventsTableName, sessionsTableName,
                sessionCheckpointInterval);
    }

    public PostgresAdapterOptions withCleanupInterval(Duration cleanupInterval) {
        return new PostgresAdapterOptions(channelPrefix, tableName, payloadThreshold, cleanupInterval, createTable,
                requestsTimeout, heartbeatInterval, heartbeatTimeout, eventsTableName, sessionsTableName,
                sessionCheckpointInterval);
    }

    public PostgresAdapterOptions withHeartbeat(Duration heartbeatInterval, Duration heartbeatTimeout) {
        return new PostgresAdapterOptions(channelPrefix, tableName, payloadThreshold, cleanupInterval, createTable,
                requestsTimeout, heartbeatInterval, heartbeatTimeout, eventsTableName, sessionsTableName,
                sessionCheckpointInterval);
    }

    public PostgresAdapterOptions withRecoveryTables(String eventsTableName, String sessionsTableName) {
        return new PostgresAdapterOptions(channelPrefix, tableName, payloadThreshold, cleanupInterval, createTable,
                requestsTimeout, heartbeatInterval, heartbeatTimeout, eventsTableName, sessionsTableName,
                sessionCheckpointInterval);
    }

    public PostgresAdapterOptions withSessionCheckpointInterval(Duration sessionCheckpointInterval) {
        return new PostgresAdapterOptions(channelPrefix, tableName, payloadThreshold, cleanupInterval, createTable,
                requestsTimeout, heartbeatInterval, heartbeatTimeout, eventsTableName, sessionsTableName,
                sessionCheckpointInterval);
    }

    /** The channel of a namespace, {@code <prefix>#<nsp>}. */
    public String channel(String namespace) {
        return channelPrefix + "#" + namespace;
    }
}
