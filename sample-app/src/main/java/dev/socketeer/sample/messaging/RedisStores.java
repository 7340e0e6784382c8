package dev.socketeer.sample.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stores of a cluster, in the guide's Redis layout so that every node (Java or Node) reads the same data: one
 * hash per session ({@code session:<sessionID>}: {@code userID}, {@code username}, {@code connected}) and one list
 * per user ({@code messages:<userID>}: JSON messages, for both parties), each expiring a day after its last change.
 * Spring Data Redis' reactive template: nothing blocks an event loop.
 *
 * <p>One catch: the template's shared connection is opened by a blocking call the first time it is used (and again
 * after Redis was lost), on whatever thread uses it. Each operation is therefore subscribed on a bounded-elastic
 * thread ({@link #offLoop}), never on the event loop that runs the handler; once connected, the commands themselves
 * are asynchronous.
 */
final class RedisStores {

    static final Duration TTL = Duration.ofDays(1);

    private RedisStores() {
    }

    static <T> Mono<T> offLoop(Mono<T> operation) {
        return operation.subscribeOn(Schedulers.boundedElastic());
    }

    static <T> Flux<T> offLoop(Flux<T> operation) {
        return operation.subscribeOn(Schedulers.boundedElastic());
    }

    static final class Sessions implements SessionStore {

        private final ReactiveStringRedisTemplate redis;

        Sessions(ReactiveStringRedisTemplate redis) {
            this.redis = redis;
        }

        @Override
        public Mono<ChatSession> findSession(String sessionID) {
            return offLoop(redis.<String, String>opsForHash().multiGet("session:" + sessionID,
                            List.of("userID", "username", "connected")))
                    .filter(values -> values.get(0) != null && values.get(1) != null)
                    .map(values -> new ChatSession(sessionID, values.get(0), values.get(1),
                            "true".equals(values.get(2))));
        }

        @Override
        public Mono<Void> saveSession(ChatSession session) {
            String key = "session:" + session.sessionID();
            return offLoop(redis.<String, String>opsForHash().putAll(key, Map.of("userID", session.userID(),
                            "username", session.username(), "connected", Boolean.toString(session.connected())))
                    .then(redis.expire(key, TTL)).then());
        }

        @Override
        public Flux<ChatSession> findAllSessions() {
            return offLoop(redis.scan(ScanOptions.scanOptions().match("session:*").count(100).build()))
                    .distinct()
                    .flatMap(key -> findSession(key.substring("session:".length())));
        }
    }

    static final class Messages implements MessageStore {

        private final ReactiveStringRedisTemplate redis;
        private final JsonMapper json;

        Messages(ReactiveStringRedisTemplate redis, JsonMapper json) {
            this.redis = redis;
            this.json = json;
        }

        @Override
        public Mono<Void> saveMessage(PrivateMessage message) {
            String value = json.writeValueAsString(message);
            return offLoop(Flux.just("messages:" + message.from(), "messages:" + message.to())
                    .concatMap(key -> redis.opsForList().rightPush(key, value).then(redis.expire(key, TTL)))
                    .then());
        }

        @Override
        public Flux<PrivateMessage> findMessagesForUser(String userID) {
            return offLoop(redis.opsForList().range("messages:" + userID, 0, -1))
                    .map(value -> json.readValue(value, PrivateMessage.class));
        }
    }
}
