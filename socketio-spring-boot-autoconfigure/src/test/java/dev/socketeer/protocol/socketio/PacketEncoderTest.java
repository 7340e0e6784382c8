package dev.socketeer.protocol.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.BinaryNode;

class PacketEncoderTest {

    private final JsonMapper mapper = JsonMapper.builder().build();
    private final PacketEncoder encoder = new PacketEncoder(mapper);

    record Point(int x, String label) {
    }

    @Test
    void encodesConnectReplyWithSidOnly() {
        EncodedPacket encoded = encoder.encode(Packet.connect("/", Map.of("sid", "abc")));
        assertThat(encoded.text()).isEqualTo("0{\"sid\":\"abc\"}");
        assertThat(encoded.attachments()).isEmpty();
    }

    @Test
    void writesNamespaceFollowedByCommaOnlyWhenNotMain() {
        assertThat(encoder.encode(Packet.disconnect("/custom")).text()).isEqualTo("1/custom,");
        assertThat(encoder.encode(Packet.disconnect("/")).text()).isEqualTo("1");
    }

    @Test
    void encodesEventArgumentsLikeJsonStringify() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("3", List.of(true));
        object.put("b", null);
        EncodedPacket encoded = encoder.encode(Packet.event("/", null, List.of("message", 1, "2", object, 1.0, 1.5, 1e-7, 1e21, 0.1f)));
        assertThat(encoded.text())
                .isEqualTo("2[\"message\",1,\"2\",{\"3\":[true],\"b\":null},1,1.5,1e-7,1e+21,0.1]");
    }

    @Test
    void escapesStringsLikeJsonStringify() {
        EncodedPacket encoded = encoder.encode(Packet.event("/", null, List.of("e", "q\"b\\\n\t\u0001/é\u2028\ud800")));
        assertThat(encoded.text()).isEqualTo("2[\"e\",\"q\\\"b\\\\\\n\\t\\u0001/é\u2028\\ud800\"]");
    }

    @Test
    void serializesRecordsWithTheMapperKeepingComponentOrder() {
        assertThat(encoder.encode(Packet.event("/", null, List.of("p", new Point(3, "a")))).text())
                .isEqualTo("2[\"p\",{\"x\":3,\"label\":\"a\"}]");
    }

    @Test
    void writesAckIdAfterNamespace() {
        assertThat(encoder.encode(Packet.ack("/custom", 456, List.of(1, "2"))).text()).isEqualTo("3/custom,456[1,\"2\"]");
        assertThat(encoder.encode(Packet.event("/", 12L, List.of("x"))).text()).isEqualTo("212[\"x\"]");
    }

    @Test
    void replacesBinaryValuesDepthFirstWithPlaceholders() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("a", ByteBuffer.wrap(new byte[] {4, 5, 6}));
        nested.put("b", List.of(BinaryNode.valueOf(new byte[] {7})));
        EncodedPacket encoded = encoder.encode(Packet.event("/", null, List.of("message-back", new byte[] {1, 2, 3}, nested)));
        assertThat(encoded.text()).isEqualTo("53-[\"message-back\",{\"_placeholder\":true,\"num\":0},"
                + "{\"a\":{\"_placeholder\":true,\"num\":1},\"b\":[{\"_placeholder\":true,\"num\":2}]}]");
        assertThat(encoded.attachments()).containsExactly(new byte[] {1, 2, 3}, new byte[] {4, 5, 6}, new byte[] {7});
    }

    @Test
    void binaryAckIsTypeSixWithCountThenId() {
        EncodedPacket encoded = encoder.encode(Packet.ack("/", 789, List.of(new byte[] {1}, new byte[] {2})));
        assertThat(encoded.text())
                .isEqualTo("62-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
    }

    @Test
    void reencodesDecodedTreesIdentically() {
        String text = "2[\"message\",1,\"2\",{\"3\":[true],\"z\":1.25,\"a\":-0}]";
        Packet decoded = new PacketDecoder(mapper).decode(text);
        assertThat(encoder.encode(decoded).text()).isEqualTo("2[\"message\",1,\"2\",{\"3\":[true],\"z\":1.25,\"a\":0}]");
    }

    @Test
    void refusesBinaryOutsideEventsAndAcks() {
        assertThatThrownBy(() -> encoder.encode(Packet.connect("/", Map.of("k", new byte[] {1}))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only allowed in EVENT and ACK");
    }
}
