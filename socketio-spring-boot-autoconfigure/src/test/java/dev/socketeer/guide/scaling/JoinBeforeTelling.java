package dev.socketeer.guide.scaling;

import dev.socketeer.autoconfigure.SocketIoServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class JoinBeforeTelling {

    @Bean
    SocketIoServerCustomizer joinThenTell() {
        return server -> server.onConnection(socket -> {
            String room = "team-" + socket.handshake().auth().path("team").asString();
            socket.join(room).whenComplete((joined, error) -> {
                // error: a ClusterException; the socket is in the room all the same, on this node
                socket.emit("ready", room);
            });
        });
    }
}
