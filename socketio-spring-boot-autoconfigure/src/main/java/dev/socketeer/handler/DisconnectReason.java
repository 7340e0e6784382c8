package dev.socketeer.handler;

import java.util.Locale;

/**
 * Why a socket disconnected, as the reference server's {@code DisconnectReason}; {@link #reason()} is the reference
 * string. A handler parameter of this type gets it in {@code @OnDisconnect} and {@code @OnDisconnecting} methods.
 */
public enum DisconnectReason {

    /** The connection failed. */
    TRANSPORT_ERROR("transport error"),
    /** The connection was closed (the user closed the page, the network changed). */
    TRANSPORT_CLOSE("transport close"),
    /** The connection was closed while upgrading, or the server closed it. */
    FORCED_CLOSE("forced close"),
    /** The client did not answer a ping in time. */
    PING_TIMEOUT("ping timeout"),
    /** The client sent a packet the server could not decode. */
    PARSE_ERROR("parse error"),
    /** The server is shutting down. */
    SERVER_SHUTTING_DOWN("server shutting down"),
    /** The server closed the whole connection ({@code socket.disconnect(true)}). */
    FORCED_SERVER_CLOSE("forced server close"),
    /** The client left the namespace ({@code socket.disconnect()} on the client). */
    CLIENT_NAMESPACE_DISCONNECT("client namespace disconnect"),
    /** The server removed the socket from the namespace ({@code socket.disconnect()} on the server). */
    SERVER_NAMESPACE_DISCONNECT("server namespace disconnect"),
    /** A reason this version does not know. */
    UNKNOWN("unknown");

    private final String reason;

    DisconnectReason(String reason) {
        this.reason = reason;
    }

    /** The reference server's reason string, e.g. {@code "client namespace disconnect"}. */
    public String reason() {
        return reason;
    }

    /** The constant for a reason string; {@link #UNKNOWN} for any other. */
    public static DisconnectReason of(String reason) {
        if (reason != null) {
            String wanted = reason.toLowerCase(Locale.ROOT);
            for (DisconnectReason value : values()) {
                if (value.reason.equals(wanted)) {
                    return value;
                }
            }
        }
        return UNKNOWN;
    }

    @Override
    public String toString() {
        return reason;
    }
}
