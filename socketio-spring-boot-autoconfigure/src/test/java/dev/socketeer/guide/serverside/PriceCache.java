package dev.socketeer.guide.serverside;

import dev.socketeer.annotation.OnServerSideEvent;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.server.SocketIoServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

@SocketIoController
class PriceCache {

    private final Map<String, Long> prices = new ConcurrentHashMap<>();
    private final SocketIoServer server;

    PriceCache(SocketIoServer server) {
        this.server = server;
    }

    @OnServerSideEvent("price-changed")                           // Node: io.on("price-changed", (product, price) => ...)
    void priceChanged(String product, long price) {
        prices.put(product, price);
    }

    @OnServerSideEvent("cache-size")                              // the return value answers serverSideEmitWithAck
    int cacheSize() {
        return prices.size();
    }

    void changed(String product, long price) {
        prices.put(product, price);
        server.serverSideEmit("price-changed", product, price);      // every other node, not this one
    }

    /** Asks every other node; one answer per node that replied within two seconds. */
    CompletableFuture<List<JsonNode>> sizes() {
        return server.serverSideEmitWithAck(Duration.ofSeconds(2), "cache-size");
    }

    int size() {
        return prices.size();
    }
}
