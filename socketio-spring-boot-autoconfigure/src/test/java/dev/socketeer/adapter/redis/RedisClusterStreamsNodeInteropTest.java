package dev.socketeer.adapter.redis;

import org.junit.jupiter.api.BeforeAll;

/**
 * Java nodes and a Node server on {@code @socket.io/redis-streams-adapter} 0.3.1 with an ioredis {@code Cluster},
 * all on a Redis Cluster (three masters, three replicas): broadcasts and room operations through the stream on its
 * slot's master, both ways; requests over pub/sub.
 */
class RedisClusterStreamsNodeInteropTest extends RedisNodeInteropTestBase {

    @BeforeAll
    static void start() throws Exception {
        startOnRedisCluster("streams");
    }
}
