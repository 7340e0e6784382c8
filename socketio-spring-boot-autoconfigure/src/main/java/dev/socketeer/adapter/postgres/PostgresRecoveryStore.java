package dev.socketeer.adapter.postgres;

import dev.socketeer.adapter.BroadcastOptions;
import dev.socketeer.adapter.cluster.BackendState;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The tables of connection state recovery on Postgres, which the Node adapter does not have: broadcast events
 * ({@code <events table>}, whose {@code bigserial} id is the offset appended to each event) and disconnected
 * sessions ({@code <sessions table>}, expiring after the disconnection window). One instance per adapter factory,
 * shared by its namespaces, on the factory's publishing connection.
 *
 * <p>Offsets must grow in the order clients receive events, or a replay "after offset N" would skip or repeat
 * some: an event is inserted and notified by one statement that first takes a transaction-scoped advisory lock,
 * so ids are assigned, committed and notified (Postgres delivers notifications in commit order) in one order
 * across every node.
 */
final class PostgresRecoveryStore {

    /** The events one replay may send at most; a session that missed more starts afresh. */
    static final int MAX_REPLAY = 10_000;
    /** Room for {@code ,"offset":"<19 digits>"} in a notification. */
    private static final int OFFSET_FIELD_BYTES = 32;

    private final PostgresPubSub pubSub;
    private final PostgresAdapterOptions options;
    private final BackendState state;
    private volatile Duration retention;

    PostgresRecoveryStore(PostgresPubSub pubSub, PostgresAdapterOptions options) {
        this.pubSub = pubSub;
        this.options = options;
        this.state = pubSub.state();
        state.onUp(() -> {
            if (retention != null) {
                createTables();
            }
        });
    }

    /**
     * Turns the store on (the first namespace with recovery does): creates the tables when allowed, now and each
     * time the connection comes back, and cleans them up at each cleanup interval: events older than
     * {@code window} plus one cleanup interval, sessions past their expiry.
     */
    synchronized void enable(Duration window) {
        if (retention != null) {
            return;
        }
        retention = window.plus(options.cleanupInterval());
        pubSub.addCleanup(this::deleteExpired);
        createTables();
    }

    private CompletableFuture<Void> createTables() {
        PostgresqlConnection connection = pubSub.commandConnection();
        if (!options.createTable() || connection == null) {
            return CompletableFuture.completedFuture(null);
        }
        String events = options.eventsTableName();
        String sessions = options.sessionsTableName();
        // several nodes may race to create them; one wins, the others see them exist
        return pubSub.queued(() -> Mono.when(
                        PostgresPubSub.execute(connection, "CREATE TABLE IF NOT EXISTS " + events
                                + " (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(),"
                                + " nsp text NOT NULL, rooms text[] NOT NULL, except_rooms text[] NOT NULL,"
                                + " payload bytea NOT NULL)").onErrorResume(error -> Mono.empty())
                                .then(PostgresPubSub.execute(connection, "CREATE INDEX IF NOT EXISTS "
                                        + unqualified(events) + "_created_at ON " + events + " (created_at)")
                                        .onErrorResume(error -> Mono.empty())),
                        // expires_at is null while the socket is connected (a checkpoint), owner the adapter uid
                        PostgresPubSub.execute(connection, "CREATE TABLE IF NOT EXISTS " + sessions
                                + " (pid text PRIMARY KEY, nsp text NOT NULL, sid text NOT NULL, state bytea NOT NULL,"
                                + " expires_at timestamptz, owner text NOT NULL)").onErrorResume(error -> Mono.empty())));
    }

    private static String unqualified(String table) {
        return table.substring(table.lastIndexOf('.') + 1);
    }

    private Mono<Void> deleteExpired() {
        PostgresqlConnection connection = pubSub.commandConnection();
        Duration keep = retention;
        if (connection == null || keep == null) {
            return Mono.empty();
        }
        return PostgresPubSub.execute(connection, "DELETE FROM " + options.eventsTableName()
                        + " WHERE created_at < now() - interval '" + keep.toMillis() + " milliseconds'")
                .onErrorResume(error -> Mono.empty())
                .then(PostgresPubSub.execute(connection, "DELETE FROM " + options.sessionsTableName()
                        + " WHERE expires_at < now()"));
    }

    /** Deletes expired events and sessions now (it also happens at each cleanup interval). */
    CompletableFuture<Void> cleanUp() {
        return pubSub.queued(this::deleteExpired);
    }

    /** Runs a statement on the publishing connection, in its queue; fails at once while it is down. */
    private <T> CompletableFuture<T> statement(String operation,
            java.util.function.Function<PostgresqlConnection, Mono<T>> statement) {
        if (pubSub.commandConnection() == null) {
            return CompletableFuture.failedFuture(state.unavailable(operation, null));
        }
        return pubSub.queued(() -> {
            PostgresqlConnection connection = pubSub.commandConnection();
            return connection == null ? Mono.error(state.unavailable(operation, null)) : statement.apply(connection);
        });
    }

