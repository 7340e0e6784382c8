package dev.socketeer.test;

import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a buffer leak by the time the class finished. Registered for every test
 * class through {@code META-INF/services} and JUnit's extension auto-detection (see
 * {@code junit-platform.properties}). The reports are cleared once they failed a class, so one leak fails once.
 */
public final class NettyLeakCheckExtension implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        if (!NettyLeakRecorder.isInstalled() || context.getTestClass().isEmpty()) {
            return;
        }
        List<String> leaks = NettyLeakRecorder.collect();
        if (!leaks.isEmpty()) {
            NettyLeakRecorder.clear();
            throw new AssertionError(leaks.size() + " Netty leak report(s) by the end of "
                    + context.getRequiredTestClass().getName()
                    + " (the leak may come from this class or from one that ran before it in this JVM):\n"
                    + String.join("\n\n", leaks));
        }
    }
}
