package dev.socketeer.adapter.redis;

import org.junit.jupiter.api.BeforeAll;

/** The Redis outage on the streams adapter (its stream readers reconnect and read on from where they were). */
class RedisStreamsAdapterOutageTest extends RedisAdapterOutageTestBase {

    @BeforeAll
    static void start() {
        startCluster("streams");
    }
}
