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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/**
 * One Engine.IO connection seen by the Socket.IO layer: owns the decoder, multiplexes namespaces,
 * closes the connection when no namespace is joined within the connect timeout.
 */
final class Client implements EngineSocketListener {

    private static final Socket[] NONE = new Socket[0];

    private final SocketIoServer server;
    private final EngineSocket conn;
    private final PacketDecoder decoder;
    // The namespace sockets of this connection, copy-on-write under this object's monitor: a connection
    // joins one or two namespaces, rarely, and every packet looks its namespace up. Held by every idle
    // connection: a one-element array is 24 bytes, two concurrent maps were about 250.
    private volatile Socket[] sockets = NONE;
    private volatile Disposable connectTimeout;
    private volatile boolean closed;

    Client(SocketIoServer server, EngineSocket conn) {
        this.server = server;
        this.conn = conn;
        this.decoder = new PacketDecoder(server.decoderSettings());
        long timeoutMillis = server.options().connectTimeout().toMillis();
        this.connectTimeout = Schedulers.parallel().schedule(() -> {
            if (sockets.length == 0) {
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

    @Override
    public void onUpgrade(EngineSocket socket) {
        ServerObserver observer = server.observer();
        if (observer != ServerObserver.NONE) {
            for (Socket namespaceSocket : sockets) {
                observer.upgraded(namespaceSocket);
            }
        }
    }

    @Override
    public void onDrain(EngineSocket socket) {
        for (Socket namespaceSocket : sockets) {
            namespaceSocket.onDrained();
        }
    }

    private void onDecoded(Packet packet) {
        server.observer().packetReceived(packet.type());
        Socket socket = socket(packet.namespace());
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
            add(socket);
            Disposable timer = connectTimeout;
            if (timer != null) {
                timer.dispose();
                connectTimeout = null;
            }
        });
    }

    /** Disconnects every namespace of this connection, then closes it. */
    void disconnectAll() {
        for (Socket socket : sockets) {
            socket.disconnect(false);
        }
        clear();
        close();
    }

    /** The socket of a namespace on this connection (the latest, if a client raced two connects), or {@code null}. */
    private Socket socket(String namespace) {
        Socket[] all = sockets;
        for (int i = all.length - 1; i >= 0; i--) {
            if (all[i].namespace().name().equals(namespace)) {
                return all[i];
            }
        }
        return null;
    }

    private synchronized void add(Socket socket) {
        Socket[] all = sockets;
        Socket[] more = Arrays.copyOf(all, all.length + 1);
        more[all.length] = socket;
        sockets = more;
    }

    synchronized void remove(Socket socket) {
        Socket[] all = sockets;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == socket) {
                Socket[] fewer = new Socket[all.length - 1];
                System.arraycopy(all, 0, fewer, 0, i);
                System.arraycopy(all, i + 1, fewer, i, all.length - i - 1);
                sockets = fewer.length == 0 ? NONE : fewer;
                return;
            }
        }
    }

    private synchronized void clear() {
        sockets = NONE;
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
            server.observer().volatilePacketDropped();
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
        for (Socket socket : sockets) {
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
        for (Socket socket : sockets) {
            socket.onClose(reason);
        }
        clear();
        server.removeClient(this);
        server.observer().clientClosed(conn, reason);
    }
}
