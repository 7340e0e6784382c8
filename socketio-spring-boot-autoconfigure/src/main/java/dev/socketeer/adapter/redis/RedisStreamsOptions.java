package dev.socketeer.adapter.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of the Redis Streams mode, with {@code @socket.io/redis-streams-adapter} 0.3's names and
 * defaults. The channel prefix of its requests is {@link RedisAdapterOptions#key()}.
 *
 * @param streamName the stream ({@code streamName}); with several streams, {@code <streamName>-<i>}
 * @param streamCount how many streams the namespaces are spread over ({@code streamCount}), by the
 *     Java hash code of the namespace name, so that each namespace keeps its order
 * @param maxLen the approximate length each stream is trimmed to on every {@code XADD} ({@code maxLen})
 * @param readCount how many entries one {@code XREAD} returns at most ({@code readCount})
 * @param blockTime how long one {@code XREAD} waits for new entries ({@code blockTimeInMs})
 * @param sessionKeyPrefix the prefix of the keys holding disconnected sessions ({@code sessionKeyPrefix})
 * @param onlyPlaintext whether binary values are written as JSON too, never as base64 MessagePack ({@code onlyPlaintext})
 * @param shardedPubSub whether requests and responses use {@code SPUBLISH}/{@code SSUBSCRIBE} ({@code useShardedPubSub})
 */
public record RedisStreamsOptions(String streamName, int streamCount, long maxLen, int readCount, Duration blockTime,
        String sessionKeyPrefix, boolean onlyPlaintext, boolean shardedPubSub) {

    /** The reference's defaults: {@code socket.io}, 1 stream, 10,000 entries, 100 per read, 5 s, {@code sio:session:}. */
    public static final RedisStreamsOptions DEFAULTS = new RedisStreamsOptions("socket.io", 1, 10_000, 100,
            Duration.ofSeconds(5), "sio:session:", false, false);

    public RedisStreamsOptions {
        Objects.requireNonNull(streamName, "streamName");
        Objects.requireNonNull(blockTime, "blockTime");
        Objects.requireNonNull(sessionKeyPrefix, "sessionKeyPrefix");
        if (streamCount < 1) {
            throw new IllegalArgumentException("streamCount must be at least 1, got " + streamCount);
        }
        if (maxLen < 1 || readCount < 1) {
            throw new IllegalArgumentException("maxLen and readCount must be positive, got " + maxLen + " and " + readCount);
        }
        if (blockTime.isNegative()) {
            throw new IllegalArgumentException("blockTime must not be negative, got " + blockTime);
        }
    }

    /** The stream a namespace's messages go to: the only one, or {@code <streamName>-<hashCode(nsp) % streamCount>}. */
    public String streamOf(String namespace) {
        if (streamCount == 1) {
            return streamName;
        }
        // JavaScript's % keeps the sign, as Java's does: a negative hash gives "socket.io--1" as in the reference
        // (whose readers only poll 0..n-1; this server reads the stream of each namespace it serves)
        return streamName + "-" + (namespace.hashCode() % streamCount);
    }
}
