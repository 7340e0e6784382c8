package dev.socketeer.sample.messaging;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Where private messages live: in memory on one node, in Redis for a cluster. Non-blocking. */
public interface MessageStore {

    Mono<Void> saveMessage(PrivateMessage message);

    /** Every message sent or received by this user, oldest first. */
    Flux<PrivateMessage> findMessagesForUser(String userID);
}
