package dev.socketeer.protocol.socketio;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One Socket.IO packet.
 *
 * <p>Decoded packets carry Jackson trees as {@code data} ({@code tools.jackson.databind.JsonNode};
 * binary attachments are {@code BinaryNode}s) and are never of a {@code BINARY_*} type: the
 * decoder folds those into {@link PacketType#EVENT} and {@link PacketType#ACK}. Outgoing packets
 * may carry any value the encoder's JSON mapper can serialize ({@code byte[]}, {@code ByteBuffer}
 * and {@code BinaryNode} anywhere become attachments); the encoder picks the binary type itself.
 *
 * @param type the packet type
 * @param namespace the namespace name, {@code "/"} for the main namespace
 * @param id the acknowledgement id, or {@code null} when none is requested or answered
 * @param data the payload, or {@code null} when there is none
 */
public record Packet(PacketType type, String namespace, Long id, Object data) {

    /** Event names that cannot be emitted and make an incoming EVENT invalid. */
    public static final Set<String> RESERVED_EVENTS =
            Set.of("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

    public Packet {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(namespace, "namespace");
    }

    /** A CONNECT packet (sent by the server with {@code {"sid":...}}, by clients with their auth). */
    public static Packet connect(String namespace, Object data) {
        return new Packet(PacketType.CONNECT, namespace, null, data);
    }

    /** A DISCONNECT packet. */
    public static Packet disconnect(String namespace) {
        return new Packet(PacketType.DISCONNECT, namespace, null, null);
    }

    /** A CONNECT_ERROR packet, e.g. {@code {"message":"Invalid namespace"}}. */
    public static Packet connectError(String namespace, Object data) {
        return new Packet(PacketType.CONNECT_ERROR, namespace, null, data);
    }

    /** An EVENT packet; {@code data} holds the event name followed by its arguments. */
    public static Packet event(String namespace, Long id, List<?> data) {
        return new Packet(PacketType.EVENT, namespace, id, data);
    }

    /** An ACK packet answering {@code id}. */
    public static Packet ack(String namespace, long id, List<?> data) {
        return new Packet(PacketType.ACK, namespace, id, data);
    }

    /** A copy in another namespace. */
    public Packet withNamespace(String namespace) {
        return new Packet(type, namespace, id, data);
    }

    /** A copy with another acknowledgement id. */
    public Packet withId(Long id) {
        return new Packet(type, namespace, id, data);
    }

    /** A copy with another payload. */
    public Packet withData(Object data) {
        return new Packet(type, namespace, id, data);
    }
}
