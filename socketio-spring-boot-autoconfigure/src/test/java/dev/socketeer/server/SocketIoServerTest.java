package dev.socketeer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.adapter.AckTimeoutException;
import dev.socketeer.engine.EngineSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

class SocketIoServerTest {

    private Consumer<EngineSocket> engine;
    private final SocketIoServer server = new SocketIoServer(hook -> engine = hook, null,
            ServerOptions.defaults().withConnectTimeout(Duration.ofMillis(1500)));
    private int count;

    @AfterEach
    void close() {
        server.close();
    }

    private TestEngineSocket connectEngine() {
        TestEngineSocket socket = new TestEngineSocket("engine" + count++);
        engine.accept(socket);
        return socket;
    }

    private void echoHandlers() {
        server.onConnection(socket -> {
            socket.emit("auth", socket.handshake().auth());
            socket.on("message", (args, ack) -> socket.emit("message-back", args.toArray()));
            socket.on("message-with-ack", (args, ack) -> ack.send(args.toArray()));
        });
    }

    @Test
    void connectRepliesWithSidOnlyThenHandlersRun() {
        echoHandlers();
        TestEngineSocket conn = connectEngine();
        conn.receive("0{\"token\":\"123\"}");
        assertThat(conn.texts()).hasSize(2);
        assertThat(conn.texts().get(0)).matches("0\\{\"sid\":\"[A-Za-z0-9_-]{20}\"\\}");
        assertThat(conn.texts().get(1)).isEqualTo("2[\"auth\",{\"token\":\"123\"}]");
    }

    @Test
    void handshakeAuthKeepsEveryFieldInOrderAndStaysMutable() {
        server.onConnection(socket -> {
            ObjectNode auth = (ObjectNode) socket.handshake().auth();
            auth.put("seen", true);
            socket.emit("auth", socket.handshake().auth());
        });
        TestEngineSocket conn = connectEngine();
        conn.receive("0{\"z\":1,\"a\":\"x\",\"nested\":{\"k\":[1,2]},\"m\":null}");
        assertThat(conn.texts().get(1))
                .isEqualTo("2[\"auth\",{\"z\":1,\"a\":\"x\",\"nested\":{\"k\":[1,2]},\"m\":null,\"seen\":true}]");
    }

    @Test
    void eventThatArrivesWhileConnectionListenersRunIsDeliveredOnceTheyHaveRun() {
        // As when an asynchronous middleware completes off the connection's thread: the client answers
        // the CONNECT before the listener has registered its handlers.
        List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        TestEngineSocket conn = connectEngine();
        server.onConnection(socket -> {
            conn.receive("2[\"hello\",1]");
            socket.on("hello", (args, ack) -> received.add("hello " + args.get(0).asInt()));
        });
        conn.receive("0");
        assertThat(received).containsExactly("hello 1");
        conn.receive("2[\"hello\",2]");
        assertThat(received).containsExactly("hello 1", "hello 2");
    }

    @Test
    void socketIdDiffersFromEngineId() {
        AtomicReference<Socket> connected = new AtomicReference<>();
        server.onConnection(connected::set);
        TestEngineSocket conn = connectEngine();
        conn.receive("0");
        assertThat(connected.get().id()).hasSize(20).isNotEqualTo(conn.id());
        assertThat(connected.get().rooms()).containsExactly(connected.get().id());
    }

    @Test
    void unknownNamespaceIsRefusedAndConnectionStaysOpen() {
        TestEngineSocket conn = connectEngine();
        conn.receive("0/random");
        assertThat(conn.texts()).containsExactly("4/random,{\"message\":\"Invalid namespace\"}");
        assertThat(conn.open).isTrue();
    }

    @Test
    void customNamespaceConnectsWithAuth() {
        server.of("/custom").onConnection(socket -> socket.emit("auth", socket.handshake().auth()));
        TestEngineSocket conn = connectEngine();
        conn.receive("0/custom,{\"token\":\"abc\"}");
        assertThat(conn.texts().get(0)).startsWith("0/custom,{\"sid\":");
        assertThat(conn.texts().get(1)).isEqualTo("2/custom,[\"auth\",{\"token\":\"abc\"}]");
    }

