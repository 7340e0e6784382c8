package dev.socketeer.adapter.redis;

import org.junit.jupiter.api.BeforeAll;

/** Requests bounded by their timeout on the classic adapter, whose server count asks Redis (PUBSUB NUMSUB). */
class RedisAdapterStallTest extends RedisAdapterStallTestBase {

    @BeforeAll
    static void start() {
        startCluster("classic");
    }
}
