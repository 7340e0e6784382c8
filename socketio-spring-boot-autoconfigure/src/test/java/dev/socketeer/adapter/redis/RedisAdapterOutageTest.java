package dev.socketeer.adapter.redis;

import org.junit.jupiter.api.BeforeAll;

/** The Redis outage on the classic adapter. */
class RedisAdapterOutageTest extends RedisAdapterOutageTestBase {

    @BeforeAll
    static void start() {
        startCluster("classic");
    }
}
