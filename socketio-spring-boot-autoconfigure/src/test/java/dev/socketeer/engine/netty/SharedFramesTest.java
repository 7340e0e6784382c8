package dev.socketeer.engine.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketeer.protocol.engineio.EngineMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The frames built once per broadcast, read back by Netty's own (client-side) frame decoder. */
class SharedFramesTest {

    @ParameterizedTest
    @ValueSource(ints = { 0, 1, 125, 126, 127, 65_535, 65_536, 100_000 })
    void everyLengthFormDecodesToThePayload(int length) {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }

        WebSocketFrame text = decode(SharedFrames.frame(payload, false));
        WebSocketFrame binary = decode(SharedFrames.frame(payload, true));
        try {
            assertThat(text).isInstanceOf(TextWebSocketFrame.class);
            assertThat(text.isFinalFragment()).isTrue();
            assertThat(text.rsv()).isZero();
            assertThat(ByteBufUtil.getBytes(text.content())).isEqualTo(payload);
            assertThat(binary).isInstanceOf(BinaryWebSocketFrame.class);
            assertThat(ByteBufUtil.getBytes(binary.content())).isEqualTo(payload);
        } finally {
            text.release();
            binary.release();
        }
    }

    @Test
    void aMessageIsFramedOnItsSecondWriteAndThenSharedByEveryRecipient() {
        EngineMessage message = EngineMessage.text("2[\"m\",1]");

        assertThat(SharedFrames.duplicateFor(message)).as("first write: the usual way").isNull();
        ByteBuf second = SharedFrames.duplicateFor(message);
        ByteBuf third = SharedFrames.duplicateFor(message);

        assertThat(second).isNotNull();
        assertThat(third).isNotSameAs(second);
        assertThat(ByteBufUtil.getBytes(second)).isEqualTo(ByteBufUtil.getBytes(third));
        // writes release what they wrote: a duplicate's release never frees the shared frame
        second.release();
        second.release();
        assertThat(ByteBufUtil.getBytes(third)).hasSize(2 + message.frameBytes().length);
        WebSocketFrame frame = decode(third);
        try {
            assertThat(((TextWebSocketFrame) frame).text()).isEqualTo("42[\"m\",1]");
        } finally {
            frame.release();
        }
    }

    @Test
    void largeMessagesAreNeverShared() {
        byte[] large = new byte[SharedFrames.MAX_PAYLOAD + 1];
        Arrays.fill(large, (byte) 7);
        EngineMessage message = EngineMessage.binary(large);

        for (int i = 0; i < 3; i++) {
            assertThat(SharedFrames.duplicateFor(message)).isNull();
        }
        assertThat(message.transportForm()).isNull();
    }

    private static WebSocketFrame decode(ByteBuf frame) {
        // a client reads unmasked frames
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(
                WebSocketDecoderConfig.newBuilder().expectMaskedFrames(false).allowMaskMismatch(false)
                        .maxFramePayloadLength(1 << 20).build()));
        assertThat(client.writeInbound(frame.duplicate())).isTrue();
        WebSocketFrame decoded = client.readInbound();
        assertThat((Object) client.readInbound()).isNull();
        client.finishAndReleaseAll();
        return decoded;
    }
}
