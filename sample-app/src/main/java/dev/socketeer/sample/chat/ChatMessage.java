package dev.socketeer.sample.chat;

/** A message as pages receive it ({@code chat message}, {@code direct message} and in {@code history}). */
record ChatMessage(String nickname, String text, long time) {

    static final int MAX_LENGTH = 1000;

    static ChatMessage of(String nickname, String text) {
        String body = text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) : text;
        return new ChatMessage(nickname, body, System.currentTimeMillis());
    }
}
