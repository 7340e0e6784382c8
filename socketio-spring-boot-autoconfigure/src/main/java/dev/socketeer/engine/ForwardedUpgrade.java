package dev.socketeer.engine;

import dev.socketeer.engine.Transport.Outbound;
import dev.socketeer.protocol.engineio.EngineCodec;
import dev.socketeer.protocol.engineio.EngineMessage;
import dev.socketeer.protocol.engineio.EnginePacket;
import dev.socketeer.protocol.engineio.EnginePacketType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;

/**
 * A WebSocket that reached this node to upgrade a session another node holds (sticky sessions off). This node
 * answers the probe itself once the session's node agreed; after the client's {@code upgrade} packet, the session's
 * node either keeps the session and relays it through this WebSocket (its packets come here through
 * {@link #deliver}, the client's go there through {@link SessionForwarder.Relay#packet}), or hands the session over
 * (a session the Socket.IO layer had not seen yet: Node's {@code @socket.io/cluster-engine} does that), and it
 * lives here from then on.
 *
 * <p>The forwarder's calls and the connection's may come on any threads; they are serialised here.
 */
public final class ForwardedUpgrade implements EngineWebSocket.Inbound {

    /** How many packets may arrive before the session's node answered (a probe, then what a client sends at once). */
    private static final int MAX_HELD = 1024;

    private enum State { LOCKING, PROBING, CONFIRMING, RELAYING, ADOPTED, CLOSED }

    private final EngineServer server;
    private final String sid;
    private final EngineRequest request;
    private final WebSocketTransport ws;
    // Guarded by this.
    private State state = State.LOCKING;
    private final List<EnginePacket> held = new ArrayList<>();
    private SessionForwarder.Relay relay;
    private Disposable upgradeTimer;
    private ServerEngineSocket adoptedSocket;
    private volatile EngineWebSocket.Inbound adopted;

