package dev.socketeer.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineRequestTest {

    private static EngineRequest request(String url, Map<String, List<String>> headers) {
        return new EngineRequest(url, headers, EngineRequest.parseQuery(url), null, false, 0, null, Map.of());
    }

    @Test
    void headersKeepTheirOrderAndEveryValue() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("host", List.of("example.com"));
        headers.put("cookie", List.of("a=1", "b=2"));
        headers.put("origin", List.of("https://example.com"));
        headers.put("x-empty", List.of(""));

        EngineRequest request = request("/socket.io/", headers);

        assertThat(request.headers()).isEqualTo(headers).hasSameHashCodeAs(headers);
        assertThat(request.headers()).containsExactlyEntriesOf(headers);
        assertThat(request.headers().get("cookie")).containsExactly("a=1", "b=2");
        assertThat(request.headers().get("x-empty")).containsExactly("");
        assertThat(request.headers().get("missing")).isNull();
        assertThat(request.headers().containsKey("origin")).isTrue();
        assertThat(request.headers().containsKey("Origin")).isFalse();
        assertThat(request.header("Origin")).isEqualTo("https://example.com");
        assertThat(request.header("COOKIE")).isEqualTo("a=1");
        assertThat(request.header("missing")).isNull();
    }

    @Test
    void aRequestBuiltWithAnotherRequestsHeadersSharesThem() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("a", List.of("1"));
        headers.put("b", List.of("2", "3"));
        EngineRequest request = request("/", headers);
        EngineRequest copy = new EngineRequest("/", request.headers(), Map.of(), null, false, 0, null, Map.of());

        assertThat(copy.headers()).isSameAs(request.headers());
        assertThat(copy.headers().toString()).isEqualTo("{a=[1], b=[2, 3]}");
        assertThat(copy.headers()).hasSize(2);
    }

    @Test
    void headersAndQueryCannotBeChanged() {
        EngineRequest request = request("/socket.io/?EIO=4", Map.of("host", List.of("h")));

        assertThatThrownBy(() -> request.headers().put("x", List.of("y"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> request.headers().get("host").add("z")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> request.query().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> request.query().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void queryIsDecodedAndKeepsTheFirstValueOfEachName() {
        EngineRequest request = request("/socket.io/?EIO=4&transport=websocket&&name=a%20b+c&name=second&flag&bad=%zz&%74oken=t",
                Map.of());

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("EIO", "4");
        expected.put("transport", "websocket");
        expected.put("name", "a b c");
        expected.put("flag", "");
        expected.put("bad", "%zz");
        expected.put("token", "t");
        assertThat(request.query()).containsExactlyEntriesOf(expected).isEqualTo(expected);
        assertThat(request.query().get("name")).isEqualTo("a b c");
        assertThat(request.query().get("flag")).isEmpty();
        assertThat(request.query().get("token")).isEqualTo("t");
        assertThat(request.query().get("sid")).isNull();
        assertThat(request.query().containsKey("EIO")).isTrue();
    }

    @Test
    void aUrlWithoutQueryHasNoParameters() {
        assertThat(request("/socket.io/", Map.of()).query()).isEmpty();
        assertThat(request("/socket.io/?", Map.of()).query()).isEmpty();
        assertThat(request("/socket.io/?", Map.of()).query().get("EIO")).isNull();
    }

    @Test
    void queryGivenAsAMapIsCopied() {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("sid", "abc");
        EngineRequest request = new EngineRequest("/ignored", Map.of(), query, null, false, 0, null, Map.of());
        query.put("sid", "changed");

        assertThat(request.query()).containsExactly(Map.entry("sid", "abc"));
        assertThat(request.headers()).isEmpty();
        assertThat(request.attributes()).isEmpty();
    }
}
