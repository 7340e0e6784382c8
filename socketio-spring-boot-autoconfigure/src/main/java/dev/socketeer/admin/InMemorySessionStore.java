package dev.socketeer.admin;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** Session ids with their expiry time; expired ones are dropped when a new one is saved. */
final class InMemorySessionStore implements SessionStore {

    private final long durationMillis;
    private final Map<String, Long> expiries = new ConcurrentHashMap<>();

    InMemorySessionStore(Duration duration) {
        this.durationMillis = duration.toMillis();
    }

    @Override
    public CompletableFuture<Boolean> exists(String sessionId) {
        Long expiry = expiries.get(sessionId);
        return CompletableFuture.completedFuture(expiry != null && expiry > System.currentTimeMillis());
    }

    @Override
    public CompletableFuture<Void> save(String sessionId) {
        long now = System.currentTimeMillis();
        expiries.values().removeIf(expiry -> expiry <= now);
        expiries.put(sessionId, now + durationMillis);
        return CompletableFuture.completedFuture(null);
    }
}