    ForwardedUpgrade(EngineServer server, String sid, EngineRequest request, WebSocketTransport ws) {
        this.server = server;
        this.sid = sid;
        this.request = request;
        this.ws = ws;
        // as for a local upgrade: a client that does not finish it in time loses the WebSocket, not its session
        this.upgradeTimer = server.scheduler().schedule(() -> {
            synchronized (this) {
                if (state != State.LOCKING && state != State.PROBING) {
                    return;
                }
                closeNow("upgrade timeout");
            }
            ws.close();
        }, server.options().upgradeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The id of the session being upgraded. */
    public String sid() {
        return sid;
    }

    // ---- for the forwarder

    /** The session's node agreed to the upgrade: the probe is answered here, traffic then goes through {@code relay}. */
    public void granted(SessionForwarder.Relay relay) {
        synchronized (this) {
            if (state == State.CLOSED) {
                // the WebSocket went away while the lock was on its way: its node need not wait for it
                relay.abandoned();
                return;
            }
            if (state != State.LOCKING) {
                return;
            }
            this.relay = relay;
            state = State.PROBING;
            List<EnginePacket> early = List.copyOf(held);
            held.clear();
            for (EnginePacket packet : early) {
                onProbingPacket(packet);
            }
        }
        closeIfClosed();
    }

    /** No node agreed (the session is gone, upgrading already, or its node does not lend upgrades): the WebSocket closes. */
    public void refused() {
        synchronized (this) {
            if (state != State.LOCKING) {
                return;
            }
            state = State.CLOSED;
            upgradeTimer.dispose();
        }
        ws.close();
    }

    /** Packets the session's node sends to the client, in order; a {@code close} packet ends the WebSocket after it. */
    public void deliver(List<EnginePacket> packets) {
        boolean close = false;
        synchronized (this) {
            if (state != State.CONFIRMING && state != State.RELAYING) {
                return;
            }
            List<Outbound> frames = new ArrayList<>(packets.size());
            for (EnginePacket packet : packets) {
                frames.add(outbound(packet));
                close |= packet.type() == EnginePacketType.CLOSE;
            }
            ws.send(frames, false);
            if (close) {
                state = State.CLOSED;
            }
        }
        if (close) {
            ws.close();
        }
    }

    /**
     * The session's node switched to this WebSocket: it keeps the session and relays it ({@code takeOver} false), or
     * handed it over with the packets the client had sent it ({@code takeOver} true), and it lives here from now on.
     */
    public void completed(boolean takeOver, List<EnginePacket> packets) {
        ServerEngineSocket socket;
        synchronized (this) {
            if (state != State.CONFIRMING) {
                return;
            }
            if (!takeOver) {
                state = State.RELAYING;
                held.forEach(relay::packet);
                held.clear();
                return;
            }
            state = State.ADOPTED;
            List<EnginePacket> all = new ArrayList<>(packets);
            all.addAll(held);
            held.clear();
            socket = server.adopt(sid, request, ws, all);
            adoptedSocket = socket;
            adopted = socket == null ? null : socket.inbound(ws);
        }
        if (socket == null) {
            ws.close();
        } else {
            server.announce(socket);
        }
    }

    /** The session's node did not answer the upgrade in time: the WebSocket closes, and the session with it. */
    public void failed() {
        synchronized (this) {
            if (state != State.CONFIRMING) {
                return;
            }
            state = State.CLOSED;
            relay.close("transport close");
        }
        ws.close();
    }

    // ---- the connection

    @Override
    public void onText(String text) {
        EngineWebSocket.Inbound target = adopted;
        if (target != null) {
            target.onText(text);
            return;
        }
        EnginePacket packet;
        try {
            packet = EngineCodec.decodeText(text);
        } catch (IllegalArgumentException e) {
            packet = null;
        }
        onPacket(packet);
    }

    @Override
    public void onBinary(byte[] data) {
        EngineWebSocket.Inbound target = adopted;
        if (target != null) {
            target.onBinary(data);
            return;
        }
        onPacket(EngineCodec.decodeBinary(data));
    }

    private void onPacket(EnginePacket packet) {
        ServerEngineSocket socket = null;
        synchronized (this) {
            switch (state) {
                case LOCKING, CONFIRMING -> {
                    if (packet == null || held.size() >= MAX_HELD) {
                        closeNow("parse error");
                    } else {
                        held.add(packet);
                    }
                }
                case PROBING -> onProbingPacket(packet);
                case RELAYING -> {
                    if (packet == null) {
                        closeNow("parse error");
                    } else {
                        relay.packet(packet);
                    }
                }
                case ADOPTED -> socket = adoptedSocket; // a packet that raced the hand-over
                case CLOSED -> {
                    // a closed attempt reads nothing
                }
            }
        }
        if (socket != null) {
            socket.onWebSocketPacket(ws, packet);
            return;
        }
        closeIfClosed();
    }

    /** The probe, then the upgrade packet; anything else ends the attempt (under this lock). */
    private void onProbingPacket(EnginePacket packet) {
        if (packet != null && packet.type() == EnginePacketType.PING && "probe".equals(packet.data())) {
            ws.send(List.of(Outbound.control(EnginePacketType.PONG, "probe")), false);
        } else if (packet != null && packet.type() == EnginePacketType.UPGRADE) {
            upgradeTimer.dispose();
            state = State.CONFIRMING;
            relay.upgraded();
        } else {
            closeNow("probe error");
        }
    }

    /**
     * Ends the attempt (under this lock): the relayed session, if any, closes with {@code reason}; a session whose
     * upgrade was granted but not done is released.
     */
    private void closeNow(String reason) {
        if (state == State.CONFIRMING || state == State.RELAYING) {
            relay.close(reason);
        } else if (state == State.PROBING) {
            relay.abandoned();
        }
        state = State.CLOSED;
        upgradeTimer.dispose();
    }

    private void closeIfClosed() {
        boolean closed;
        synchronized (this) {
            closed = state == State.CLOSED;
        }
        if (closed) {
            ws.close();
        }
    }

    /** The server shuts down: a relayed client gets the close packet, the session's node is told, the WebSocket closes. */
    void shutdown() {
        synchronized (this) {
            if (state == State.ADOPTED || state == State.CLOSED) {
                return;
            }
            if (state == State.CONFIRMING || state == State.RELAYING) {
                ws.send(List.of(Outbound.control(EnginePacketType.CLOSE, "")), false);
            }
            closeNow("transport close");
        }
        ws.close();
    }

    @Override
    public void onClose(boolean error) {
        server.forget(this);
        EngineWebSocket.Inbound target = adopted;
        if (target != null) {
            target.onClose(error);
            return;
        }
        synchronized (this) {
            if (state != State.CLOSED) {
                closeNow(error ? "transport error" : "transport close");
            }
        }
    }

    @Override
    public void onDrain() {
        EngineWebSocket.Inbound target = adopted;
        if (target != null) {
            target.onDrain();
        }
    }

    @Override
    public void onSlowClient(long bufferedBytes, boolean stalled) {
        EngineWebSocket.Inbound target = adopted;
        if (target != null) {
            target.onSlowClient(bufferedBytes, stalled);
            return;
        }
        synchronized (this) {
            if (state != State.CLOSED) {
                closeNow(ServerEngineSocket.SLOW_CLIENT);
            }
        }
        ws.close();
    }

    private static Outbound outbound(EnginePacket packet) {
        return packet.isBinary() ? Outbound.message(EngineMessage.binary(packet.binary()), false)
                : Outbound.control(packet.type(), packet.data());
    }
}
