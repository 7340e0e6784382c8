package dev.socketeer.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socketeer.protocol.engineio.EngineMessage;
import dev.socketeer.protocol.socketio.Packet;
import dev.socketeer.protocol.socketio.PacketEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class InMemoryAdapterTest {

    static final class RecordingSocket implements LocalSocket {
        final String id;
        final List<List<EngineMessage>> writes = new ArrayList<>();
        boolean disconnected;

        RecordingSocket(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public void write(List<EngineMessage> messages, boolean isVolatile, boolean compress) {
            writes.add(messages);
        }

        @Override
        public void notifyOutgoing(Packet packet) {
        }

        @Override
        public void registerAck(long ackId, Consumer<JsonNode> response) {
        }

        @Override
        public SocketDetails details() {
            return new SocketDetails(id, null, Set.of(), Map.of(), true);
        }

        @Override
        public void disconnect(boolean close) {
            disconnected = true;
        }
    }

    private final Map<String, RecordingSocket> sockets = new ConcurrentHashMap<>();
    private Duration recovery;

    private final LocalNamespace namespace = new LocalNamespace() {
        private long ids;

        @Override
        public String name() {
            return "/chat";
        }

        @Override
        public LocalSocket socket(String id) {
            return sockets.get(id);
        }

        @Override
        public long nextAckId() {
            return ids++;
        }

        @Override
        public PacketEncoder encoder() {
            return new PacketEncoder();
        }

        @Override
        public void onServerSideEmit(List<JsonNode> args, Consumer<Object> ack) {
        }

        @Override
        public Duration maxDisconnectionDuration() {
            return recovery;
        }
    };

    private RecordingSocket connect(InMemoryAdapter adapter, String id, String... rooms) {
        RecordingSocket socket = new RecordingSocket(id);
        sockets.put(id, socket);
        adapter.addAll(id, Set.of(id));
        adapter.addAll(id, Set.of(rooms));
        return socket;
    }

    @Test
    void broadcastEncodesOnceAndSharesTheSameMessages() {
        InMemoryAdapter adapter = new InMemoryAdapter(namespace);
        RecordingSocket a = connect(adapter, "a", "room");
        RecordingSocket b = connect(adapter, "b", "room");
        adapter.broadcast(Packet.event("/", null, List.of("ev", 1)), BroadcastOptions.ALL);
        assertThat(a.writes).hasSize(1);
        assertThat(a.writes.get(0)).isSameAs(b.writes.get(0));
        assertThat(a.writes.get(0).get(0).text()).isEqualTo("2/chat,[\"ev\",1]");
    }

    @Test
    void unionOfRoomsMinusExceptedRoomsEachSocketOnce() {
        InMemoryAdapter adapter = new InMemoryAdapter(namespace);
        RecordingSocket a = connect(adapter, "a", "r1", "r2");
        RecordingSocket b = connect(adapter, "b", "r2", "muted");
        RecordingSocket c = connect(adapter, "c");
        adapter.broadcast(Packet.event("/", null, List.of("ev")),
                new BroadcastOptions(Set.of("r1", "r2"), Set.of("muted"), BroadcastFlags.NONE));
        assertThat(a.writes).hasSize(1);
        assertThat(b.writes).isEmpty();
        assertThat(c.writes).isEmpty();
    }

    @Test
    void emptyRoomsAreDeletedWhenTheLastMemberLeaves() {
        InMemoryAdapter adapter = new InMemoryAdapter(namespace);
        connect(adapter, "a", "room");
        assertThat(adapter.rooms()).contains("room");
        adapter.del("a", "room");
        assertThat(adapter.rooms()).doesNotContain("room");
        adapter.delAll("a");
        assertThat(adapter.rooms()).isEmpty();
        assertThat(adapter.socketRooms("a")).isEmpty();
    }

    @Test
    void roomsGrowPastTheSmallSetSizeAndEmptyMemberByMemberWithOneEventEach() {
        List<String> events = new ArrayList<>();
        InMemoryAdapter adapter = new InMemoryAdapter(namespace) {
            @Override
            protected void onCreateRoom(String room) {
                events.add("create " + room);
            }

            @Override
            protected void onDeleteRoom(String room) {
                events.add("delete " + room);
            }

            @Override
            protected void onJoinRoom(String room, String id) {
                events.add("join " + room + " " + id);
            }

            @Override
            protected void onLeaveRoom(String room, String id) {
                events.add("leave " + room + " " + id);
            }
        };
        List<RecordingSocket> members = new ArrayList<>();
        for (int i = 0; i < 3 * RoomSets.SMALL; i++) {
            RecordingSocket socket = new RecordingSocket("s" + i);
            sockets.put(socket.id(), socket);
            adapter.addAll(socket.id(), Set.of("big"));
            adapter.addAll(socket.id(), Set.of("big"));
            members.add(socket);
        }
        Set<String> many = new java.util.HashSet<>();
        for (int i = 0; i < 2 * RoomSets.SMALL; i++) {
            many.add("r" + i);
        }
        adapter.addAll("s0", many);

        adapter.broadcast(Packet.event("/", null, List.of("ev")), new BroadcastOptions(Set.of("big"), Set.of(), BroadcastFlags.NONE));

        assertThat(members).allSatisfy(socket -> assertThat(socket.writes).hasSize(1));
        assertThat(adapter.socketRooms("s0")).hasSize(1 + many.size()).contains("big").containsAll(many);
        assertThat(events.stream().filter(e -> e.startsWith("join big"))).hasSize(members.size());
        events.clear();

        for (RecordingSocket socket : members) {
            adapter.del(socket.id(), "big");
            adapter.del(socket.id(), "big");
        }
        assertThat(adapter.rooms()).doesNotContain("big");
        assertThat(events).hasSize(members.size() + 1).endsWith("delete big");
        assertThat(adapter.socketRooms("s0")).isEqualTo(many);
        adapter.delAll("s0");
        assertThat(adapter.rooms()).isEmpty();
    }

    @Test
    void aSocketInNoRoomStillGetsBroadcastsToEveryone() {
        InMemoryAdapter adapter = new InMemoryAdapter(namespace);
        RecordingSocket lone = new RecordingSocket("lone");
        sockets.put("lone", lone);
        adapter.addAll("lone", Set.of());

        adapter.broadcast(Packet.event("/", null, List.of("ev")), BroadcastOptions.ALL);

        assertThat(lone.writes).hasSize(1);
        assertThat(adapter.socketRooms("lone")).isEmpty();
    }

    @Test
    void addSocketsAndDisconnectSocketsTargetMatchingSockets() {
        InMemoryAdapter adapter = new InMemoryAdapter(namespace);
        RecordingSocket a = connect(adapter, "a", "room");
        RecordingSocket b = connect(adapter, "b");
        adapter.addSockets(new BroadcastOptions(Set.of("room"), Set.of(), BroadcastFlags.NONE), Set.of("vip"));
        assertThat(adapter.socketRooms("a")).contains("vip");
        assertThat(adapter.socketRooms("b")).doesNotContain("vip");
        adapter.disconnectSockets(new BroadcastOptions(Set.of("vip"), Set.of(), BroadcastFlags.NONE), false);
        assertThat(a.disconnected).isTrue();
        assertThat(b.disconnected).isFalse();
    }

    @Test
    void withRecoveryBroadcastsCarryAnOffsetAndMissedPacketsAreRestored() {
        recovery = Duration.ofMinutes(2);
        InMemoryAdapter adapter = new InMemoryAdapter(namespace);
        RecordingSocket a = connect(adapter, "a", "room");
        adapter.broadcast(Packet.event("/", null, List.of("first")), BroadcastOptions.ALL);
        String text = a.writes.get(0).get(0).text();
        String offset = text.substring(text.indexOf(",\"") + 2, text.length() - 2);
        adapter.persistSession(new SessionToPersist("a", "pid-a", List.of("a", "room"), Map.of("k", "v")));
        adapter.broadcast(Packet.event("/", null, List.of("missed", 1)),
                new BroadcastOptions(Set.of("room"), Set.of(), BroadcastFlags.NONE));
        adapter.broadcast(Packet.event("/", null, List.of("other")),
                new BroadcastOptions(Set.of("elsewhere"), Set.of(), BroadcastFlags.NONE));
        Session session = adapter.restoreSession("pid-a", offset).join().orElseThrow();
        assertThat(session.sid()).isEqualTo("a");
        assertThat(session.missedPackets()).hasSize(1);
        assertThat(session.missedPackets().get(0)).startsWith("missed", 1).hasSize(3);
        assertThat(adapter.restoreSession("pid-a", offset).join()).isEmpty();
    }

    @Test
    void expiredRecoverySessionsAreEvictedOnTimeWithoutAnotherDisconnection() {
        recovery = Duration.ofSeconds(1);
        InMemoryAdapter adapter = new InMemoryAdapter(namespace);
        try {
            for (int i = 0; i < 100; i++) {
                adapter.persistSession(new SessionToPersist("sid-" + i, "pid-" + i, List.of("room"), Map.of()));
            }
            assertThat(adapter.storedSessionCount()).isEqualTo(100);

            // nothing else happens to the adapter: the sweep runs by itself, a quarter of the window apart
            await().atMost(Duration.ofSeconds(10)).until(() -> adapter.storedSessionCount() == 0);
        } finally {
            adapter.close();
        }
    }

    @Test
    void theSweepRunsAQuarterOfTheRecoveryWindowApartWithinOneSecondAndOneMinute() {
        assertThat(InMemoryAdapter.sweepInterval(Duration.ofSeconds(20))).isEqualTo(5_000);
        assertThat(InMemoryAdapter.sweepInterval(Duration.ofMillis(100))).isEqualTo(1_000);
        assertThat(InMemoryAdapter.sweepInterval(Duration.ofHours(1))).isEqualTo(60_000);
    }

    @Test
    void aJoinIsCompleteAtOnceOnOneServer() {
        InMemoryAdapter adapter = new InMemoryAdapter(namespace);
        sockets.put("s1", new RecordingSocket("s1"));

        assertThat(adapter.addAll("s1", Set.of("s1", "room"))).isCompleted();
        assertThat(adapter.socketRooms("s1")).containsExactlyInAnyOrder("s1", "room");
    }
}
