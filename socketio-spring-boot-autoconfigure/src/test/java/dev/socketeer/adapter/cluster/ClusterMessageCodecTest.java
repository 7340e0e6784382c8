package dev.socketeer.adapter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.adapter.BroadcastFlags;
import dev.socketeer.adapter.BroadcastOptions;
import dev.socketeer.adapter.cluster.ClusterMessage.Broadcast;
import dev.socketeer.adapter.cluster.ClusterMessage.BroadcastClientCount;
import dev.socketeer.adapter.cluster.ClusterMessage.FetchSocketsResponse;
import dev.socketeer.adapter.cluster.ClusterMessage.Heartbeat;
import dev.socketeer.adapter.cluster.ClusterMessage.ServerSideEmit;
import dev.socketeer.protocol.socketio.Packet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ClusterMessageCodecTest {

    private final ClusterMessageCodec codec = new ClusterMessageCodec(JsonMapper.builder().build());

    @Test
    void encodesABroadcastAsTheShardedNodeAdapterDoes() {
        Packet packet = Packet.event("/", null, List.of("ev", 1, "two", java.util.Map.of("three", 3)));
        Broadcast message = new Broadcast("e849f7bdcd1a0ae3", "/", codec.packetTree(packet), BroadcastOptions.ALL, null);

        String json = new String(codec.encode(message), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"type\":3,\"data\":{\"packet\":{\"type\":2,\"data\":[\"ev\",1,\"two\",{\"three\":3}],"
                + "\"nsp\":\"/\"},\"opts\":{\"rooms\":[],\"except\":[],\"flags\":{}}},\"uid\":\"e849f7bdcd1a0ae3\",\"nsp\":\"/\"}");
    }

    @Test
    void decodesTheCapturedNodeClientCountResponse() {
        byte[] captured = ("{\"type\":11,\"data\":{\"requestId\":\"6c86cad5d4f345e0\",\"clientCount\":1},"
                + "\"uid\":\"21adf343b0274611\",\"nsp\":\"/\"}").getBytes(StandardCharsets.UTF_8);

        assertThat(codec.decode(captured))
                .isEqualTo(new BroadcastClientCount("21adf343b0274611", "/", "6c86cad5d4f345e0", 1));
    }

    @Test
    void binaryPayloadsTravelAsMsgpackBinAndComeBackAsBinary() {
        Packet packet = Packet.event("/", null, List.of("ev", new byte[] { 1, 2, 3 }));
        BroadcastOptions options = new BroadcastOptions(Set.of("room1"), Set.of("room2"),
                BroadcastFlags.NONE.withVolatile(true).withTimeout(Duration.ofSeconds(2)));
        byte[] encoded = codec.encode(new Broadcast("uid", "/", codec.packetTree(packet), options, "req"));

        assertThat(encoded[0]).isNotEqualTo((byte) '{');
        assertThat(HexFormat.of().formatHex(encoded)).contains("c403010203"); // bin8 of length 3
        Broadcast decoded = (Broadcast) codec.decode(encoded);
        assertThat(decoded.requestId()).isEqualTo("req");
        assertThat(decoded.options()).isEqualTo(options);
        JsonNode data = decoded.packet().get("data");
        assertThat(data.get(1).isBinary()).isTrue();
        assertThat(data.get(1).binaryValue()).containsExactly(1, 2, 3);
    }

    @Test
    void everyMessageTypeSurvivesARoundTrip() {
        JsonNode args = codec.tree(List.of("ev", 1));
        List<ClusterMessage> messages = List.of(new ClusterMessage.InitialHeartbeat("u", "/"), new Heartbeat("u", "/"),
                new ClusterMessage.SocketsJoin("u", "/", BroadcastOptions.socket("s"), List.of("r")),
                new ClusterMessage.SocketsLeave("u", "/", BroadcastOptions.socket("s"), List.of("r")),
                new ClusterMessage.DisconnectSockets("u", "/", BroadcastOptions.ALL, true),
                new ClusterMessage.FetchSockets("u", "/", BroadcastOptions.ALL, "q"),
                new FetchSocketsResponse("u", "/chat", "q", List.of(codec.tree(java.util.Map.of("id", "s")))),
                new ServerSideEmit("u", "/", args, null), new ServerSideEmit("u", "/", args, "q"),
                new ClusterMessage.ServerSideEmitResponse("u", "/", "q", codec.tree("answer")),
                new BroadcastClientCount("u", "/", "q", 3),
                new ClusterMessage.BroadcastAck("u", "/", "q", codec.tree("ack")),
                new ClusterMessage.AdapterClose("u", "/"));

        for (ClusterMessage message : messages) {
            assertThat(codec.decode(codec.encode(message))).isEqualTo(message);
            assertThat(codec.decode(codec.encodeMsgPack(message))).isEqualTo(message);
        }
        assertThat(messages).extracting(ClusterMessage::type).containsExactly(1, 2, 4, 5, 6, 7, 8, 9, 9, 10, 11, 12, 13);
    }

    @Test
    void takesTheNamespaceFromThePacketWhenAnEmitterOmitsIt() {
        byte[] emitter = ("{\"type\":3,\"data\":{\"packet\":{\"type\":2,\"data\":[\"ev\"],\"nsp\":\"/chat\"},"
                + "\"opts\":{\"rooms\":[],\"flags\":{},\"except\":[]}},\"uid\":\"emitter\"}").getBytes(StandardCharsets.UTF_8);

        assertThat(codec.decode(emitter).nsp()).isEqualTo("/chat");
    }
}
