package dev.socketeer.adapter.redis;

import dev.socketeer.test.NodeSocketIoClient;
import org.junit.jupiter.api.AfterAll;

/**
 * Two Java nodes on one test redis-server, with requests-timeout 1 s, and a client on each ({@code a} on n1,
 * {@code b} on n2): the set-up of the outage and stall tests, which subclasses start in the mode they test.
 */
abstract class TwoRedisNodes {

    static RedisServer redis;
    static ClusterNode n1;
    static ClusterNode n2;
    static NodeSocketIoClient clients;

    static void startCluster(String mode) {
        redis = RedisServer.start();
        n1 = ClusterNode.start("n1", redis.port(), "socketio.adapter.redis.requests-timeout=1s",
                "socketio.adapter.redis.mode=" + mode);
        n2 = ClusterNode.start("n2", redis.port(), "socketio.adapter.redis.requests-timeout=1s",
                "socketio.adapter.redis.mode=" + mode);
        clients = NodeSocketIoClient.start();
        clients.connect("a", n1.url() + "/", ClusterNode.websocket());
        clients.connect("b", n2.url() + "/", ClusterNode.websocket());
        clients.awaitConnect("a");
        clients.awaitConnect("b");
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.resume(); // a test that stopped it may have failed before letting it go
        }
        ClusterNode.closeAll(clients, n1, n2, redis);
    }
}
