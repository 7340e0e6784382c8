package dev.socketeer.engine.netty;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;

/**
 * The WebSocket connections of one event loop that were written to during the current turn and
 * wait for their flush. One task per loop per turn flushes them all: a fan-out that writes to
 * hundreds of channels of a loop costs one task and one flush per channel, however many frames
 * each received. Confined to its event loop's thread (one instance per thread).
 */
final class FlushBatch implements Runnable {

    private static final FastThreadLocal<FlushBatch> BATCHES = new FastThreadLocal<>();

    private final EventLoop loop;
    private ArrayList<NettyEngineWebSocket> pending = new ArrayList<>();
    private ArrayList<NettyEngineWebSocket> spare = new ArrayList<>();
    private boolean scheduled;

    private FlushBatch(EventLoop loop) {
        this.loop = loop;
    }

    /** The batch of the calling thread, which must be {@code loop}'s thread. */
    static FlushBatch forCurrentLoop(EventLoop loop) {
        FlushBatch batch = BATCHES.get();
        if (batch == null || batch.loop != loop) {
            batch = new FlushBatch(loop);
            BATCHES.set(batch);
        }
        return batch;
    }

    void add(NettyEngineWebSocket socket) {
        pending.add(socket);
        if (!scheduled) {
            scheduled = true;
            loop.execute(this);
        }
    }

    @Override
    public void run() {
        scheduled = false;
        ArrayList<NettyEngineWebSocket> sockets = pending;
        pending = spare;
        spare = sockets;
        for (int i = 0, n = sockets.size(); i < n; i++) {
            try {
                sockets.get(i).flushNow();
            } catch (RuntimeException e) {
                // one failing channel must not leave the others unflushed; its pipeline reports it
            }
        }
        sockets.clear();
    }
}
