package dev.socketeer.protocol.engineio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineCodecTest {

    @Test
    void decodesTextPacketsByTheirLeadingDigit() {
        assertThat(EngineCodec.decodeText("4hello")).isEqualTo(EnginePacket.text(EnginePacketType.MESSAGE, "hello"));
        assertThat(EngineCodec.decodeText("2probe")).isEqualTo(EnginePacket.text(EnginePacketType.PING, "probe"));
        assertThat(EngineCodec.decodeText("3").type()).isEqualTo(EnginePacketType.PONG);
        assertThat(EngineCodec.decodeText("3").data()).isEmpty();
    }

    @Test
    void rejectsEmptyAndUnknownTextPackets() {
        assertThatIllegalArgumentException().isThrownBy(() -> EngineCodec.decodeText(""))
                .withMessageContaining("Empty");
        assertThatIllegalArgumentException().isThrownBy(() -> EngineCodec.decodeText("abc"))
                .withMessageContaining("'a'");
        assertThatIllegalArgumentException().isThrownBy(() -> EngineCodec.decodeText("7"));
    }

    @Test
    void binaryFramesAreMessages() {
        EnginePacket packet = EngineCodec.decodeBinary(new byte[] {1, 2, 3});
        assertThat(packet.type()).isEqualTo(EnginePacketType.MESSAGE);
        assertThat(packet.binary()).containsExactly(1, 2, 3);
        assertThat(packet.isBinary()).isTrue();
    }

    @Test
    void base64WithTheJavaClientsTrailingLineFeedDecodesAsNodeDoes() {
        EngineCodec.DecodedPayload payload = EngineCodec.decodePayload("451-[\"a\"]\u001ebAQL/\n");
        assertThat(payload.malformed()).isFalse();
        assertThat(payload.packets().get(1).binary()).containsExactly(1, 2, 255);
    }

    @Test
    void decodesPayloadOfTextAndBase64BinaryPackets() {
        EngineCodec.DecodedPayload payload = EngineCodec.decodePayload("4hello\u001ebAQIDBA==\u001e2\u001e4");
        assertThat(payload.malformed()).isFalse();
        assertThat(payload.packets()).hasSize(4);
        assertThat(payload.packets().get(0).data()).isEqualTo("hello");
        assertThat(payload.packets().get(1).binary()).containsExactly(1, 2, 3, 4);
        assertThat(payload.packets().get(2).type()).isEqualTo(EnginePacketType.PING);
        assertThat(payload.packets().get(3).data()).isEmpty();
    }

    @Test
    void payloadDecodingStopsAtTheFirstInvalidPacket() {
        EngineCodec.DecodedPayload payload = EngineCodec.decodePayload("4a\u001ex\u001e4b");
        assertThat(payload.malformed()).isTrue();
        assertThat(payload.packets()).extracting(EnginePacket::data).containsExactly("a");

        assertThat(EngineCodec.decodePayload("abc").malformed()).isTrue();
        assertThat(EngineCodec.decodePayload("abc").packets()).isEmpty();
        assertThat(EngineCodec.decodePayload("").malformed()).isTrue();
        assertThat(EngineCodec.decodePayload("4a\u001e").malformed()).isTrue();
        assertThat(EngineCodec.decodePayload("b!!notbase64").malformed()).isTrue();
    }

    @Test
    void encodesPayloadJoiningPacketsWithRecordSeparator() {
        byte[] payload = EngineCodec.encodePayload(List.of(EngineMessage.text("héllo").pollingBytes(),
                EngineMessage.binary(new byte[] {1, 2, 3, 4}).pollingBytes(),
                EngineCodec.encodeText(EnginePacketType.PING, "")));
        assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo("4héllo\u001ebAQIDBA==\u001e2");
        assertThat(EngineCodec.encodePayload(List.of())).isEmpty();
    }

    @Test
    void packetTypeCodesMatchTheProtocol() {
        assertThat(EnginePacketType.NOOP.code()).isEqualTo('6');
        assertThat(EnginePacketType.fromCode('0')).isEqualTo(EnginePacketType.OPEN);
        assertThat(EnginePacketType.fromCode('9')).isNull();
        assertThat(EnginePacketType.fromCode('/')).isNull();
    }
}
