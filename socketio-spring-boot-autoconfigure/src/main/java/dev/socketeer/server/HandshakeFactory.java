package dev.socketeer.server;

import dev.socketeer.engine.EngineRequest;
import java.net.InetSocketAddress;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/** Builds {@link Handshake}s from the engine request, as the reference server does. */
final class HandshakeFactory {

    private static final DateTimeFormatter JS_DATE =
            DateTimeFormatter.ofPattern("EEE MMM dd yyyy HH:mm:ss 'GMT'xx", Locale.US);

    private HandshakeFactory() {
    }

    static Handshake create(EngineRequest request, JsonNode auth) {
        ZonedDateTime now = ZonedDateTime.now();
        String time = JS_DATE.format(now) + " (" + now.getZone().getDisplayName(TextStyle.FULL, Locale.US) + ")";
        InetSocketAddress remote = request.remoteAddress();
        String address = remote == null ? null
                : remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
        return new Handshake(request.headers(), time, address, request.header("origin") != null, request.secure(),
                System.currentTimeMillis(), request.url(), request.query(), auth, request.principal());
    }
}
