package dev.socketeer.adapter.cluster;

import dev.socketeer.adapter.BroadcastOptions;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One message of socket.io-adapter's cluster protocol, {@code {type, data, uid, nsp}} on the wire.
 * Values that travel as they are (packets, handshakes, acknowledgement arguments) are JSON trees;
 * binary values inside them are {@code BinaryNode}s.
 */
public sealed interface ClusterMessage {

    /** The uid of the sending server ({@code "emitter"} for emitters). */
    String uid();

    /** The namespace the message belongs to. */
    String nsp();

    /** The message type number on the wire. */
    int type();

    /** A request that expects answers from the other servers, or {@code null}. */
    default String requestId() {
        return null;
    }

    /** 1: a server joined and asks the others to announce themselves. */
    record InitialHeartbeat(String uid, String nsp) implements ClusterMessage {
        public int type() {
            return 1;
        }
    }

    /** 2: a server is alive. */
    record Heartbeat(String uid, String nsp) implements ClusterMessage {
        public int type() {
            return 2;
        }
    }

    /**
     * 3: a broadcast; with a {@code requestId} the receivers ask their clients for an
     * acknowledgement and answer with {@link BroadcastClientCount} and {@link BroadcastAck}.
     *
     * @param packet the Socket.IO packet {@code {type, data, nsp?, id?}}
     */
    record Broadcast(String uid, String nsp, JsonNode packet, BroadcastOptions options, String requestId)
            implements ClusterMessage {
        public int type() {
            return 3;
        }
    }

    /** 4: the matching sockets join rooms. */
    record SocketsJoin(String uid, String nsp, BroadcastOptions options, List<String> rooms) implements ClusterMessage {
        public int type() {
            return 4;
        }
    }

    /** 5: the matching sockets leave rooms. */
    record SocketsLeave(String uid, String nsp, BroadcastOptions options, List<String> rooms) implements ClusterMessage {
        public int type() {
            return 5;
        }
    }

    /** 6: the matching sockets are disconnected. */
    record DisconnectSockets(String uid, String nsp, BroadcastOptions options, boolean close) implements ClusterMessage {
        public int type() {
            return 6;
        }
    }

    /** 7: every server reports its matching sockets. */
    record FetchSockets(String uid, String nsp, BroadcastOptions options, String requestId) implements ClusterMessage {
        public int type() {
            return 7;
        }
    }

    /** 8: one server's matching sockets, each {@code {id, handshake, rooms, data}}. */
    record FetchSocketsResponse(String uid, String nsp, String requestId, List<JsonNode> sockets)
            implements ClusterMessage {
        public int type() {
            return 8;
        }
    }

    /** 9: an event for the other servers; {@code packet} is {@code [event, ...args]}. */
    record ServerSideEmit(String uid, String nsp, JsonNode packet, String requestId) implements ClusterMessage {
        public int type() {
            return 9;
        }
    }

    /** 10: one server's answer to a {@link ServerSideEmit} with a {@code requestId}. */
    record ServerSideEmitResponse(String uid, String nsp, String requestId, JsonNode packet) implements ClusterMessage {
        public int type() {
            return 10;
        }
    }

    /** 11: how many clients one server asked for an acknowledgement. */
    record BroadcastClientCount(String uid, String nsp, String requestId, int clientCount) implements ClusterMessage {
        public int type() {
            return 11;
        }
    }

    /** 12: one client's acknowledgement (its first argument). */
    record BroadcastAck(String uid, String nsp, String requestId, JsonNode packet) implements ClusterMessage {
        public int type() {
            return 12;
        }
    }

    /** 13: a server is leaving. */
    record AdapterClose(String uid, String nsp) implements ClusterMessage {
        public int type() {
            return 13;
        }
    }
}
