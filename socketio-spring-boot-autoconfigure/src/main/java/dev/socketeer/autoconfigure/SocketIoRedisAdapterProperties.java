package dev.socketeer.autoconfigure;

import dev.socketeer.adapter.redis.RedisAdapterOptions;
import dev.socketeer.adapter.redis.RedisStreamsOptions;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the Redis adapter, under {@code socketio.adapter.redis.*}; used when
 * {@code socketio.adapter.type=redis}. The Redis connection itself is Spring Boot's
 * ({@code spring.data.redis.*}). Defaults equal {@code @socket.io/redis-adapter}'s.
 */
@ConfigurationProperties("socketio.adapter.redis")
public class SocketIoRedisAdapterProperties {

    /**
     * "classic" (PUBLISH/PSUBSCRIBE, like createAdapter), "sharded" (SPUBLISH/SSUBSCRIBE, Redis 7+, like
     * createShardedAdapter) or "streams" (XADD/XREAD, Redis 6.2+, like @socket.io/redis-streams-adapter; connection
     * state recovery across servers).
     */
    private RedisAdapterOptions.Mode mode = RedisAdapterOptions.Mode.CLASSIC;

    /** Prefix of every Redis channel; servers sharing a cluster must use the same one. */
    private String key = "socket.io";

    /**
     * How long requests to the other servers (fetchSockets, serverSideEmitWithAck, ...) wait for their answers; also
     * how long a connection state recovery waits for the backend while it is down (then the client starts afresh).
     */
    private Duration requestsTimeout = Duration.ofSeconds(5);

    /** The streams mode's options (socketio.adapter.redis.mode=streams). */
    private final Streams streams = new Streams();

    public Streams getStreams() {
        return streams;
    }

    public RedisAdapterOptions.Mode getMode() {
        return mode;
    }

    public void setMode(RedisAdapterOptions.Mode mode) {
        this.mode = mode;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public Duration getRequestsTimeout() {
        return requestsTimeout;
    }

    public void setRequestsTimeout(Duration requestsTimeout) {
        this.requestsTimeout = requestsTimeout;
    }

    RedisAdapterOptions toOptions() {
        return new RedisAdapterOptions(mode, key, requestsTimeout, streams.toOptions());
    }

    /** Options of the streams mode; names and defaults of @socket.io/redis-streams-adapter 0.3. */
    public static class Streams {

        /** Name of the Redis stream (with several streams, the prefix of "<name>-<i>"). */
        private String streamName = "socket.io";

        /** How many streams the namespaces are spread over (by the hash of the namespace name). */
        private int streamCount = 1;

        /** Approximate length each stream is trimmed to (XADD MAXLEN ~); bounds how far back recovery reaches. */
        private long maxLen = 10_000;

        /** How many entries one XREAD returns at most. */
        private int readCount = 100;

        /** How long one XREAD waits for new entries (blockTimeInMs). */
        private Duration blockTime = Duration.ofSeconds(5);

        /** Prefix of the Redis keys holding disconnected sessions for connection state recovery. */
        private String sessionKeyPrefix = "sio:session:";

        /** Whether binary values are written as JSON too instead of base64 MessagePack. */
        private boolean onlyPlaintext = false;

        /** Whether requests and responses use sharded pub/sub (SPUBLISH/SSUBSCRIBE, Redis 7+). */
        private boolean shardedPubSub = false;

        public String getStreamName() {
            return streamName;
        }

        public void setStreamName(String streamName) {
            this.streamName = streamName;
        }

        public int getStreamCount() {
            return streamCount;
        }

        public void setStreamCount(int streamCount) {
            this.streamCount = streamCount;
        }

        public long getMaxLen() {
            return maxLen;
        }

        public void setMaxLen(long maxLen) {
            this.maxLen = maxLen;
        }

        public int getReadCount() {
            return readCount;
        }

        public void setReadCount(int readCount) {
            this.readCount = readCount;
        }

        public Duration getBlockTime() {
            return blockTime;
        }

        public void setBlockTime(Duration blockTime) {
            this.blockTime = blockTime;
        }

        public String getSessionKeyPrefix() {
            return sessionKeyPrefix;
        }

        public void setSessionKeyPrefix(String sessionKeyPrefix) {
            this.sessionKeyPrefix = sessionKeyPrefix;
        }

        public boolean isOnlyPlaintext() {
            return onlyPlaintext;
        }

        public void setOnlyPlaintext(boolean onlyPlaintext) {
            this.onlyPlaintext = onlyPlaintext;
        }

        public boolean isShardedPubSub() {
            return shardedPubSub;
        }

        public void setShardedPubSub(boolean shardedPubSub) {
            this.shardedPubSub = shardedPubSub;
        }

        RedisStreamsOptions toOptions() {
            return new RedisStreamsOptions(streamName, streamCount, maxLen, readCount, blockTime, sessionKeyPrefix,
                    onlyPlaintext, shardedPubSub);
        }
    }
}
