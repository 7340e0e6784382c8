package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.server.Socket;
import dev.socketeer.test.NodeProcess;
import dev.socketeer.test.NodeSocketIoClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A sharded join completes once the room's SSUBSCRIBE is live: a client whose join was acknowledged
 * by one node gets a room broadcast that another node sends the moment the ack arrives (Node's
 * sharded adapter loses a few in a thousand), and code that waits for {@code socket.join(room)}
 * gets the next broadcast from another node.
 */
class RedisShardedJoinTest {

    private static final int ROUNDS = 900;

    static RedisServer redis;
    static ClusterNode n1;
    static ClusterNode n2;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        n1 = ClusterNode.start("n1", redis.port(), "socketio.adapter.redis.mode=sharded");
        n2 = ClusterNode.start("n2", redis.port(), "socketio.adapter.redis.mode=sharded");
    }

    @AfterAll
    static void stop() {
        ClusterNode.closeAll(n1, n2, redis);
    }

    @Test
    void aClientWhoseJoinWasAcknowledgedGetsEveryRoomBroadcastFromAnotherNode() {
        try (NodeProcess race = NodeProcess.start("join-then-broadcast.mjs", n1.url() + "/", n2.url() + "/",
                Integer.toString(ROUNDS))) {
            JsonNode done = race.await(report -> "done".equals(report.path("type").asString()), Duration.ofSeconds(90),
                    "the end of " + ROUNDS + " join-then-broadcast rounds");
            assertThat(done.get("missing").toString()).as("rounds whose broadcast was lost").isEqualTo("[]");
            assertThat(done.get("received").asInt()).isEqualTo(ROUNDS);
        }
    }

    @Test
    void aJoinThatCompletedSeesTheNextBroadcastFromAnotherNode() throws Exception {
        List<Socket> sockets = new CopyOnWriteArrayList<>();
        n1.io().of("/direct").onConnection(sockets::add);
        try (NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            clients.connect("a", n1.url() + "/direct", ClusterNode.websocket());
            clients.awaitConnect("a");
            Socket socket = sockets.get(0);
            List<Integer> sent = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                socket.join("direct-" + i).get(10, TimeUnit.SECONDS);
                n2.io().of("/direct").to("direct-" + i).emit("hit", i);
                sent.add(i);
            }
            for (int i : sent) {
                assertThat(clients.awaitEvent("a", "hit").get("args").get(0).asInt()).isEqualTo(i);
            }
        }
    }
}
