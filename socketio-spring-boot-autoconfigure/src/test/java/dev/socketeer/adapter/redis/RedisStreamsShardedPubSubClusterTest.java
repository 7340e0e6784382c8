package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three Java nodes on the streams adapter with {@code sharded-pub-sub}: requests and responses over
 * SPUBLISH/SSUBSCRIBE, the server count by PUBSUB SHARDNUMSUB ({@code useShardedPubSub} in Node).
 */
class RedisStreamsShardedPubSubClusterTest extends RedisAdapterClusterTestBase {

    @BeforeAll
    static void start() throws Exception {
        startCluster("streams", "socketio.adapter.redis.streams.sharded-pub-sub=true");
    }

    @Test
    void requestsTravelOnShardChannels() {
        assertThat(redis.shardSubscribers("socket.io#/#")).isEqualTo(3);
    }
}
