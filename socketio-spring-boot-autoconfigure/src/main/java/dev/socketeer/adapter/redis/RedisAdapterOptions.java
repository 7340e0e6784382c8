package dev.socketeer.adapter.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of the Redis adapters; the defaults equal {@code @socket.io/redis-adapter}'s.
 *
 * @param mode classic pub/sub ({@code createAdapter}) or sharded pub/sub ({@code createShardedAdapter})
 * @param key the prefix of every channel ({@code key} / {@code channelPrefix} in Node)
 * @param requestsTimeout how long requests to the other servers wait for their answers
 */
public record RedisAdapterOptions(Mode mode, String key, Duration requestsTimeout) {

    /** Classic mode, key {@code socket.io}, requests timeout 5 s. */
    public static final RedisAdapterOptions DEFAULTS = new RedisAdapterOptions(Mode.CLASSIC, "socket.io",
            Duration.ofSeconds(5));

    public RedisAdapterOptions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(requestsTimeout, "requestsTimeout");
    }

    public RedisAdapterOptions withMode(Mode mode) {
        return new RedisAdapterOptions(mode, key, requestsTimeout);
    }

    public RedisAdapterOptions withKey(String key) {
        return new RedisAdapterOptions(mode, key, requestsTimeout);
    }

    public RedisAdapterOptions withRequestsTimeout(Duration requestsTimeout) {
        return new RedisAdapterOptions(mode, key, requestsTimeout);
    }

    /** How servers talk through Redis. */
    public enum Mode {
        /** {@code PUBLISH}/{@code PSUBSCRIBE}, as {@code createAdapter}; works with {@code @socket.io/redis-emitter}. */
        CLASSIC,
        /** {@code SPUBLISH}/{@code SSUBSCRIBE} (Redis 7+), one channel per public room, as {@code createShardedAdapter}. */
        SHARDED
    }
}
