package dev.socketeer.bench.nettysio;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketConfig;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;

/**
 * netty-socketio under test, with the benchmark's handler logic: join the room named by the
 * {@code room} query parameter; {@code bcast(room, payload)} broadcasts {@code m(payload)} to it;
 * {@code req(payload)} is acknowledged with the payload.
 */
public final class NettySocketIoServer {

    public static void main(String[] args) throws InterruptedException {
        Configuration config = new Configuration();
        config.setHostname("127.0.0.1");
        config.setPort(Integer.parseInt(System.getenv().getOrDefault("PORT", "3000")));
        config.setTransports(Transport.WEBSOCKET, Transport.POLLING);
        config.setUseLinuxNativeEpoll(true);
        config.setPingInterval(25_000);
        config.setPingTimeout(20_000);
        config.setMaxFramePayloadLength(1 << 20);
        config.setMaxHttpContentLength(1 << 20);
        SocketConfig socketConfig = new SocketConfig();
        socketConfig.setReuseAddress(true);
        socketConfig.setTcpNoDelay(true);
        socketConfig.setAcceptBackLog(4096);
        config.setSocketConfig(socketConfig);

        SocketIOServer server = new SocketIOServer(config);
        server.addConnectListener(client -> {
            String room = client.getHandshakeData().getSingleUrlParam("room");
            if (room != null) {
                client.joinRoom(room);
            }
        });
        server.addMultiTypeEventListener("bcast",
                (client, data, ackRequest) -> server.getRoomOperations((String) data.get(0)).sendEvent("m", (Object) data.get(1)),
                String.class, String.class);
        server.addEventListener("req", String.class, (client, data, ackRequest) -> {
            if (ackRequest.isAckRequested()) {
                ackRequest.sendAckData(data);
            }
        });
        server.start();
        System.err.println("netty-socketio listening on " + config.getPort());
        Thread.currentThread().join();
    }
}
