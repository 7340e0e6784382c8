package dev.socketeer.test;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import reactor.blockhound.BlockHound;

/**
 * Prepares every test JVM before any test class loads: the recording Netty leak detector first (it must precede
 * the initialisation of Netty's buffer classes), then BlockHound, which fails any blocking call made on a
 * Reactor non-blocking thread or a Netty event loop. Registered through
 * {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 */
public final class SocketeerTestPlatformListener implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        NettyLeakRecorder.install();
        installBlockHound();
    }

    private static void installBlockHound() {
        // Idempotent; the integrations of reactor-core (non-blocking schedulers) and Netty (event loops) load
        // through ServiceLoader. Add allowances here only with a comment saying why the call cannot block a loop.
        BlockHound.install(builder -> builder
                .blockingMethodCallback(BlockingCallCheckExtension::record)
                // Lettuce guards every command write with SharedLock: a ReentrantLock held for a few instructions
                // (a counter update; an exclusive holder only waits for in-flight writers to leave), never across
                // I/O. Two loops publishing at once may park on it for nanoseconds. Without this allowance,
                // BlockHound's error thrown from inside AbstractQueuedSynchronizer.acquire leaves a dead waiter in
                // the lock's queue, and the next writer (the adapter's close) parks forever: a CI run hung so.
                .allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters")
                // Lettuce's cluster connection provider takes its state lock for a few instructions (the auto-flush
                // flag and a push listener set on the new connection) when a connection to a cluster node has just
                // been made, on the loop that made it; connections to two nodes completing at once on two loops may
                // park on it for nanoseconds, never across I/O. The same dead-waiter hazard as above applies.
                .allowBlockingCallsInside("io.lettuce.core.cluster.PooledClusterConnectionProvider$NodeConnectionPostProcessor",
                        "lambda$apply$4")
                // Jackson builds a deserializer the first time a type is read, under a lock, then serves it
                // lock-free from its cache: a one-time wait per type (the same as the class loading it does).
                // Packet decoding never gets here (SocketIoServer warms its root deserializer at startup);
                // handler arguments bound to application types may, on their first event.
                .allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache",
                        "_createAndCacheValueDeserializer")
                // Lettuce caches the method lookup of each command interface under a ReentrantLock held for a map
                // lookup (no I/O); a Sentinel reconnection builds its connection's sync proxy on Lettuce's own
                // event executor and may park on it for an instant (RedisSentinelTest saw it once in CI).
                .allowBlockingCallsInside("io.lettuce.core.internal.AbstractInvocationHandler$MethodTranslator",
                        "of")
                // Netty's adaptive allocator guards each magazine with a StampedLock held for an allocation or a
                // free (no I/O); a loop that grows the magazines, or frees into one another thread allocates
                // from, may park on it briefly. Netty's own BlockHound integration (4.2.15) misses these two;
                // BlockHound's error inside them once failed an R2DBC read and lost a notification.
                .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup",
                        "tryExpandMagazines")
                .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free"));
    }
}
