package dev.socketeer.sample.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The stores of the single-node default: maps in this JVM (lost on restart, as the guide's first parts). */
final class InMemoryStores {

    private InMemoryStores() {
    }

    static final class Sessions implements SessionStore {

        private final Map<String, ChatSession> sessions = new ConcurrentHashMap<>();

        @Override
        public Mono<ChatSession> findSession(String sessionID) {
            return Mono.justOrEmpty(sessions.get(sessionID));
        }

        @Override
        public Mono<Void> saveSession(ChatSession session) {
            return Mono.fromRunnable(() -> sessions.put(session.sessionID(), session));
        }

        @Override
        public Flux<ChatSession> findAllSessions() {
            return Flux.defer(() -> Flux.fromIterable(List.copyOf(sessions.values())));
        }
    }

    static final class Messages implements MessageStore {

        private final List<PrivateMessage> messages = new ArrayList<>();

        @Override
        public Mono<Void> saveMessage(PrivateMessage message) {
            return Mono.fromRunnable(() -> {
                synchronized (messages) {
                    messages.add(message);
                }
            });
        }

        @Override
        public Flux<PrivateMessage> findMessagesForUser(String userID) {
            return Flux.defer(() -> {
                synchronized (messages) {
                    return Flux.fromIterable(messages.stream()
                            .filter(m -> m.from().equals(userID) || m.to().equals(userID)).toList());
                }
            });
        }
    }
}
