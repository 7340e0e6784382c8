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
 * carrying the payload back. For the recovery-cost mode ({@code run.sh --recovery-cost}): {@code join(room,
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
                socket.join(room);
            }
            socket.on("bcast", (args, ack) -> server.to(args.get(0).asString()).emit("m", args.get(1)));
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
}
