package dev.socketeer.admin;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Where the session ids given to logged-in Admin UIs are kept, so that a UI reconnecting (to this server or, with a
 * shared store, another one) stays logged in. Implementations must not block the calling thread.
 */
public interface SessionStore {

    /** Whether this session id was saved and has not expired. */
    CompletableFuture<Boolean> exists(String sessionId);

    /** Saves a new session id. */
    CompletableFuture<Void> save(String sessionId);

    /** A store in this server's memory: sessions expire after {@code duration} and are lost on restart. */
    static SessionStore inMemory(Duration duration) {
        return new InMemorySessionStore(duration);
    }
}
