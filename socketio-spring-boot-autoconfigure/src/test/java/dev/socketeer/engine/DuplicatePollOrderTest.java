package dev.socketeer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two polls of one session racing on two connections: the engine decides by arrival time, not by
 * which thread reached it first (the official suite's "closes the session upon duplicate poll requests").
 */
class DuplicatePollOrderTest {

    private final EngineServer engine = new EngineServer(EngineOptions.defaults());

    @Test
    void laterPollRefusedAndEarlierPollGetsClosePacketWhenItIsHandledSecond() throws Exception {
        String sid = handshake();
        Exchange later = new Exchange("GET", 2_000);
        Exchange earlier = new Exchange("GET", 1_000);

        engine.handlePolling(request("EIO=4&transport=polling&sid=" + sid), later);
        assertThat(later.response).isNotDone();
        engine.handlePolling(request("EIO=4&transport=polling&sid=" + sid), earlier);

        assertThat(later.status()).isEqualTo(400);
        assertThat(earlier.status()).isEqualTo(200);
        assertThat(earlier.body()).isEqualTo("1");
        assertThat(engine.socket(sid)).isNull();
    }

    @Test
    void laterPollRefusedAndEarlierPollGetsClosePacketWhenHandledInArrivalOrder() throws Exception {
        String sid = handshake();
        Exchange earlier = new Exchange("GET", 1_000);
        Exchange later = new Exchange("GET", 2_000);

        engine.handlePolling(request("EIO=4&transport=polling&sid=" + sid), earlier);
        engine.handlePolling(request("EIO=4&transport=polling&sid=" + sid), later);

        assertThat(later.status()).isEqualTo(400);
        assertThat(earlier.status()).isEqualTo(200);
        assertThat(earlier.body()).isEqualTo("1");
        Exchange next = new Exchange("GET", 3_000);
        engine.handlePolling(request("EIO=4&transport=polling&sid=" + sid), next);
        assertThat(next.status()).isEqualTo(400);
        assertThat(next.body()).contains("Session ID unknown");
    }

    private String handshake() throws Exception {
        Exchange open = new Exchange("GET", 0);
        engine.handlePolling(request("EIO=4&transport=polling"), open);
        String body = open.body();
        assertThat(body).startsWith("0{\"sid\":\"");
        return body.substring(9, 29);
    }

    private static EngineRequest request(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(kv[0], kv[1]);
        }
        return new EngineRequest("/engine.io/?" + query, Map.of(), params, new InetSocketAddress("127.0.0.1", 1), false,
                System.currentTimeMillis(), null, Map.of());
    }

    private record Response(int status, byte[] body) {
    }

    /** A polling exchange with a chosen arrival time that records its response. */
    private static final class Exchange implements PollingExchange {

        private final String method;
        private final long arrivalNanos;
        private final CompletableFuture<Response> response = new CompletableFuture<>();

        Exchange(String method, long arrivalNanos) {
            this.method = method;
            this.arrivalNanos = arrivalNanos;
        }

        int status() throws Exception {
            return response.get(5, TimeUnit.SECONDS).status();
        }

        String body() throws Exception {
            byte[] body = response.get(5, TimeUnit.SECONDS).body();
            return body == null ? "" : new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public String contentType() {
            return null;
        }

        @Override
        public void readBody(long maxBytes, BodyCallback callback) {
            callback.onBody(new byte[0]);
        }

        @Override
        public void respond(int status, String contentType, byte[] body, boolean compressible) {
            response.complete(new Response(status, body));
        }

        @Override
        public void onAbort(Runnable onAbort) {
        }

        @Override
        public long arrivalNanos() {
            return arrivalNanos;
        }
    }

}
