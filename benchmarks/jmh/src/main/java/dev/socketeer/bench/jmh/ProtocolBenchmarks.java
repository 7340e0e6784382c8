package dev.socketeer.bench.jmh;

import dev.socketeer.protocol.engineio.EngineCodec;
import dev.socketeer.protocol.engineio.EngineMessage;
import dev.socketeer.protocol.socketio.EncodedPacket;
import dev.socketeer.protocol.socketio.Packet;
import dev.socketeer.protocol.socketio.PacketDecoder;
import dev.socketeer.protocol.socketio.PacketEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hot paths of the protocol layer: Socket.IO packet encode/decode, the encode-once broadcast
 * (one {@link EngineMessage} whose frame bytes every recipient shares), and long-polling payload
 * framing. Run with {@code benchmarks/run.sh --jmh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ProtocolBenchmarks {

    /** Payload length of the event argument, as in the load benchmark. */
    @Param({"100"})
    public int payload;

    /** Recipients of one broadcast (a room of the load benchmark). */
    @Param({"100"})
    public int recipients;

    private final JsonMapper mapper = JsonMapper.builder().build();
    private PacketEncoder encoder;
    private PacketDecoder decoder;
    private Packet event;
    private String eventText;
    private String ackText;
    private List<byte[]> pollingPackets;
    private String pollingPayload;

    @Setup(Level.Trial)
    public void setUp() {
        encoder = new PacketEncoder(mapper);
        decoder = new PacketDecoder(mapper);
        String body = "1234," + System.nanoTime() + "," + "x".repeat(Math.max(1, payload - 25));
        event = Packet.event("/", null, List.of("m", body));
        eventText = encoder.encode(event).text();
        ackText = "2" + 17 + "[\"req\",\"" + body + "\"]"; // a Socket.IO packet: no Engine.IO "4" in front
        pollingPackets = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            EngineMessage m = EngineMessage.text(eventText);
            pollingPackets.add(m.pollingBytes());
            if (i > 0) {
                sb.append((char) EngineCodec.SEPARATOR);
            }
            sb.append('4').append(eventText);
        }
        pollingPayload = sb.toString();
    }

    /** Encoding one EVENT packet with a string argument (what every broadcast does once). */
    @Benchmark
    public EncodedPacket encodeEvent() {
        return encoder.encode(event);
    }

    /** Decoding an incoming EVENT with an ack id (what every emitWithAck request costs). */
    @Benchmark
    public Packet decodeEventWithAck() {
        return decoder.decode(ackText);
    }

    /** Encoding an ACK answering a request. */
    @Benchmark
    public EncodedPacket encodeAck() {
        return encoder.encode(Packet.ack("/", 17, List.of("payload-" + payload)));
    }

    /**
     * One broadcast to a room, encoded once: the encode plus handing the same frame bytes to
     * every recipient (what the in-memory adapter does before the transport writes).
     */
    @Benchmark
    public void broadcastEncodeOnce(Blackhole bh) {
        EngineMessage message = EngineMessage.text(encoder.encode(event).text());
        for (int i = 0; i < recipients; i++) {
            bh.consume(message.frameBytes());
        }
    }

    /** The naive alternative, for scale: encoding once per recipient. */
    @Benchmark
    public void broadcastEncodePerRecipient(Blackhole bh) {
        for (int i = 0; i < recipients; i++) {
            bh.consume(EngineMessage.text(encoder.encode(event).text()).frameBytes());
        }
    }

    /** Joining 8 buffered packets into one long-polling response body. */
    @Benchmark
    public byte[] pollingEncodePayload() {
        return EngineCodec.encodePayload(pollingPackets);
    }

    /** Splitting a POSTed long-polling body of 8 packets. */
    @Benchmark
    public Object pollingDecodePayload() {
        return EngineCodec.decodePayload(pollingPayload);
    }
}
