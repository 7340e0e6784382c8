package dev.socketeer.handler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DisconnectReasonTest {

    @Test
    void everyReferenceReasonMapsToItsConstant() {
        assertThat(DisconnectReason.of("transport error")).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
        assertThat(DisconnectReason.of("transport close")).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
        assertThat(DisconnectReason.of("forced close")).isEqualTo(DisconnectReason.FORCED_CLOSE);
        assertThat(DisconnectReason.of("ping timeout")).isEqualTo(DisconnectReason.PING_TIMEOUT);
        assertThat(DisconnectReason.of("parse error")).isEqualTo(DisconnectReason.PARSE_ERROR);
        assertThat(DisconnectReason.of("server shutting down")).isEqualTo(DisconnectReason.SERVER_SHUTTING_DOWN);
        assertThat(DisconnectReason.of("forced server close")).isEqualTo(DisconnectReason.FORCED_SERVER_CLOSE);
        assertThat(DisconnectReason.of("client namespace disconnect"))
                .isEqualTo(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT);
        assertThat(DisconnectReason.of("server namespace disconnect"))
                .isEqualTo(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
    }

    @Test
    void unknownReasonIsUnknownAndReasonRoundTrips() {
        assertThat(DisconnectReason.of("something new")).isEqualTo(DisconnectReason.UNKNOWN);
        assertThat(DisconnectReason.of(null)).isEqualTo(DisconnectReason.UNKNOWN);
        for (DisconnectReason reason : DisconnectReason.values()) {
            if (reason != DisconnectReason.UNKNOWN) {
                assertThat(DisconnectReason.of(reason.reason())).isEqualTo(reason);
            }
        }
    }
}
