package dev.socketeer.sample.messaging;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Where sessions live: in memory on one node, in Redis for a cluster. Non-blocking. */
public interface SessionStore {

    Mono<ChatSession> findSession(String sessionID);

    Mono<Void> saveSession(ChatSession session);

    Flux<ChatSession> findAllSessions();
}
