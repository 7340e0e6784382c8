package dev.socketeer.sample.messaging;

/** One private message, stored for both parties. */
public record PrivateMessage(String content, String from, String to) {
}
