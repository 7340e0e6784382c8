package dev.socketeer.adapter.redis;

import org.junit.jupiter.api.BeforeAll;

/** Three Java nodes on the streams adapter ({@code @socket.io/redis-streams-adapter}: XADD/XREAD, requests over PUBLISH). */
class RedisStreamsAdapterClusterTest extends RedisAdapterClusterTestBase {

    @BeforeAll
    static void start() throws Exception {
        startCluster("streams");
    }
}
