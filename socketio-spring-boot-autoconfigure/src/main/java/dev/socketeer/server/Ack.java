package dev.socketeer.server;

/** Answers an event whose sender asked for an acknowledgement; only the first call is sent. */
@FunctionalInterface
public interface Ack {

    /** Sends the acknowledgement with these arguments. */
    void send(Object... args);
}
