package dev.socketeer.guide.serverside;

import dev.socketeer.server.SocketIoServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

@Service
class PriceCache {

    private final Map<String, Long> prices = new ConcurrentHashMap<>();
    private final SocketIoServer server;

    PriceCache(SocketIoServer server) {
        this.server = server;
        server.sockets()
                .onServerSideEmit("price-changed", (args, ack) -> prices.put(args.get(0).asString(), args.get(1).asLong()))
                .onServerSideEmit("cache-size", (args, ack) -> ack.send(prices.size()));
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
