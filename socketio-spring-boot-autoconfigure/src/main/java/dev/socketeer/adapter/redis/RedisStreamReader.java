package dev.socketeer.adapter.redis;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Reads one Redis stream for every namespace of a server: {@code XREAD COUNT <readCount> BLOCK <blockTime>
 * STREAMS <stream> <last id>} again and again on a connection of its own, so that the blocking read never
 * holds up a command of the adapter (the reference opens one client per stream too). The read is
 * asynchronous: Redis blocks, no thread does.
 *
 * <p>It starts after the stream's last entry at the time it connects (not at {@code $} on every read), and
 * goes on from the last entry it handed over, across Redis restarts: a restarted Redis without the old
 * entries numbers new ones after the old (ids are times), so nothing new is skipped.
 */
final class RedisStreamReader implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RedisStreamReader.class.getName());
    private static final long RETRY_DELAY_MILLIS = 500;

    private final AbstractRedisClient client;
    private final String stream;
    private final byte[] streamKey;
    private final RedisStreamsOptions options;
    private final BiConsumer<Map<String, String>, String> onEntry;
    private volatile StatefulConnection<byte[], byte[]> connection;
    /** The commands of {@link #connection}; on a Redis Cluster, sent to the master of the stream's slot. */
    private volatile RedisClusterAsyncCommands<byte[], byte[]> commands;
    /** The id of the last entry handed over (or the stream's last entry when reading began); null before. */
    private volatile String position;
    /** The read under way, if any. */
    private volatile CompletableFuture<?> reading;
    private volatile boolean closed;

    /**
     * @param onEntry receives each entry's fields and id, in stream order, on a Lettuce thread
     */
    RedisStreamReader(AbstractRedisClient client, String stream, RedisStreamsOptions options,
            BiConsumer<Map<String, String>, String> onEntry) {
        this.client = client;
        this.stream = stream;
        this.streamKey = stream.getBytes(StandardCharsets.UTF_8);
        this.options = options;
        this.onEntry = onEntry;
    }

    String stream() {
        return stream;
    }

    /** Where reading is: the id of the last entry read, or {@code null} before the first connection. */
    String position() {
        return position;
    }

    /** Connects in the background (connecting blocks: a bounded-elastic thread) and starts reading. */
    void start() {
        if (closed) {
            return;
        }
        Mono.fromRunnable(this::open).subscribeOn(Schedulers.boundedElastic()).subscribe(null, error -> {
            LOG.log(System.Logger.Level.DEBUG, () -> "cannot read stream " + stream + " yet: " + error);
            retry(this::start);
        });
    }

    private void open() {
        StatefulConnection<byte[], byte[]> opened = connection;
        if (opened == null) {
            RedisClusterAsyncCommands<byte[], byte[]> openedCommands;
            if (client instanceof RedisClusterClient cluster) {
                StatefulRedisClusterConnection<byte[], byte[]> clusterConnection = cluster.connect(ByteArrayCodec.INSTANCE);
                opened = clusterConnection;
                openedCommands = clusterConnection.async();
            } else {
                StatefulRedisConnection<byte[], byte[]> standalone = ((RedisClient) client).connect(ByteArrayCodec.INSTANCE);
                opened = standalone;
                openedCommands = standalone.async();
            }
            if (closed) {
                opened.closeAsync();
                return;
            }
            commands = openedCommands;
            connection = opened;
        }
        if (position != null) {
            poll();
            return;
        }
        commands.xrevrange(streamKey, Range.unbounded(), Limit.from(1)).whenComplete((last, error) -> {
            if (error != null) {
                retry(this::start);
                return;
            }
            position = last.isEmpty() ? "0-0" : last.get(0).getId();
            poll();
        });
    }

    private void poll() {
        StatefulConnection<byte[], byte[]> current = connection;
        if (closed || current == null) {
            return;
        }
        // a read that blocks longer than the command timeout (spring.data.redis.timeout) would fail every time
        long block = Math.min(options.blockTime().toMillis(), Math.max(100, current.getTimeout().toMillis() / 2));
        XReadArgs args = XReadArgs.Builder.count(options.readCount()).block(block);
        CompletableFuture<List<StreamMessage<byte[], byte[]>>> read = commands.xread(args,
                XReadArgs.StreamOffset.from(streamKey, position)).toCompletableFuture();
        reading = read;
        read.whenComplete((entries, error) -> {
            if (closed) {
                return;
            }
            if (error != null) {
                LOG.log(System.Logger.Level.DEBUG, () -> "reading stream " + stream + " failed: " + error);
                retry(this::poll);
                return;
            }
            if (entries != null) {
                handOver(entries);
            }
            poll();
        });
    }

    private void handOver(List<StreamMessage<byte[], byte[]>> entries) {
        for (StreamMessage<byte[], byte[]> entry : entries) {
            Map<String, String> fields = new HashMap<>();
            entry.getBody().forEach((key, value) -> fields.put(new String(key, StandardCharsets.UTF_8),
                    new String(value, StandardCharsets.UTF_8)));
            if (fields.containsKey("nsp")) {
                try {
                    onEntry.accept(fields, entry.getId());
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "ignoring stream entry " + entry.getId() + " of " + stream
                            + " that could not be handled: " + e, e);
                }
            }
            // moved on only once delivered: a socket that connects meanwhile records a position before this entry
            position = entry.getId();
        }
    }

    /**
     * Gives up the read under way and reads again shortly, on the connection Lettuce routes to now: after a Redis
     * Cluster failover, a read sent to the dead master would otherwise wait for the command timeout (60 s unless
     * {@code spring.data.redis.timeout} says otherwise) before the reader moved on to the promoted replica.
     */
    void readAgain() {
        CompletableFuture<?> read = reading;
        if (read != null && !read.isDone()) {
            read.cancel(false);
        }
    }

    private void retry(Runnable action) {
        if (!closed) {
            Schedulers.parallel().schedule(action, RETRY_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        closed = true;
        StatefulConnection<byte[], byte[]> current = connection;
        if (current != null) {
            current.closeAsync();
        }
    }
}
