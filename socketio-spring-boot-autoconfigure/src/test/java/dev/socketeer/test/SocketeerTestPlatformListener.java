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
        BlockHound.install();
    }
}
