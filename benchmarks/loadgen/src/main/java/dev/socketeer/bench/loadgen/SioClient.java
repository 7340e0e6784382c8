package dev.socketeer.bench.loadgen;

import io.netty.buffer.ByteBuf;

/**
 * Socket.IO client state machine over one Engine.IO session, independent of the transport:
 * answers pings, sends the namespace CONNECT, checks broadcasts and acknowledgements.
 * Runs on one event loop; not thread-safe.
 */
abstract class SioClient {

    final LoadGen gen;
    final Stats stats;
    final int index;
    /** Room index, or -1 for the driver connection. */
    final int room;
    final Wire.Parsed scratch = new Wire.Parsed();
    boolean sioConnected;
    boolean closed;
    long connectStart;
    boolean failCounted;

    // request/ack loop
    boolean acking;
    long nextAckId;
    long outstandingId = -1;
    long outstandingSeq;
    /** What the loop asks for: {@link #OP_REQ} (an echo), {@link #OP_ROOMS} (join, then leave), {@link #OP_DATA}. */
    int op;
    boolean inTempRoom;
    /** 0: the next request as soon as the ack arrives; else that many ms after it (a paced loop). */
    long paceMillis;
    /** Which scenario's loop this is (bumped by each one), for the paced loop's scheduled requests. */
    int loop;

    static final int OP_REQ = 0;
    static final int OP_ROOMS = 1;
    static final int OP_DATA = 2;

    SioClient(LoadGen gen, int index, int room) {
        this.gen = gen;
        this.stats = gen.stats;
        this.index = index;
        this.room = room;
    }

    String roomName() {
        return room < 0 ? "driver" : "r" + room;
    }

    /** Sends one Engine.IO text packet (type digit + data). */
    abstract void send(String packet, boolean flush);

    abstract void close();

    /** The channel whose event loop runs this client. */
    abstract io.netty.channel.Channel channel();

    /** One Engine.IO text packet in {@code b[from, to)}. */
    final void onPacket(ByteBuf b, int from, int to) {
        if (from >= to) {
            return;
        }
        switch (b.getByte(from)) {
            case '0' -> send("40{\"room\":\"" + roomName() + "\"}", true);
            case '2' -> {
                stats.pingsAnswered.increment();
                send("3", true);
            }
            case '4' -> onMessage(b, from + 1, to);
            case '1' -> close();
            default -> {
                // noop (6) and anything else
            }
        }
    }

    private void onMessage(ByteBuf b, int from, int to) {
        if (from >= to) {
            return;
        }
        switch (b.getByte(from)) {
            case '0' -> {
                if (!sioConnected) {
                    sioConnected = true;
                    stats.connected.increment();
                    if (room >= 0) {
                        stats.roomMembers.incrementAndGet(room);
                    }
                    stats.connectLatency.recordValue(Stats.clamp(System.nanoTime() - connectStart));
                    gen.onConnected(this);
                }
            }
            case '2' -> onEvent(b, from - 1, to);
            case '3' -> onAck(b, from + 1, to);
            case '4' -> {
                stats.connectErrorPackets.increment();
                gen.onConnectFailed(this);
                close();
            }
            default -> {
            }
        }
    }

    private void onEvent(ByteBuf b, int from, int to) {
        // from points at "42"
        if (!Wire.startsWith(b, from, to, Wire.EVENT_M)) {
            stats.corrupt.increment();
            return;
        }
        Wire.Parsed p = scratch;
        if (!Wire.parsePayload(b, from + Wire.EVENT_M.length, to, gen.payloadSize, p)
                || !Wire.endsArgs(b, p.end, to)) {
            stats.corrupt.increment();
            return;
        }
        if (p.seq < stats.phaseFirstSeq) {
            stats.late.increment();
            return;
        }
        stats.delivered.increment();
        stats.recordLatency(System.nanoTime() - p.nanos);
    }

    private void onAck(ByteBuf b, int from, int to) {
        Wire.Parsed p = scratch;
        long id = Wire.digits(b, from, to, p);
        int i = p.end;
        if (id != outstandingId || !Wire.startsWith(b, i, to, Wire.ACK_OPEN)
                || !Wire.parsePayload(b, i + 2, to, gen.payloadSize, p)
                || p.seq != outstandingSeq || p.end + 1 != to || b.getByte(p.end) != ']') {
            stats.badAcks.increment();
            outstandingId = -1;
            return;
        }
        outstandingId = -1;
        stats.acks.increment();
        stats.recordLatency(System.nanoTime() - p.nanos);
        if (acking && paceMillis > 0) {
            int loop = this.loop;
            channel().eventLoop().schedule(() -> sendNextPaced(loop), paceMillis,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        } else if (acking) {
            sendRequest();
        }
    }

    /** The paced loop's next request, {@link #paceMillis} after the last ack. */
    final void sendNextPaced(int loop) {
        // a request scheduled by an earlier scenario's loop must not start a second chain in this one
        if (acking && loop == this.loop && outstandingId < 0 && sioConnected && !closed) {
            sendRequest();
        }
    }

    /** Starts the emitWithAck loop (call on the event loop). */
    final void startAcking() {
        acking = true;
        if (outstandingId < 0 && sioConnected && !closed) {
            sendRequest();
        }
    }

    final void sendRequest() {
        long seq = gen.nextSeq();
        long id = nextAckId++;
        outstandingId = id;
        outstandingSeq = seq;
        stats.requests.increment();
        String payload = Wire.payload(seq, System.nanoTime(), gen.payloadSize);
        String packet = switch (op) {
            // a room of its own per client ("t<index>"): joined by one request, left by the next
            case OP_ROOMS -> "42" + id + "[\"" + ((inTempRoom = !inTempRoom) ? "join" : "leave") + "\",\"t" + index
                    + "\",\"" + payload + "\"]";
            case OP_DATA -> "42" + id + "[\"data\",\"" + payload + "\"]";
            default -> "42" + id + "[\"req\",\"" + payload + "\"]";
        };
        send(packet, true);
    }

    /** Driver only: asks the server to broadcast one payload to a room. */
    final void sendBroadcast(int targetRoom, long seq, boolean flush) {
        send("42[\"bcast\",\"r" + targetRoom + "\",\"" + Wire.payload(seq, System.nanoTime(), gen.payloadSize) + "\"]", flush);
    }
}
