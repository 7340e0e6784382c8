package dev.socketeer.protocol.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PacketDecoderTest {

    private final PacketDecoder decoder = new PacketDecoder(JsonMapper.builder().build());

    @Test
    void decodesConnectToMainNamespaceWithoutPayload() {
        Packet packet = decoder.decode("0");
        assertThat(packet).isEqualTo(new Packet(PacketType.CONNECT, "/", null, null));
    }

    @Test
    void decodesNamespaceWithAndWithoutTrailingComma() {
        assertThat(decoder.decode("0/custom,").namespace()).isEqualTo("/custom");
        assertThat(decoder.decode("0/random").namespace()).isEqualTo("/random");
        Packet withAuth = decoder.decode("0/custom,{\"token\":\"abc\"}");
        assertThat(withAuth.namespace()).isEqualTo("/custom");
        assertThat(((JsonNode) withAuth.data()).get("token").stringValue()).isEqualTo("abc");
    }

    @Test
    void decodesEventWithAckId() {
        Packet packet = decoder.decode("2/chat,456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");
        assertThat(packet.type()).isEqualTo(PacketType.EVENT);
        assertThat(packet.namespace()).isEqualTo("/chat");
        assertThat(packet.id()).isEqualTo(456L);
        assertThat(((JsonNode) packet.data()).size()).isEqualTo(4);
    }

    @Test
    void reassemblesBinaryEventFromAttachments() {
        assertThat(decoder.decode("52-[\"message\",{\"_placeholder\":true,\"num\":0},{\"x\":{\"_placeholder\":true,\"num\":1}}]"))
                .isNull();
        assertThat(decoder.isReconstructing()).isTrue();
        assertThat(decoder.decode(new byte[] {1, 2, 3})).isNull();
        Packet packet = decoder.decode(new byte[] {4, 5, 6});
        assertThat(packet.type()).isEqualTo(PacketType.EVENT);
        JsonNode data = (JsonNode) packet.data();
        assertThat(data.get(1).isBinary()).isTrue();
        assertThat(data.get(1).binaryValue()).containsExactly(1, 2, 3);
        assertThat(data.get(2).get("x").binaryValue()).containsExactly(4, 5, 6);
        assertThat(decoder.isReconstructing()).isFalse();
    }

    @Test
    void binaryAckBecomesAckWithItsId() {
        assertThat(decoder.decode("61-789[{\"_placeholder\":true,\"num\":0}]")).isNull();
        Packet packet = decoder.decode(new byte[] {9});
        assertThat(packet.type()).isEqualTo(PacketType.ACK);
        assertThat(packet.id()).isEqualTo(789L);
    }

    @Test
    void refusesTextWhileReconstructing() {
        decoder.decode("51-[\"a\",{\"_placeholder\":true,\"num\":0}]");
        assertThatThrownBy(() -> decoder.decode("2[\"a\"]"))
                .isInstanceOf(PacketDecodeException.class)
                .hasMessage("got plaintext data when reconstructing a packet");
    }

    @Test
    void refusesBinaryWithoutPendingPacket() {
        assertThatThrownBy(() -> decoder.decode(new byte[] {1}))
                .isInstanceOf(PacketDecodeException.class)
                .hasMessage("got binary data when not reconstructing a packet");
    }

    @Test
    void refusesPlaceholderNumberOutOfRange() {
        decoder.decode("51-[\"a\",{\"_placeholder\":true,\"num\":1}]");
        assertThatThrownBy(() -> decoder.decode(new byte[] {1}))
                .isInstanceOf(PacketDecodeException.class)
                .hasMessage("illegal attachments");
    }

    @Test
    void refusesMoreThanTenAttachments() {
        assertThatThrownBy(() -> decoder.decode("511-[\"a\"]"))
                .isInstanceOf(PacketDecodeException.class)
                .hasMessage("too many attachments");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "abc|unknown packet type NaN",
        "7[\"a\"]|unknown packet type 7",
        "5x-[\"a\"]|Illegal attachments",
        "51[\"a\"]|Illegal attachments",
        "2{}|invalid payload",
        "2abc[\"a\"]|invalid payload",
        "2[]|invalid payload",
        "2[\"disconnect\"]|invalid payload",
        "2[true]|invalid payload",
        "2[\"a\"] x|invalid payload",
        "2[\"a\"|invalid payload",
        "0[1]|invalid payload",
        "0\"s\"|invalid payload",
        "1{}|invalid payload",
        "3{}|invalid payload",
        "4[1]|invalid payload",
    })
    void refusesMalformedPacketsWithTheReferenceMessage(String text, String message) {
        assertThatThrownBy(() -> decoder.decode(text))
                .isInstanceOf(PacketDecodeException.class)
                .hasMessage(message);
    }

    @Test
    void acceptsNumericEventNamesAndStringConnectErrors() {
        assertThat(decoder.decode("2[42,\"x\"]").type()).isEqualTo(PacketType.EVENT);
        assertThat(((JsonNode) decoder.decode("4\"oops\"").data()).stringValue()).isEqualTo("oops");
    }

    // ---- limits (socketio.parser.*)

    @Test
    void defaultLimitsAreJacksonsJsonLimitsAndFifteenDigitAckIds() {
        assertThat(decoder.decode("2" + nested(500)).data()).isNotNull();
        assertThatThrownBy(() -> decoder.decode("2" + nested(501))).isInstanceOf(PacketDecodeException.class);
        assertThat(decoder.decode("2[\"e\"," + "9".repeat(1000) + "]").data()).isNotNull();
        assertThatThrownBy(() -> decoder.decode("2[\"e\"," + "9".repeat(1001) + "]"))
                .isInstanceOf(PacketDecodeException.class);
        assertThat(decoder.decode("2" + "9".repeat(15) + "[\"e\"]").id()).isEqualTo(999_999_999_999_999L);
        assertThatThrownBy(() -> decoder.decode("2" + "9".repeat(16) + "[\"e\"]")).isInstanceOf(PacketDecodeException.class);
    }

    @Test
    void configuredLimitsReplaceTheDefaultsEitherWay() {
        JsonMapper mapper = JsonMapper.builder().build();
        PacketDecoder lenient = new PacketDecoder(new PacketDecoder.Settings(mapper, new DecoderLimits(1000, 2000, 18)));
        assertThat(lenient.decode("2" + nested(900)).data()).isNotNull();
        assertThat(lenient.decode("2[\"e\"," + "9".repeat(1500) + "]").data()).isNotNull();
        assertThat(lenient.decode("2" + "9".repeat(18) + "[\"e\"]").id()).isEqualTo(999_999_999_999_999_999L);
        PacketDecoder strict = new PacketDecoder(new PacketDecoder.Settings(mapper, new DecoderLimits(3, 5, 2)));
        assertThat(strict.decode("2" + nested(3)).data()).isNotNull();
        assertThatThrownBy(() -> strict.decode("2" + nested(4))).isInstanceOf(PacketDecodeException.class);
        assertThatThrownBy(() -> strict.decode("2[\"e\",123456]")).isInstanceOf(PacketDecodeException.class);
        assertThatThrownBy(() -> strict.decode("2123[\"e\"]")).isInstanceOf(PacketDecodeException.class);
    }

    /** An event whose payload nests arrays {@code depth} levels deep in all. */
    private static String nested(int depth) {
        return "[\"e\"," + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "]";
    }
}
