package dev.socketeer.server;

import dev.socketeer.engine.EngineSocket;
import dev.socketeer.protocol.socketio.PacketType;

/** Two observers told in turn (metrics and the admin instrumentation, for instance). */
record ServerObservers(ServerObserver first, ServerObserver second) implements ServerObserver {

    @Override
    public void connected(Socket socket) {
        first.connected(socket);
        second.connected(socket);
    }

    @Override
    public void disconnected(Socket socket, String reason) {
        first.disconnected(socket, reason);
        second.disconnected(socket, reason);
    }

    @Override
    public void messageReceived(int size) {
        first.messageReceived(size);
        second.messageReceived(size);
    }

    @Override
    public void packetReceived(PacketType type) {
        first.packetReceived(type);
        second.packetReceived(type);
    }

    @Override
    public void packetSent(int size) {
        first.packetSent(size);
        second.packetSent(size);
    }

    @Override
    public void broadcast(String namespace, int recipients) {
        first.broadcast(namespace, recipients);
        second.broadcast(namespace, recipients);
    }

    @Override
    public void ackReceived(long nanos) {
        first.ackReceived(nanos);
        second.ackReceived(nanos);
    }

    @Override
    public void volatilePacketDropped() {
        first.volatilePacketDropped();
        second.volatilePacketDropped();
    }

    @Override
    public void clientConnected(EngineSocket conn) {
        first.clientConnected(conn);
        second.clientConnected(conn);
    }

    @Override
    public void clientClosed(EngineSocket conn, String reason) {
        first.clientClosed(conn, reason);
        second.clientClosed(conn, reason);
    }

    @Override
    public void upgraded(Socket socket) {
        first.upgraded(socket);
        second.upgraded(socket);
    }

    @Override
    public void roomJoined(String namespace, String room, String id) {
        first.roomJoined(namespace, room, id);
        second.roomJoined(namespace, room, id);
    }

    @Override
    public void roomLeft(String namespace, String room, String id) {
        first.roomLeft(namespace, room, id);
        second.roomLeft(namespace, room, id);
    }

    @Override
    public boolean observesData() {
        return first.observesData() || second.observesData();
    }

    @Override
    public void dataChanged(Socket socket, String key) {
        first.dataChanged(socket, key);
        second.dataChanged(socket, key);
    }
}