    /**
     * Stores an event broadcast and notifies it on its namespace's channel in one statement, as the Node adapter
     * would notify it (the same JSON, or an attachment row and its header when binary or too big) plus an
     * {@code offset} field Node servers ignore. Completes with the event's id.
     *
     * @param json the message's JSON, as the adapter would notify it without recovery
     * @param msgPack the message as MessagePack (stored for the replay, and as the attachment when needed)
     */
    CompletableFuture<Long> publishEvent(String channel, String nsp, BroadcastOptions broadcast, byte[] json,
            byte[] msgPack, boolean binary, String uid, int type) {
        return statement("publish", connection -> {
            String payload = "decode('" + Base64.getEncoder().encodeToString(msgPack) + "', 'base64')";
            StringBuilder sql = new StringBuilder("WITH l AS (SELECT pg_advisory_xact_lock(hashtext(")
                    .append(PostgresPubSub.literal(options.eventsTableName())).append("))), ");
            String notification;
            if (binary || json.length + OFFSET_FIELD_BYTES >= options.payloadThreshold()) {
                sql.append("a AS (INSERT INTO ").append(options.tableName()).append(" (payload) SELECT ")
                        .append(payload).append(" FROM l RETURNING id), ");
                String header = "{\"uid\":" + jsonString(uid) + ",\"type\":" + type + ",\"attachmentId\":\"";
                notification = PostgresPubSub.literal(header) + " || a.id || '\",\"offset\":\"' || e.id || '\"}'";
            } else {
                String text = new String(json, StandardCharsets.UTF_8);
                String open = text.substring(0, text.lastIndexOf('}')) + ",\"offset\":\"";
                notification = PostgresPubSub.literal(open) + " || e.id || '\"}'";
            }
            sql.append("e AS (INSERT INTO ").append(options.eventsTableName())
                    .append(" (nsp, rooms, except_rooms, payload) SELECT ").append(PostgresPubSub.literal(nsp))
                    .append(", ").append(textArray(broadcast.rooms())).append(", ")
                    .append(textArray(broadcast.except())).append(", ").append(payload)
                    .append(" FROM l RETURNING id) SELECT e.id, pg_notify(").append(PostgresPubSub.literal(channel))
                    .append(", ").append(notification).append(") FROM ")
                    .append(notification.contains("a.id") ? "a, e" : "e");
            return connection.createStatement(sql.toString()).execute()
                    .flatMap(result -> result.map((row, metadata) -> row.get(0, Long.class)))
                    .next();
        });
    }

    /** The highest event id, {@code 0} when there is none. */
    CompletableFuture<Long> lastEventId() {
        return statement("lastEventId", connection -> connection
                .createStatement("SELECT coalesce(max(id), 0) FROM " + options.eventsTableName())
                .execute()
                .flatMap(result -> result.map((row, metadata) -> row.get(0, Long.class)))
                .next()
                );
    }

    /**
     * Saves the session of a socket that disconnected, expiring {@code ttl} from now on the database's clock. It
     * replaces this owner's row (the socket's checkpoint), never another owner's: when another node restored the
     * session meanwhile (the client came back there before this node noticed the old connection dead), the row is
     * that node's now.
     */
    CompletableFuture<Void> saveSession(String pid, String nsp, String sid, byte[] session, Duration ttl,
            String owner) {
        String table = options.sessionsTableName();
        return statement("saveSession", connection -> PostgresPubSub.execute(connection,
                "INSERT INTO " + table + " (pid, nsp, sid, state, expires_at, owner) VALUES ("
                        + PostgresPubSub.literal(pid) + ", " + PostgresPubSub.literal(nsp) + ", "
                        + PostgresPubSub.literal(sid) + ", " + bytea(session) + ", now() + interval '"
                        + ttl.toMillis() + " milliseconds', " + PostgresPubSub.literal(owner) + ")"
                        + " ON CONFLICT (pid) DO UPDATE SET nsp = EXCLUDED.nsp, sid = EXCLUDED.sid,"
                        + " state = EXCLUDED.state, expires_at = EXCLUDED.expires_at"
                        + " WHERE " + table + ".owner = EXCLUDED.owner"));
    }

    /** The session of a connected socket, as a checkpoint saves it. */
    record LiveSession(String pid, String sid, byte[] state, boolean first) {
    }

