package dev.socketeer.server;

import dev.socketeer.engine.EngineSocket;
import dev.socketeer.engine.EngineSocketListener;
import dev.socketeer.protocol.engineio.EngineMessage;
import dev.socketeer.protocol.socketio.EncodedPacket;
import dev.socketeer.protocol.socketio.Packet;
import dev.socketeer.protocol.socketio.PacketDecodeException;
import dev.socketeer.protocol.socketio.PacketDecoder;
import dev.socketeer.protocol.socketio.PacketType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/**
 * One Engine.IO connection seen by the Socket.IO layer: owns the decoder, multiplexes namespaces,
 * closes the connection when no namespace is joined within the connect timeout.
 */
final class Client implements EngineSocketListener {

    private final SocketIoServer server;
    private final EngineSocket conn;
    private final PacketDecoder decoder;
    // Sized for the usual one or two namespaces per connection (a 4-slot table instead of 16).
    private final Map<String, Socket> sockets = new ConcurrentHashMap<>(2);
    private final Map<String, Socket> nsps = new ConcurrentHashMap<>(2);
    private volatile Disposable connectTimeout;
    private volatile boolean closed;

    Client(SocketIoServer server, EngineSocket conn) {
        this.server = server;
        this.conn = conn;
        this.decoder = new PacketDecoder(server.options().jsonMapper());
        long timeoutMillis = server.options().connectTimeout().toMillis();
        this.connectTimeout = Schedulers.parallel().schedule(() -> {
            if (nsps.isEmpty()) {
                Listeners.debug("no namespace joined within the connect timeout, closing " + conn.id());
                close();
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    EngineSocket conn() {
        return conn;
    }

    boolean isOpen() {
        return !closed && conn.isOpen();
    }

    @Override
    public void onMessage(EngineSocket socket, String text) {
        server.observer().messageReceived(text.length());
        Packet packet;
        try {
            packet = decoder.decode(text);
        } catch (PacketDecodeException e) {
            onError(e);
            return;
        }
        if (packet != null) {
            onDecoded(packet);
        }
    }

    @Override
    public void onMessage(EngineSocket socket, byte[] binary) {
        server.observer().messageReceived(binary.length);
        Packet packet;
        try {
            packet = decoder.decode(binary);
        } catch (PacketDecodeException e) {
            onError(e);
            return;
        }
        if (packet != null) {
            onDecoded(packet);
        }
    }

    @Override
    public void onClose(EngineSocket socket, String reason) {
        onClose(reason);
    }

    private void onDecoded(Packet packet) {
        server.observer().packetReceived(packet.type());
        Socket socket = nsps.get(packet.namespace());
        if (socket == null && packet.type() == PacketType.CONNECT) {
            connect(packet.namespace(), (JsonNode) packet.data());
        } else if (socket != null && packet.type() != PacketType.CONNECT && packet.type() != PacketType.CONNECT_ERROR) {
            socket.onPacket(packet);
        } else {
            close();
        }
    }

    private void connect(String name, JsonNode auth) {
        JsonNode handshakeAuth = auth != null ? auth : server.options().jsonMapper().createObjectNode();
        Namespace existing = server.namespace(name);
        if (existing != null) {
            doConnect(existing, handshakeAuth);
            return;
        }
        Namespace dynamic = server.checkNamespace(name, handshakeAuth);
        if (dynamic != null) {
            doConnect(dynamic, handshakeAuth);
        } else {
            writePacket(Packet.connectError(name, Map.of("message", "Invalid namespace")), false, true);
        }
    }

    private void doConnect(Namespace namespace, JsonNode auth) {
        namespace.add(this, auth, socket -> {
            sockets.put(socket.id(), socket);
            nsps.put(namespace.name(), socket);
            Disposable timer = connectTimeout;
            if (timer != null) {
                timer.dispose();
                connectTimeout = null;
            }
        });
    }

    /** Disconnects every namespace of this connection, then closes it. */
    void disconnectAll() {
        for (Socket socket : new ArrayList<>(sockets.values())) {
            socket.disconnect(false);
        }
        sockets.clear();
        close();
    }

    void remove(Socket socket) {
        if (sockets.remove(socket.id()) != null) {
            nsps.remove(socket.namespace().name(), socket);
        }
    }

    /** Closes the connection from the server side. */
    void close() {
        if (conn.isOpen()) {
            conn.close();
            onClose("forced server close");
        }
    }

    void writePacket(Packet packet, boolean isVolatile, boolean compress) {
        if (!conn.isOpen()) {
            return;
        }
        writeToEngine(toMessages(server.encoder().encode(packet)), isVolatile, compress);
    }

    void writeToEngine(List<EngineMessage> messages, boolean isVolatile, boolean compress) {
        // no open check first: send drops what a closed session is given (one lock per recipient, not two)
        if (isVolatile && !conn.isWritable()) {
            return;
        }
        conn.send(messages, compress);
        ServerObserver observer = server.observer();
        if (observer != ServerObserver.NONE && conn.isOpen()) {
            int size = 0;
            for (EngineMessage message : messages) {
                size += message.isBinary() ? message.binary().length : message.text().length();
            }
            observer.packetSent(size);
        }
    }

    static List<EngineMessage> toMessages(EncodedPacket encoded) {
        if (encoded.attachments().isEmpty()) {
            return List.of(EngineMessage.text(encoded.text()));
        }
        List<EngineMessage> messages = new ArrayList<>(encoded.attachments().size() + 1);
        messages.add(EngineMessage.text(encoded.text()));
        for (byte[] attachment : encoded.attachments()) {
            messages.add(EngineMessage.binary(attachment));
        }
        return messages;
    }

    private void onError(PacketDecodeException error) {
        Listeners.debug("invalid packet from " + conn.id() + ": " + error.getMessage());
        for (Socket socket : sockets.values()) {
            socket.onError(error);
        }
        conn.close();
    }

    private void onClose(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        Disposable timer = connectTimeout;
        if (timer != null) {
            timer.dispose();
            connectTimeout = null;
        }
        for (Socket socket : new ArrayList<>(sockets.values())) {
            socket.onClose(reason);
        }
        sockets.clear();
        server.removeClient(this);
    }
}