    @Test
    void echoesEventsAndAcknowledgements() {
        echoHandlers();
        TestEngineSocket conn = connectEngine();
        conn.receive("0");
        conn.receive("2[\"message\",1,\"2\",{\"3\":[true]}]");
        assertThat(conn.lastText()).isEqualTo("2[\"message-back\",1,\"2\",{\"3\":[true]}]");
        conn.receive("2456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");
        assertThat(conn.lastText()).isEqualTo("3456[1,\"2\",{\"3\":[false]}]");
    }

    @Test
    void echoesBinaryAttachments() {
        echoHandlers();
        TestEngineSocket conn = connectEngine();
        conn.receive("0");
        conn.sent.clear();
        conn.receive("52-789[\"message-with-ack\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        conn.receive(new byte[] {1, 2, 3});
        conn.receive(new byte[] {4, 5, 6});
        assertThat(conn.sent).hasSize(3);
        assertThat(conn.sent.get(0).text())
                .isEqualTo("62-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        assertThat(conn.sent.get(1).binary()).containsExactly(1, 2, 3);
        assertThat(conn.sent.get(2).binary()).containsExactly(4, 5, 6);
    }

    @Test
    void invalidPacketClosesTheConnection() {
        echoHandlers();
        List<String> reasons = new CopyOnWriteArrayList<>();
        server.onConnection(socket -> socket.onDisconnect((s, reason) -> reasons.add(reason)));
        TestEngineSocket conn = connectEngine();
        conn.receive("0");
        conn.receive("2{}");
        assertThat(conn.open).isFalse();
        assertThat(reasons).containsExactly("forced close");
    }

    @Test
    void packetForNamespaceNotJoinedClosesTheConnection() {
        server.of("/custom");
        TestEngineSocket conn = connectEngine();
        conn.receive("0");
        conn.receive("2/custom,[\"x\"]");
        assertThat(conn.open).isFalse();
    }

    @Test
    void connectTwiceToSameNamespaceClosesTheConnection() {
        TestEngineSocket conn = connectEngine();
        conn.receive("0");
        conn.receive("0");
        assertThat(conn.open).isFalse();
    }

    @Test
    void closesConnectionThatJoinsNoNamespaceWithinConnectTimeout() {
        TestEngineSocket conn = connectEngine();
        await().atMost(Duration.ofSeconds(6)).until(() -> !conn.open);
    }

    @Test
    void clientNamespaceDisconnectKeepsTheConnection() {
        List<String> reasons = new CopyOnWriteArrayList<>();
        server.onConnection(socket -> {
            socket.onDisconnecting((s, reason) -> reasons.add("disconnecting " + s.rooms().size()));
            socket.onDisconnect((s, reason) -> reasons.add(reason + " " + s.rooms().size()));
        });
        TestEngineSocket conn = connectEngine();
        conn.receive("0");
        conn.receive("1");
        assertThat(reasons).containsExactly("disconnecting 1", "client namespace disconnect 0");
        assertThat(conn.open).isTrue();
    }

    @Test
    void offRemovesOneListenerAndTheOthersStillHearTheEvent() {
        List<String> heard = new CopyOnWriteArrayList<>();
        EventArgsListener first = (args, ack) -> heard.add("first " + args.get(0).asInt());
        EventArgsListener second = (args, ack) -> heard.add("second " + args.get(0).asInt());
        AtomicReference<Socket> connected = new AtomicReference<>();
        server.onConnection(socket -> {
            socket.on("ev", first).on("ev", second).on("other", first);
            connected.set(socket);
        });
        TestEngineSocket conn = connectEngine();
        conn.receive("0");
        conn.receive("2[\"ev\",1]");
        connected.get().off("ev", first);
        conn.receive("2[\"ev\",2]");
        conn.receive("2[\"other\",3]");
        connected.get().off("ev", second).off("ev", second).off("missing", first);
        conn.receive("2[\"ev\",4]");
        assertThat(heard).containsExactly("first 1", "second 1", "second 2", "first 3");
    }

    @Test
    void oneConnectionInTwoNamespacesRoutesEachPacketToItsSocket() {
        List<String> heard = new CopyOnWriteArrayList<>();
        server.onConnection(socket -> socket.on("ev", (args, ack) -> heard.add("/ " + args.get(0).asInt())));
        server.of("/custom").onConnection(socket -> socket.on("ev", (args, ack) -> heard.add("/custom " + args.get(0).asInt())));
        TestEngineSocket conn = connectEngine();
        conn.receive("0");
        conn.receive("0/custom,");
        conn.receive("2[\"ev\",1]");
        conn.receive("2/custom,[\"ev\",2]");
        conn.receive("1/custom,");
        conn.receive("2[\"ev\",3]");
        conn.receive("0/custom,");
        conn.receive("2/custom,[\"ev\",4]");
        assertThat(heard).containsExactly("/ 1", "/custom 2", "/ 3", "/custom 4");
        assertThat(conn.open).isTrue();
    }

    @Test
    void middlewareRefusalSendsConnectErrorWithData() {
        server.of("/secure").use((socket, next) -> next.refuse(new ConnectionRefusedException("not authorized",
                java.util.Map.of("code", 42))));
        TestEngineSocket conn = connectEngine();
        conn.receive("0/secure,");
        assertThat(conn.texts()).containsExactly("4/secure,{\"message\":\"not authorized\",\"data\":{\"code\":42}}");
    }

    @Test
    void reactiveMiddlewareErrorRefusesWithMessageOnly() {
        server.use(socket -> Mono.error(new IllegalStateException("nope")));
        TestEngineSocket conn = connectEngine();
        conn.receive("0");
        assertThat(conn.texts()).containsExactly("4{\"message\":\"nope\"}");
    }

    @Test
    void broadcastToRoomSkipsExceptedSocketsAndSharesMessages() {
        List<Socket> sockets = new CopyOnWriteArrayList<>();
        server.onConnection(sockets::add);
        TestEngineSocket a = connectEngine();
        TestEngineSocket b = connectEngine();
        TestEngineSocket c = connectEngine();
        a.receive("0");
        b.receive("0");
        c.receive("0");
        sockets.forEach(s -> s.join("room"));
        sockets.get(2).join("quiet");
        server.to("room").except("quiet").emit("news", 1);
        assertThat(a.lastText()).isEqualTo("2[\"news\",1]");
        assertThat(b.lastText()).isEqualTo("2[\"news\",1]");
        assertThat(a.sent.get(a.sent.size() - 1)).isSameAs(b.sent.get(b.sent.size() - 1));
        assertThat(c.lastText()).startsWith("0{");
    }

    @Test
    void socketBroadcastExcludesItself() {
        List<Socket> sockets = new CopyOnWriteArrayList<>();
        server.onConnection(sockets::add);
        TestEngineSocket a = connectEngine();
        TestEngineSocket b = connectEngine();
        a.receive("0");
        b.receive("0");
        sockets.get(0).broadcast().emit("hi");
        assertThat(a.lastText()).startsWith("0{");
        assertThat(b.lastText()).isEqualTo("2[\"hi\"]");
    }

    @Test
    void volatileBroadcastSkipsNonWritableClients() {
        TestEngineSocket a = connectEngine();
        a.receive("0");
        a.writable = false;
        server.asVolatile().emit("tick");
        assertThat(a.lastText()).startsWith("0{");
    }

    @Test
    void broadcastWithAckCollectsEveryAnswer() {
        TestEngineSocket a = connectEngine();
        TestEngineSocket b = connectEngine();
        a.receive("0");
        b.receive("0");
        // The CONNECT may complete on another thread: broadcast only once both sockets are in.
        await().atMost(Duration.ofSeconds(5)).until(() -> a.lastText() != null && b.lastText() != null);
        var result = server.timeout(Duration.ofSeconds(5)).emitWithAck("q", "x");
        assertThat(a.lastText()).isEqualTo("20[\"q\",\"x\"]");
        a.receive("30[\"ra\"]");
        assertThat(result).isNotDone();
        b.receive("30[\"rb\"]");
        assertThat(result).isCompleted();
        assertThat(result.join()).extracting(node -> node.stringValue()).containsExactlyInAnyOrder("ra", "rb");
    }

    @Test
    void broadcastWithAckTimesOutWithPartialResponses() {
        TestEngineSocket a = connectEngine();
        TestEngineSocket b = connectEngine();
        a.receive("0");
        b.receive("0");
        var result = server.timeout(Duration.ofMillis(100)).emitWithAck("q");
        a.receive("30[\"ra\"]");
        await().atMost(Duration.ofSeconds(2)).until(result::isDone);
        assertThat(result).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                .isInstanceOf(AckTimeoutException.class).withMessage("operation has timed out")
                .satisfies(e -> assertThat(((AckTimeoutException) e).responses()).hasSize(1));
    }

    @Test
    void socketEmitWithAckCompletesWithClientAnswer() {
        AtomicReference<Socket> connected = new AtomicReference<>();
        server.onConnection(connected::set);
        TestEngineSocket conn = connectEngine();
        conn.receive("0");
        var result = connected.get().timeout(Duration.ofSeconds(5)).emitWithAck("ping", 1);
        assertThat(conn.lastText()).isEqualTo("20[\"ping\",1]");
        conn.receive("30[\"pong\",2]");
        assertThat(result.join()).hasSize(2);
    }

    @Test
    void listenerExceptionDoesNotCloseTheConnection() {
        server.onConnection(socket -> socket.on("boom", (args, ack) -> {
            throw new IllegalStateException("listener failure");
        }));
        TestEngineSocket conn = connectEngine();
        conn.receive("0");
        conn.receive("2[\"boom\"]");
        assertThat(conn.open).isTrue();
    }

    @Test
    void reservedEventNamesCannotBeEmitted() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> server.emit("disconnect"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved event name");
    }

    @Test
    void dynamicNamespaceCreatesChildrenThatInheritListeners() {
        List<String> seen = new CopyOnWriteArrayList<>();
        server.of(Pattern.compile("^/dynamic-\\d+$")).onConnection(socket -> seen.add(socket.namespace().name()));
        TestEngineSocket conn = connectEngine();
        conn.receive("0/dynamic-101,");
        assertThat(conn.texts().get(0)).startsWith("0/dynamic-101,{\"sid\":");
        assertThat(seen).containsExactly("/dynamic-101");
        conn.receive("0/dynamic-abc,");
        assertThat(conn.lastText()).isEqualTo("4/dynamic-abc,{\"message\":\"Invalid namespace\"}");
    }

    @Test
    void eventMiddlewareRefusalReachesErrorListeners() {
        List<String> events = new CopyOnWriteArrayList<>();
        server.onConnection(socket -> socket
                .use((event, next) -> next.refuse(new IllegalStateException("blocked")))
                .onError(error -> events.add("error " + error.getMessage()))
                .on("x", (args, ack) -> events.add("x")));
        TestEngineSocket conn = connectEngine();
        conn.receive("0");
        conn.receive("2[\"x\"]");
        assertThat(events).containsExactly("error blocked");
    }

    @Test
    void serverDisconnectSendsDisconnectPacket() {
        AtomicReference<String> reason = new AtomicReference<>();
        server.of("/chat").onConnection(socket -> {
            socket.onDisconnect((s, r) -> reason.set(r));
            socket.disconnect(false);
        });
        TestEngineSocket conn = connectEngine();
        conn.receive("0/chat,");
        assertThat(conn.lastText()).isEqualTo("1/chat,");
        assertThat(reason.get()).isEqualTo("server namespace disconnect");
        assertThat(conn.open).isTrue();
    }

    @Test
    void closingTheServerDisconnectsSocketsWithShuttingDown() {
        AtomicReference<String> reason = new AtomicReference<>();
        server.onConnection(socket -> socket.onDisconnect((s, r) -> reason.set(r)));
        TestEngineSocket conn = connectEngine();
        conn.receive("0");
        server.close();
        assertThat(reason.get()).isEqualTo("server shutting down");
        assertThat(conn.open).isFalse();
    }

    @Test
    void onAnyOutgoingSeesEmits() {
        List<String> outgoing = new CopyOnWriteArrayList<>();
        server.onConnection(socket -> {
            socket.onAnyOutgoing((event, args) -> outgoing.add(event + args));
            socket.emit("a", 1);
        });
        connectEngine().receive("0");
        server.emit("b", 2);
        assertThat(outgoing).containsExactly("a[1]", "b[2]");
    }
}
