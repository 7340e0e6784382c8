package dev.socketeer.adapter.redis;

import org.junit.jupiter.api.BeforeAll;

/** Java nodes and a Node server on the sharded adapter ({@code createShardedAdapter}, SPUBLISH/SSUBSCRIBE). */
class RedisShardedNodeInteropTest extends RedisNodeInteropTestBase {

    @BeforeAll
    static void start() throws Exception {
        startCluster("sharded");
    }
}
