package dev.socketeer.adapter.redis;

import org.junit.jupiter.api.BeforeAll;

/** Forwarding next to the sharded adapter ({@code createShardedAdapter}: SPUBLISH/SSUBSCRIBE). */
class RedisShardedSessionForwarderWireTest extends RedisSessionForwarderWireTestBase {

    @BeforeAll
    static void startNode() throws Exception {
        start("sharded");
    }
}
