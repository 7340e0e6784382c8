package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.WebSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Forwarding next to the classic adapter ({@code createAdapter}: PUBLISH/PSUBSCRIBE). */
class RedisSessionForwarderWireTest extends RedisSessionForwarderWireTestBase {

    @BeforeAll
    static void startNode() throws Exception {
        start("classic");
    }

    @Test
    void aNodeShuttingDownClosesTheWebSocketsItRelaysAndTellsTheirSessionsNode() throws Exception {
        String sid = "AAAAAAAAAAAAAAAAAAA7";
        try (ClusterNode leaving = ClusterNode.start("leaving", redis.port(), "socketio.cluster.sticky-sessions=false")) {
            Frames frames = new Frames();
            WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(webSocketUri(leaving, sid), frames)
                    .get(10, TimeUnit.SECONDS);
            JsonNode lock = await(m -> m.path("type").asInt() == 0 && sid.equals(m.path("data").path("sid").asString()));
            String leavingNode = lock.path("senderId").asString();
            grantLock(leavingNode, lock);
            ws.sendText("2probe", true).get();
            assertThat(frames.next()).isEqualTo("3probe");
            ws.sendText("5", true).get();
            JsonNode upgrade = await(4, sid);
            ObjectNode answer = message(5).put("recipientId", leavingNode);
            answer.set("requestId", upgrade.path("requestId"));
            answer.set("data", NODES.objectNode().put("takeOver", false).set("packets", NODES.arrayNode()));
            publish("engine.io#" + leavingNode + "#", answer);
            publish("engine.io#" + leavingNode + "#", drain(leavingNode, sid, NODES.objectNode().put("type", "ping")));
            assertThat(frames.next()).as("relaying").isEqualTo("2");

            leaving.close();

            assertThat(frames.next()).as("the close packet").isEqualTo("1");
            assertThat(frames.closed.get(10, TimeUnit.SECONDS)).isNotNull();
            JsonNode close = await(6, sid);
            assertThat(close.path("senderId").asString()).isEqualTo(leavingNode);
            assertThat(close.path("data").path("reason").asString()).isEqualTo("transport close");
        }
    }
}
