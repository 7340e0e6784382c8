package dev.socketeer.adapter.redis;

import dev.socketeer.adapter.LocalNamespace;
import dev.socketeer.adapter.cluster.BackendState;
import dev.socketeer.adapter.cluster.ClusterAdapter;
import dev.socketeer.adapter.cluster.ClusterMessage;
import dev.socketeer.adapter.cluster.ClusterMessageCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sharded Redis adapter, wire-compatible with {@code createShardedAdapter} of
 * {@code @socket.io/redis-adapter} 8.3 in its default {@code dynamic} subscription mode: the cluster
 * protocol over {@code SPUBLISH}/{@code SSUBSCRIBE} (Redis 7+) on {@code <key>#<nsp>#}, responses on
 * {@code <key>#<nsp>#<uid>#}, and one channel per public room {@code <key>#<nsp>#<room>#},
 * subscribed while the room has members here. Server count by {@code PUBSUB SHARDNUMSUB}.
 *
 * <p>A join completes once the room's {@code SSUBSCRIBE} is confirmed, so that a client told it
 * joined (by an acknowledgement) never misses a broadcast another server sends to the room next;
 * the reference completes at once and loses such broadcasts.
 */
final class ShardedRedisAdapter extends ClusterAdapter {

    private final RedisPubSub redis;
    private final String channel;
    private final String responseChannel;
    /** The public rooms with members here, each with its subscription (done once Redis confirmed it). */
    private final Map<String, CompletableFuture<Void>> subscribedRooms = new ConcurrentHashMap<>();

    ShardedRedisAdapter(LocalNamespace namespace, RedisPubSub redis, RedisAdapterOptions options,
            ClusterMessageCodec codec) {
        super(namespace, codec, options.requestsTimeout());
        this.redis = redis;
        this.channel = options.key() + "#" + namespace.name() + "#";
        this.responseChannel = channel + uid + "#";
    }

    @Override
    protected BackendState backendState() {
        return redis.state();
    }

    @Override
    public CompletableFuture<Void> init() {
        return CompletableFuture.allOf(super.init(), redis.ssubscribe(channel, this::onRawMessage),
                redis.ssubscribe(responseChannel, this::onRawMessage));
    }

    @Override
    public CompletableFuture<Void> close() {
        super.close();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        done.add(redis.sunsubscribe(channel));
        done.add(redis.sunsubscribe(responseChannel));
        for (String room : subscribedRooms.keySet()) {
            done.add(redis.sunsubscribe(dynamicChannel(room)));
        }
        return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
    }

    @Override
    public CompletableFuture<Integer> serverCount() {
        return redis.state().bounded("serverCount", requestsTimeout(),
                () -> redis.shardNumsub(channel).thenApply(count -> seen(count.intValue())));
    }

    /** Completes once every public room joined here is subscribed, within the requests timeout. */
    @Override
    public CompletableFuture<Void> addAll(String id, Set<String> rooms) {
        super.addAll(id, rooms);
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (String room : rooms) {
            CompletableFuture<Void> subscription = subscribedRooms.get(room);
            if (subscription != null && (!subscription.isDone() || subscription.isCompletedExceptionally())) {
                pending.add(subscription);
            }
        }
        if (pending.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return redis.state().bounded("join", requestsTimeout(),
                () -> CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)));
    }

    @Override
    protected void onCreateRoom(String room) {
        if (isPublic(room)) {
            subscribedRooms.computeIfAbsent(room, key -> redis.ssubscribe(dynamicChannel(key), this::onRawMessage));
        }
    }

    @Override
    protected void onDeleteRoom(String room) {
        if (subscribedRooms.remove(room) != null) {
            redis.sunsubscribe(dynamicChannel(room));
        }
    }

    /** A socket's own room is private: InMemoryAdapter records the socket before its rooms. */
    private boolean isPublic(String room) {
        return socketRooms(room).isEmpty();
    }

    private String dynamicChannel(String room) {
        return channel + room + "#";
    }

    private static boolean looksLikeASocketId(String room) {
        return room.length() == 20;
    }

    @Override
    protected CompletableFuture<String> doPublish(ClusterMessage message) {
        String target = channel;
        if (message instanceof ClusterMessage.Broadcast broadcast && broadcast.requestId() == null
                && broadcast.options().rooms().size() == 1) {
            String room = broadcast.options().rooms().iterator().next();
            if (!looksLikeASocketId(room)) {
                target = dynamicChannel(room);
            }
        }
        return redis.spublish(target, codec.encode(message)).thenApply(receivers -> "");
    }

    @Override
    protected CompletableFuture<Void> doPublishResponse(String requesterUid, ClusterMessage response) {
        return redis.spublish(channel + requesterUid + "#", codec.encode(response)).thenApply(receivers -> null);
    }

    private void onRawMessage(String fromChannel, byte[] raw) {
        ClusterMessage message = codec.decode(raw);
        if (fromChannel.equals(responseChannel)) {
            onResponse(message);
        } else {
            onMessage(message, "");
        }
    }
}
