package dev.socketeer.adapter.redis;

import org.junit.jupiter.api.BeforeAll;

/**
 * Forwarding next to the Redis Streams adapter ({@code socketio.adapter.redis.mode: streams}): the adapter reads a
 * stream, while forwarding uses pub/sub channels on the same Redis, so sticky sessions can be off in this mode too.
 */
class RedisStreamsSessionForwarderWireTest extends RedisSessionForwarderWireTestBase {

    @BeforeAll
    static void startNode() throws Exception {
        start("streams");
    }
}
