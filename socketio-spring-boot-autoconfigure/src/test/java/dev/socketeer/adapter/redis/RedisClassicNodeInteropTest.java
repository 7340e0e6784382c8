package dev.socketeer.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.test.TestJson;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * Java nodes and a Node server on the classic adapter ({@code createAdapter}), plus both emitters:
 * {@code @socket.io/redis-emitter} reaching clients of Java nodes and {@link RedisEmitter} reaching
 * clients of the Node server.
 */
class RedisClassicNodeInteropTest extends RedisNodeInteropTestBase {

    @BeforeAll
    static void start() throws Exception {
        startCluster("classic");
    }

    @Test
    void nodeEmitterReachesClientsOfJavaNodes() {
        ObjectNode emit = command("emitterEmit");
        emit.put("event", "from-node-emitter");
        emit.set("args", TestJson.toNode(List.of("e", new byte[] { 5 })));
        node.send(emit);

        var args = clients.awaitEvent("jc", "from-node-emitter").get("args");
        assertThat(args.get(0).asString()).isEqualTo("e");
        assertThat(TestJson.bytes(args.get(1))).containsExactly(5);

        ObjectNode join = command("emitterJoin");
        join.set("rooms", TestJson.toNode(List.of(jcSid)));
        join.set("join", TestJson.toNode(List.of("joined-by-node-emitter")));
        node.call(join);
        await().atMost(WAIT).until(() -> n1.io().sockets().adapter().socketRooms(jcSid)
                .contains("joined-by-node-emitter"));

        ObjectNode serverSide = command("emitterServerSideEmit");
        serverSide.put("event", "announce");
        serverSide.set("args", TestJson.toNode(List.of("node-emitter")));
        node.send(serverSide);
        await().atMost(WAIT).until(() -> n1.serverSideEvents().contains("announce:node-emitter"));
    }

    @Test
    void javaEmitterReachesClientsOfTheNodeServerAndJavaNodes() throws Exception {
        RedisEmitter emitter = n2.emitter();

        emitter.emit("from-java-emitter", "j", new byte[] { 4 }).get(10, TimeUnit.SECONDS);
        var args = clients.awaitEvent("nc", "from-java-emitter").get("args");
        assertThat(args.get(0).asString()).isEqualTo("j");
        assertThat(TestJson.bytes(args.get(1))).containsExactly(4);
        clients.awaitEvent("jc", "from-java-emitter");

        emitter.to(ncSid).emit("only-nc").get(10, TimeUnit.SECONDS);
        clients.awaitEvent("nc", "only-nc");

        emitter.in(ncSid).socketsJoin("joined-by-java-emitter").get(10, TimeUnit.SECONDS);
        emitter.to("joined-by-java-emitter").emit("via-emitter-room").get(10, TimeUnit.SECONDS);
        clients.awaitEvent("nc", "via-emitter-room");

        emitter.serverSideEmit("hello-servers", "java-emitter").get(10, TimeUnit.SECONDS);
        assertThat(node.awaitServerSideEvent("hello-servers").get("args").get(0).asString())
                .isEqualTo("java-emitter");
        await().atMost(WAIT).until(() -> n1.serverSideEvents().contains("hello-servers:java-emitter"));
    }
}
