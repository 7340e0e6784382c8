package dev.socketeer.sample.messaging;

/**
 * A user's session, kept across reconnections and page reloads: the browser stores {@code sessionID} and sends it in
 * {@code auth}; {@code userID} is what other users address; {@code sessionID} is never shown to them.
 */
public record ChatSession(String sessionID, String userID, String username, boolean connected) {

    ChatSession withConnected(boolean now) {
        return new ChatSession(sessionID, userID, username, now);
    }
}
