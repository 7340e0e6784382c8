package dev.socketeer.autoconfigure;

import dev.socketeer.adapter.redis.RedisAdapterOptions;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the Redis adapter, under {@code socketio.adapter.redis.*}; used when
 * {@code socketio.adapter.type=redis}. The Redis connection itself is Spring Boot's
 * ({@code spring.data.redis.*}). Defaults equal {@code @socket.io/redis-adapter}'s.
 */
@ConfigurationProperties("socketio.adapter.redis")
public class SocketIoRedisAdapterProperties {

    /** "classic" (PUBLISH/PSUBSCRIBE, like createAdapter) or "sharded" (SPUBLISH/SSUBSCRIBE, Redis 7+, like createShardedAdapter). */
    private RedisAdapterOptions.Mode mode = RedisAdapterOptions.Mode.CLASSIC;

    /** Prefix of every Redis channel; servers sharing a cluster must use the same one. */
    private String key = "socket.io";

    /** How long requests to the other servers (fetchSockets, serverSideEmitWithAck, ...) wait for their answers. */
    private Duration requestsTimeout = Duration.ofSeconds(5);

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
        return new RedisAdapterOptions(mode, key, requestsTimeout);
    }
}
