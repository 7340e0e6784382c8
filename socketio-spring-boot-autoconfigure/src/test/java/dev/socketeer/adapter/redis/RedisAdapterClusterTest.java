package dev.socketeer.adapter.redis;

import org.junit.jupiter.api.BeforeAll;

/** Three Java nodes on the classic adapter ({@code createAdapter}: PUBLISH/PSUBSCRIBE). */
class RedisAdapterClusterTest extends RedisAdapterClusterTestBase {

    @BeforeAll
    static void start() throws Exception {
        startCluster("classic");
    }
}
