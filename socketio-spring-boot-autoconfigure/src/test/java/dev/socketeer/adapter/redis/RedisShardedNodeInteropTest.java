package dev.socketeer.adapter.redis;

import static org.awaitility.Awaitility.await;

import org.junit.jupiter.api.BeforeAll;

/** Java nodes and a Node server on the sharded adapter ({@code createShardedAdapter}, SPUBLISH/SSUBSCRIBE). */
class RedisShardedNodeInteropTest extends RedisNodeInteropTestBase {

    @BeforeAll
    static void start() throws Exception {
        startCluster("sharded");
    }

    @Override
    void awaitRoomSubscribed(String room) {
        await().atMost(WAIT).until(() -> redis.shardSubscribers("socket.io#/#" + room + "#") >= 1);
    }
}