    /**
     * Saves the sessions of connected sockets (no expiry: they are live), in one statement per kind: a socket's
     * first checkpoint on this node takes the row whoever had it (a restored session), later ones only replace
     * this owner's row (live again if a peer had taken this node for crashed).
     */
    CompletableFuture<Void> checkpoint(String nsp, String owner, List<LiveSession> sessions) {
        if (sessions.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        String table = options.sessionsTableName();
        return statement("checkpoint", connection -> {
            Mono<Void> done = Mono.empty();
            for (boolean first : new boolean[] { true, false }) {
                StringBuilder values = new StringBuilder();
                for (LiveSession session : sessions) {
                    if (session.first() != first) {
                        continue;
                    }
                    values.append(values.length() == 0 ? "" : ", ").append('(')
                            .append(PostgresPubSub.literal(session.pid())).append(", ")
                            .append(PostgresPubSub.literal(nsp)).append(", ")
                            .append(PostgresPubSub.literal(session.sid())).append(", ").append(bytea(session.state()))
                            .append(", NULL::timestamptz, ").append(PostgresPubSub.literal(owner)).append(')');
                }
                if (values.length() > 0) {
                    done = done.then(PostgresPubSub.execute(connection, "INSERT INTO " + table
                            + " (pid, nsp, sid, state, expires_at, owner) VALUES " + values
                            + " ON CONFLICT (pid) DO UPDATE SET nsp = EXCLUDED.nsp, sid = EXCLUDED.sid,"
                            + " state = EXCLUDED.state, expires_at = NULL, owner = EXCLUDED.owner"
                            + (first ? "" : " WHERE " + table + ".owner = EXCLUDED.owner")));
                }
            }
            return done;
        });
    }

    /** Deletes this owner's live row of a socket that left for good (a disconnection not to recover from). */
    CompletableFuture<Void> deleteLiveSession(String pid, String owner) {
        return statement("deleteSession", connection -> PostgresPubSub.execute(connection,
                "DELETE FROM " + options.sessionsTableName() + " WHERE pid = " + PostgresPubSub.literal(pid)
                        + " AND owner = " + PostgresPubSub.literal(owner)));
    }

    /**
     * Starts the expiry of the live sessions of a namespace whose owner is none of {@code alive}: their node is gone
     * without saying so (a crash), and they are kept for {@code ttl} from now.
     */
    CompletableFuture<Void> expireOrphans(String nsp, Collection<String> alive, Duration ttl) {
        return statement("expireOrphans", connection -> PostgresPubSub.execute(connection,
                "UPDATE " + options.sessionsTableName() + " SET expires_at = now() + interval '" + ttl.toMillis()
                        + " milliseconds' WHERE nsp = " + PostgresPubSub.literal(nsp)
                        + " AND expires_at IS NULL AND NOT (owner = ANY(" + textArray(alive) + "))"));
    }

    /** A session taken from the table: what it held, and whether its socket was still live somewhere. */
    record TakenSession(byte[] state, boolean live, String owner) {
    }

    /**
     * Takes a session: deletes it and returns what it held, when it exists for this pid, belongs to this namespace
     * and has not expired (a live one, whose node may have crashed or not noticed the client gone, included). One
     * statement: two nodes presented the same pid cannot both get it.
     */
    CompletableFuture<Optional<TakenSession>> takeSession(String pid, String nsp) {
        return statement("restoreSession", connection -> connection
                .createStatement("DELETE FROM " + options.sessionsTableName() + " WHERE pid = "
                        + PostgresPubSub.literal(pid) + " AND nsp = " + PostgresPubSub.literal(nsp)
                        + " AND (expires_at IS NULL OR expires_at > now()) RETURNING state, expires_at IS NULL, owner")
                .execute()
                .flatMap(result -> result.map((row, metadata) -> new TakenSession(bytes(row.get(0, ByteBuffer.class)),
                        Boolean.TRUE.equals(row.get(1, Boolean.class)), row.get(2, String.class))))
                .next()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                );
    }

    private static String bytea(byte[] bytes) {
        return "decode('" + Base64.getEncoder().encodeToString(bytes) + "', 'base64')";
    }

    /** A stored event: its id and its message as MessagePack. */
    record StoredEvent(long id, byte[] message) {
    }

    /**
     * The events of a namespace after {@code after} that a socket in {@code rooms} would have received, in id order,
     * at most {@link #MAX_REPLAY} + 1 (one more tells the caller there were too many).
     */
    CompletableFuture<List<StoredEvent>> eventsAfter(String nsp, long after, Collection<String> rooms) {
        String sessionRooms = textArray(rooms);
        return statement("restoreSession", connection -> connection
                .createStatement("SELECT id, payload FROM " + options.eventsTableName() + " WHERE nsp = "
                        + PostgresPubSub.literal(nsp) + " AND id > " + after
                        + " AND (cardinality(rooms) = 0 OR rooms && " + sessionRooms + ")"
                        + " AND NOT (except_rooms && " + sessionRooms + ") ORDER BY id LIMIT " + (MAX_REPLAY + 1))
                .execute()
                .flatMap(result -> result.map((row, metadata) -> new StoredEvent(row.get(0, Long.class),
                        bytes(row.get(1, ByteBuffer.class)))))
                .collectList()
                );
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static String textArray(Collection<String> values) {
        if (values.isEmpty()) {
            return "'{}'::text[]";
        }
        StringBuilder out = new StringBuilder("ARRAY[");
        for (String value : values) {
            if (out.length() > 6) {
                out.append(',');
            }
            out.append(PostgresPubSub.literal(value));
        }
        return out.append("]::text[]").toString();
    }

    private static String jsonString(String value) {
        return JsonNodeFactory.instance.stringNode(value).toString();
    }
}
