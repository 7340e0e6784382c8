package dev.socketeer.adapter.redis;

import org.junit.jupiter.api.BeforeAll;

/** The Redis outage on the sharded adapter (shard channels resubscribed). */
class RedisShardedAdapterOutageTest extends RedisAdapterOutageTestBase {

    @BeforeAll
    static void start() {
        startCluster("sharded");
    }
}
