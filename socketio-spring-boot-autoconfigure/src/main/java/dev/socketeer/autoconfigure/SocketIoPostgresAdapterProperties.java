package dev.socketeer.autoconfigure;

import dev.socketeer.adapter.postgres.PostgresAdapterOptions;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the Postgres adapter and emitter, under {@code socketio.adapter.postgres.*}; the
 * adapter is used when {@code socketio.adapter.type=postgres}. The connection defaults to the
 * application's own ({@code spring.r2dbc.*}, else {@code spring.datasource.*}); the connection
 * properties here override it. Other defaults equal {@code @socket.io/postgres-adapter}'s.
 */
@ConfigurationProperties("socketio.adapter.postgres")
public class SocketIoPostgresAdapterProperties {

    /** Connection URL (r2dbc:postgresql://, jdbc:postgresql:// or postgres://); defaults to spring.r2dbc.url, then spring.datasource.url. */
    private String url;

    /** Host of the Postgres server; overrides the one of the URL. */
    private String host;

    /** Port of the Postgres server; overrides the one of the URL. */
    private Integer port;

    /** Database name; overrides the one of the URL. */
    private String database;

    /** Login user; defaults to spring.r2dbc.username, then spring.datasource.username. */
    private String username;

    /** Login password; defaults to spring.r2dbc.password, then spring.datasource.password. */
    private String password;

    /** Prefix of the notification channel of each namespace ("<prefix>#<nsp>"); servers sharing a cluster must use the same one. */
    private String channelPrefix = "socket.io";

    /** Table holding the payloads too big or too binary for a notification. */
    private String tableName = "socket_io_attachments";

    /** Messages whose JSON reaches this size go through the attachments table (at most 8000 bytes, Postgres' NOTIFY limit). */
    private DataSize payloadThreshold = DataSize.ofBytes(8000);

    /** How often attachments older than this are deleted. */
    private Duration cleanupInterval = Duration.ofSeconds(30);

    /** Whether to create the attachments table (and, with connection state recovery, the events and sessions tables) when missing. */
    private boolean createTable = true;

    /**
     * How long requests to the other servers (fetchSockets, serverSideEmitWithAck, ...) wait for their answers; also
     * how long a connection state recovery waits for the backend while it is down (then the client starts afresh).
     */
    private Duration requestsTimeout = Duration.ofSeconds(5);

    /** How often a server that published nothing says it is alive. */
    private Duration heartbeatInterval = Duration.ofSeconds(5);

    /** After how long without news a server is considered gone. */
    private Duration heartbeatTimeout = Duration.ofSeconds(10);

    /** Table keeping the broadcast events for connection state recovery (its id is the offset clients send back). */
    private String eventsTableName = "socket_io_events";

    /** Table keeping the sessions of disconnected sockets for connection state recovery. */
    private String sessionsTableName = "socket_io_sessions";

    /** With connection state recovery: how often the sessions of connected sockets whose rooms or data changed are saved, so that they survive a crash of their node. */
    private Duration sessionCheckpointInterval = Duration.ofSeconds(1);

    /** Whether to provide a PostgresEmitter bean even when the adapter type is not postgres. */
    private boolean emitterEnabled = false;

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public String getDatabase() {
        return database;
    }

    public void setDatabase(String database) {
        this.database = database;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getChannelPrefix() {
        return channelPrefix;
    }

    public void setChannelPrefix(String channelPrefix) {
        this.channelPrefix = channelPrefix;
    }

    public String getTableName() {
        return tableName;
    }

    public void setTableName(String tableName) {
        this.tableName = tableName;
    }

    public DataSize getPayloadThreshold() {
        return payloadThreshold;
    }

    public void setPayloadThreshold(DataSize payloadThreshold) {
        this.payloadThreshold = payloadThreshold;
    }

    public Duration getCleanupInterval() {
        return cleanupInterval;
    }

    public void setCleanupInterval(Duration cleanupInterval) {
        this.cleanupInterval = cleanupInterval;
    }

    public boolean isCreateTable() {
        return createTable;
    }

    public void setCreateTable(boolean createTable) {
        this.createTable = createTable;
    }

    public Duration getRequestsTimeout() {
        return requestsTimeout;
    }

    public void setRequestsTimeout(Duration requestsTimeout) {
        this.requestsTimeout = requestsTimeout;
    }

    public Duration getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    public Duration getHeartbeatTimeout() {
        return heartbeatTimeout;
    }

    public void setHeartbeatTimeout(Duration heartbeatTimeout) {
        this.heartbeatTimeout = heartbeatTimeout;
    }

    public boolean isEmitterEnabled() {
        return emitterEnabled;
    }

    public void setEmitterEnabled(boolean emitterEnabled) {
        this.emitterEnabled = emitterEnabled;
    }

    public String getEventsTableName() {
        return eventsTableName;
    }

    public void setEventsTableName(String eventsTableName) {
        this.eventsTableName = eventsTableName;
    }

    public String getSessionsTableName() {
        return sessionsTableName;
    }

    public void setSessionsTableName(String sessionsTableName) {
        this.sessionsTableName = sessionsTableName;
    }

    public Duration getSessionCheckpointInterval() {
        return sessionCheckpointInterval;
    }

    public void setSessionCheckpointInterval(Duration sessionCheckpointInterval) {
        this.sessionCheckpointInterval = sessionCheckpointInterval;
    }

    PostgresAdapterOptions toOptions() {
        return new PostgresAdapterOptions(channelPrefix, tableName, Math.toIntExact(payloadThreshold.toBytes()),
                cleanupInterval, createTable, requestsTimeout, heartbeatInterval, heartbeatTimeout, eventsTableName,
                sessionsTableName, sessionCheckpointInterval);
    }
}
