package dev.socketeer.bench.app;

import dev.socketeer.adapter.AdapterFactory;
import dev.socketeer.autoconfigure.SocketIoServerCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The Socketeer server under test. The same handler logic as every other server of the
 * benchmark: join the room named by the {@code room} query parameter; on {@code bcast(room,
 * payload)} broadcast {@code m(payload)} to that room; answer {@code req(payload)} with an ack
 * carrying the payload back. The {@code room} parameter may name several rooms, comma-separated.
 *
 * <p>Measurement hooks of the scale scenario ({@code benchmarks/run.sh --scale}), the same in the Node server:
 * {@code bcastall(payload)} broadcasts {@code m(payload)} to every socket of the cluster ({@code io.emit});
 * {@code fetch(room)} runs a cluster-wide {@code fetchSockets()} on the room ({@code "*"}: on all sockets) and
 * acks {@code (count, micros)}; {@code count()} runs {@code serverCount()} and acks {@code (count, micros)}; the
 * micros are the time the node took, from the call to the answer.
 *
 * <p>For the recovery-cost mode ({@code run.sh --recovery-cost}): {@code join(room,
 * payload)} and {@code leave(room, payload)} join and leave a room, {@code data(payload)} sets the socket's data
 * entry {@code v} to the payload; each acks the payload (a join's ack waits until the socket gets the room's
 * broadcasts from every node).
 */
@SpringBootApplication
public class BenchApplication {

    public static void main(String[] args) {
        SpringApplication.run(BenchApplication.class, args);
    }

    /** Says which adapter runs: the harness checks it before the cross-node scenario. */
    @Bean
    ApplicationRunner benchAdapterReport(ObjectProvider<AdapterFactory> adapters) {
        return args -> {
            AdapterFactory f = adapters.getIfAvailable();
            System.out.println("socketeer-bench adapter: " + (f == null ? "default (in-memory)" : f.getClass().getName()));
        };
    }

    @Bean
    SocketIoServerCustomizer benchHandlers() {
        return server -> server.onConnection(socket -> {
            String room = socket.handshake().query().get("room");
            if (room != null) {
                for (String r : room.split(",")) {
                    socket.join(r);
                }
            }
            socket.on("bcast", (args, ack) -> server.to(args.get(0).asString()).emit("m", args.get(1)));
            socket.on("bcastall", (args, ack) -> server.emit("m", args.get(0)));
            socket.on("fetch", (args, ack) -> {
                String target = args.get(0).asString();
                long t0 = System.nanoTime();
                ("*".equals(target) ? server.fetchSockets() : server.in(target).fetchSockets())
                        .whenComplete((sockets, error) -> answer(ack, error == null ? sockets.size() : -1, t0, error));
            });
            socket.on("count", (args, ack) -> {
                long t0 = System.nanoTime();
                server.sockets().adapter().serverCount()
                        .whenComplete((count, error) -> answer(ack, error == null ? count : -1, t0, error));
            });
            socket.on("join", (args, ack) -> {
                socket.join(args.get(0).asString());
                if (ack != null) {
                    ack.send(args.get(1));
                }
            });
            socket.on("leave", (args, ack) -> {
                socket.leave(args.get(0).asString());
                if (ack != null) {
                    ack.send(args.get(1));
                }
            });
            socket.on("data", (args, ack) -> {
                socket.data().put("v", args.get(0).asString());
                if (ack != null) {
                    ack.send(args.get(0));
                }
            });
            socket.on("req", (args, ack) -> {
                if (ack != null) {
                    ack.send(args.get(0));
                }
            });
        });
    }

    private static void answer(dev.socketeer.server.Ack ack, int count, long t0, Throwable error) {
        if (error != null) {
            System.out.println("socketeer-bench query failed: " + error);
        }
        if (ack != null) {
            ack.send(count, (System.nanoTime() - t0) / 1000);
        }
    }
}
