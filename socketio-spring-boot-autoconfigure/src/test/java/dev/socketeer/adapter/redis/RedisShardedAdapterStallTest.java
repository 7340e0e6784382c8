package dev.socketeer.adapter.redis;

import org.junit.jupiter.api.BeforeAll;

/** Requests bounded by their timeout on the sharded adapter, whose server count asks Redis (PUBSUB SHARDNUMSUB). */
class RedisShardedAdapterStallTest extends RedisAdapterStallTestBase {

    @BeforeAll
    static void start() {
        startCluster("sharded");
    }
}
