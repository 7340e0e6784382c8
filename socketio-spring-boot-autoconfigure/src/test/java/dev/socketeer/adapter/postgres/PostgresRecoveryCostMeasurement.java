package dev.socketeer.adapter.postgres;

import dev.socketeer.test.NodeSocketIoClient;
import dev.socketeer.test.PostgresTestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: what connection state recovery costs a Postgres cluster's broadcasts, run by hand
 * ({@code -Dsocketeer.measure=true}). Two nodes, one npm client on node B in a room, {@value #EVENTS} room
 * broadcasts fired from node A as fast as it takes them; the figure is the time until the client has the last
 * one, recovery off and on, alternated twice. Prints the figures, and how many events were lost, repeated or
 * out of order.
 */
@EnabledIfSystemProperty(named = "socketeer.measure", matches = "true")
class PostgresRecoveryCostMeasurement {

    private static final int EVENTS = 3_000;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void broadcastsAcrossNodesWithAndWithoutRecovery() throws Exception {
        List<String> lines = new ArrayList<>();
        try (PostgresTestServer postgres = PostgresTestServer.start("recovery-cost");
                NodeSocketIoClient clients = NodeSocketIoClient.start()) {
            int round = 0;
            for (boolean recovery : new boolean[] { false, true, false, true }) {
                List<String> properties = new ArrayList<>(List.of("socketio.adapter.postgres.url="
                        + postgres.r2dbcUrl(), "test.own-loops=true"));
                if (recovery) {
                    properties.add("socketio.connection-state-recovery.enabled=true");
                }
                try (PostgresNode a = PostgresNode.start("A" + round, properties.toArray(String[]::new));
                        PostgresNode b = PostgresNode.start("B" + round, properties.toArray(String[]::new))) {
                    a.awaitPeers("/", 1);
                    String client = "c" + round++;
                    clients.connect(client, b.url("/"), Map.of("transports", List.of("websocket")));
                    clients.awaitConnect(client, WAIT);
                    clients.emitWithAck(client, "join", WAIT, "room");
                    long[] millis = new long[2];
                    List<String> anomalies = new ArrayList<>();
                    for (int pass = 0; pass < 2; pass++) { // the first warms the JIT up
                        long start = System.nanoTime();
                        for (int i = 0; i < EVENTS; i++) {
                            a.server.to("room").emit("hit", i);
                        }
                        java.util.BitSet seen = new java.util.BitSet();
                        int outOfOrder = 0;
                        int duplicates = 0;
                        int last = -1;
                        for (int i = 0; i < EVENTS; i++) {
                            int n;
                            try {
                                n = clients.awaitEvent(client, "hit", Duration.ofSeconds(10)).get("args").get(0).asInt();
                            } catch (AssertionError timedOut) {
                                break; // the rest is lost
                            }
                            duplicates += seen.get(n) ? 1 : 0;
                            outOfOrder += n < last ? 1 : 0;
                            seen.set(n);
                            last = n;
                        }
                        millis[pass] = (System.nanoTime() - start) / 1_000_000;
                        anomalies.add(String.format("pass %d: lost %d, duplicated %d, out of order %d", pass,
                                EVENTS - seen.cardinality(), duplicates, outOfOrder));
                    }
                    lines.add(String.format("recovery %-3s: %d events in %d ms (%.0f/s), warm-up pass %d ms; %s",
                            recovery ? "on" : "off", EVENTS, millis[1], EVENTS * 1000.0 / millis[1], millis[0],
                            anomalies));
                    clients.disconnect(client);
                }
            }
        }
        lines.forEach(line -> System.out.println("[measure] " + line));
    }
}
