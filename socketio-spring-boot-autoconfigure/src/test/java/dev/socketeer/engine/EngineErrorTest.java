package dev.socketeer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EngineErrorTest {

    @Test
    void errorBodiesAreTheReferenceJson() {
        assertThat(EngineError.UNKNOWN_SID.toJson()).isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
        assertThat(new EngineError(4, "no \"way\"").toJson()).isEqualTo("{\"code\":4,\"message\":\"no \\\"way\\\"\"}");
        assertThat(EngineError.FORBIDDEN.httpStatus()).isEqualTo(403);
        assertThat(EngineError.UNSUPPORTED_PROTOCOL_VERSION.httpStatus()).isEqualTo(400);
    }
}
