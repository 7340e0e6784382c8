package dev.socketeer.guide.scaling;

import dev.socketeer.adapter.ClusterException;
import dev.socketeer.adapter.ClusterUnavailableException;
import dev.socketeer.annotation.OnEvent;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.annotation.SocketIoExceptionHandler;
import dev.socketeer.server.RemoteSocket;
import dev.socketeer.server.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;

@SocketIoController
class LobbyController {

    @OnEvent("join")
    String join(Socket socket, String room) {
        socket.join(room);             // the ack below waits until the room's subscription is live
        return "joined " + room;
    }

    @OnEvent("who")
    CompletableFuture<List<String>> who(Socket socket, String room) {
        return socket.namespace().in(room).fetchSockets()           // every node, within requests-timeout
                .thenApply(sockets -> sockets.stream().map(RemoteSocket::id).toList());
    }

    @SocketIoExceptionHandler
    String clusterDown(ClusterUnavailableException error) {        // Redis or Postgres unreachable: at once
        return "the cluster is unreachable, try again in a moment";
    }

    @SocketIoExceptionHandler
    String clusterSlow(ClusterException error) {                   // any other cluster trouble (a timeout)
        return "the cluster did not answer in time";
    }
}
