package dev.socketeer.adapter.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of the Redis adapters; the defaults equal {@code @socket.io/redis-adapter}'s (and
 * {@code @socket.io/redis-streams-adapter}'s for the streams mode).
 *
 * @param mode classic pub/sub ({@code createAdapter}), sharded pub/sub ({@code createShardedAdapter}) or
 *     Redis Streams ({@code @socket.io/redis-streams-adapter})
 * @param key the prefix of every channel ({@code key} / {@code channelPrefix} in Node)
 * @param requestsTimeout how long requests to the other servers wait for their answers
 * @param streams the options of the streams mode (ignored by the others)
 */
public record RedisAdapterOptions(Mode mode, String key, Duration requestsTimeout, RedisStreamsOptions streams) {

    /** Classic mode, key {@code socket.io}, requests timeout 5 s. */
    public static final RedisAdapterOptions DEFAULTS = new RedisAdapterOptions(Mode.CLASSIC, "socket.io",
            Duration.ofSeconds(5));

    public RedisAdapterOptions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(requestsTimeout, "requestsTimeout");
        Objects.requireNonNull(streams, "streams");
    }

    /** With the streams mode's defaults. */
    public RedisAdapterOptions(Mode mode, String key, Duration requestsTimeout) {
        this(mode, key, requestsTimeout, RedisStreamsOptions.DEFAULTS);
    }

    public RedisAdapterOptions withMode(Mode mode) {
        return new RedisAdapterOptions(mode, key, requestsTimeout, streams);
    }

    public RedisAdapterOptions withKey(String key) {
        return new RedisAdapterOptions(mode, key, requestsTimeout, streams);
    }

    public RedisAdapterOptions withRequestsTimeout(Duration requestsTimeout) {
        return new RedisAdapterOptions(mode, key, requestsTimeout, streams);
    }

    public RedisAdapterOptions withStreams(RedisStreamsOptions streams) {
        return new RedisAdapterOptions(mode, key, requestsTimeout, streams);
    }

    /** How servers talk through Redis. */
    public enum Mode {
        /** {@code PUBLISH}/{@code PSUBSCRIBE}, as {@code createAdapter}; works with {@code @socket.io/redis-emitter}. */
        CLASSIC,
        /** {@code SPUBLISH}/{@code SSUBSCRIBE} (Redis 7+), one channel per public room, as {@code createShardedAdapter}. */
        SHARDED,
        /**
         * Broadcasts and room operations appended to Redis streams ({@code XADD}/{@code XREAD}), requests over
         * pub/sub, as {@code @socket.io/redis-streams-adapter} 0.3; keeps connection state recovery working
         * across servers (Redis 6.2+).
         */
        STREAMS
    }
}
