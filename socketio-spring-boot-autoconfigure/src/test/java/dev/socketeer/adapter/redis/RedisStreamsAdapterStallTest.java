package dev.socketeer.adapter.redis;

import org.junit.jupiter.api.BeforeAll;

/** Requests bounded by their timeout on the streams adapter (server count by PUBSUB NUMSUB, requests over PUBLISH). */
class RedisStreamsAdapterStallTest extends RedisAdapterStallTestBase {

    @BeforeAll
    static void start() {
        startCluster("streams");
    }
}
