package dev.socketeer.adapter.redis;

import org.junit.jupiter.api.BeforeAll;

/** Three Java nodes on the sharded adapter ({@code createShardedAdapter}: SPUBLISH/SSUBSCRIBE). */
class RedisShardedAdapterClusterTest extends RedisAdapterClusterTestBase {

    @BeforeAll
    static void start() throws Exception {
        startCluster("sharded");
    }
}
