package dev.socketeer.sample.chat;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.reactivestreams.Publisher;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * The last messages of the lobby, replayed to whoever joins: in memory on a single node, in Redis or PostgreSQL when
 * the nodes share one (profiles {@code redis} and {@code postgres}), so that every node replays the same history.
 * Non-blocking either way.
 */
interface ChatHistory {

    Mono<Void> add(ChatMessage message);

    Mono<List<ChatMessage>> last();

    /** One node's history. */
    final class InMemory implements ChatHistory {

        private final int size;
        private final Deque<ChatMessage> messages = new ArrayDeque<>();

        InMemory(int size) {
            this.size = size;
        }

        @Override
        public Mono<Void> add(ChatMessage message) {
            synchronized (messages) {
                messages.addLast(message);
                if (messages.size() > size) {
                    messages.removeFirst();
                }
            }
            return Mono.empty();
        }

        @Override
        public Mono<List<ChatMessage>> last() {
            synchronized (messages) {
                return Mono.just(List.copyOf(messages));
            }
        }
    }

    /**
     * A Redis list ({@code chat:history}, JSON messages, trimmed to the last {@code size}) shared by every node.
     * Subscribed on a bounded-elastic thread: the template opens its shared connection with a blocking call the first
     * time it is used, which must not happen on an event loop.
     */
    final class InRedis implements ChatHistory {

        static final String KEY = "chat:history";

        private final ReactiveStringRedisTemplate redis;
        private final JsonMapper json;
        private final int size;

        InRedis(ReactiveStringRedisTemplate redis, JsonMapper json, int size) {
            this.redis = redis;
            this.json = json;
            this.size = size;
        }

        @Override
        public Mono<Void> add(ChatMessage message) {
            return redis.opsForList().rightPush(KEY, json.writeValueAsString(message))
                    .then(redis.opsForList().trim(KEY, -size, -1))
                    .then()
                    .subscribeOn(Schedulers.boundedElastic());
        }

        @Override
        public Mono<List<ChatMessage>> last() {
            return redis.opsForList().range(KEY, 0, -1)
                    .map(text -> json.readValue(text, ChatMessage.class))
                    .collectList()
                    .subscribeOn(Schedulers.boundedElastic());
        }
    }

    /**
     * A PostgreSQL table ({@code chat_history}: an increasing id and the JSON message), trimmed to the last
     * {@code size} rows, on the database the Postgres adapter uses. Messages are written in the order they were added,
     * in the background, a batch at a time on one connection of the reactive driver (no pool: one connection at a
     * time is all a sample's chat needs); a failed batch is logged and dropped.
     */
    final class InPostgres implements ChatHistory {

        static final String TABLE = "chat_history";
        private static final Log LOG = LogFactory.getLog(InPostgres.class);

        private final ConnectionFactory connections;
        private final JsonMapper json;
        private final int size;
        private final Mono<Void> table;
        private final Queue<String> pending = new ConcurrentLinkedQueue<>();
        private final AtomicInteger queued = new AtomicInteger();
        private volatile boolean created;

        InPostgres(ConnectionFactory connections, JsonMapper json, int size) {
            this.connections = connections;
            this.json = json;
            this.size = size;
            // created once, on first use; tried again after a failure (the database was down)
            Mono<Void> create = run("CREATE TABLE IF NOT EXISTS " + TABLE
                    + " (id BIGSERIAL PRIMARY KEY, message TEXT NOT NULL)").then().doOnSuccess(done -> created = true);
            this.table = Mono.defer(() -> created ? Mono.empty() : create);
        }

        private <T> Flux<T> with(Function<Connection, Publisher<T>> work) {
            return Flux.usingWhen(connections.create(), work, Connection::close);
        }

        private Flux<Long> run(String sql) {
            return with(connection -> Flux.from(connection.createStatement(sql).execute())
                    .flatMap(Result::getRowsUpdated));
        }

        @Override
        public Mono<Void> add(ChatMessage message) {
            pending.add(json.writeValueAsString(message));
            if (queued.getAndIncrement() == 0) {
                writeBatch();
            }
            return Mono.empty();
        }

        /** Writes what is queued (up to {@code size} messages) in one INSERT, trims, then goes on if more came. */
        private void writeBatch() {
            List<String> batch = new ArrayList<>();
            for (String text; batch.size() < size && (text = pending.poll()) != null; ) {
                batch.add(text);
            }
            StringBuilder insert = new StringBuilder("INSERT INTO " + TABLE + " (message) VALUES ");
            for (int i = 1; i <= batch.size(); i++) {
                insert.append(i > 1 ? ", " : "").append("($").append(i).append(')');
            }
            table.thenMany(with(connection -> {
                Statement statement = connection.createStatement(insert.toString());
                for (int i = 0; i < batch.size(); i++) {
                    statement.bind(i, batch.get(i));
                }
                return Flux.from(statement.execute()).flatMap(Result::getRowsUpdated)
                        .thenMany(Flux.from(connection.createStatement("DELETE FROM " + TABLE + " WHERE id <= (SELECT"
                                + " id FROM " + TABLE + " ORDER BY id DESC OFFSET " + size + " LIMIT 1)").execute()))
                        .flatMap(Result::getRowsUpdated);
            }))
                    .then()
                    .doOnError(error -> LOG.warn("chat history: " + batch.size() + " message(s) not saved: " + error))
                    .onErrorComplete()
                    .doFinally(signal -> {
                        if (queued.addAndGet(-batch.size()) != 0) {
                            writeBatch();
                        }
                    })
                    .subscribe();
        }

        @Override
        public Mono<List<ChatMessage>> last() {
            return table.thenMany(with(connection -> Flux.from(connection.createStatement(
                            "SELECT message FROM " + TABLE + " ORDER BY id DESC LIMIT " + size).execute())
                    .flatMap(result -> result.map((row, metadata) -> row.get("message", String.class)))))
                    .map(text -> json.readValue(text, ChatMessage.class))
                    .collectList()
                    .map(newestFirst -> {
                        List<ChatMessage> oldestFirst = new ArrayList<>(newestFirst);
                        Collections.reverse(oldestFirst);
                        return List.copyOf(oldestFirst);
                    });
        }
    }
}
