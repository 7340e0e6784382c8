package dev.socketeer.test;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.blockhound.BlockingMethod;

/**
 * Fails a test class when BlockHound caught a blocking call on an event loop or a non-blocking Reactor thread while
 * it ran. BlockHound throws its error inside the offending call, where the server usually catches it (a listener
 * that failed, a packet dropped): without this check such a call shows up only as a flaky test. Registered for
 * every test class like {@link NettyLeakCheckExtension}; the calls are cleared once they failed a class.
 */
public final class BlockingCallCheckExtension implements AfterAllCallback {

    private static final List<String> CALLS = new ArrayList<>();

    /** BlockHound's callback: records where the call was made, then fails it as BlockHound would. */
    static void record(BlockingMethod method) {
        StringBuilder report = new StringBuilder().append(method).append(" on ").append(Thread.currentThread().getName());
        for (StackTraceElement element : Thread.currentThread().getStackTrace()) {
            report.append("\n\tat ").append(element);
        }
        synchronized (CALLS) {
            CALLS.add(report.toString());
        }
        throw new reactor.blockhound.BlockingOperationError(method);
    }

    /** The calls recorded since the last check, which forgets them (for tests that block on purpose). */
    static List<String> drain() {
        synchronized (CALLS) {
            List<String> calls = new ArrayList<>(CALLS);
            CALLS.clear();
            return calls;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getTestClass().isEmpty()) {
            return;
        }
        List<String> calls = drain();
        if (!calls.isEmpty()) {
            throw new AssertionError(calls.size() + " blocking call(s) on a non-blocking thread while "
                    + context.getRequiredTestClass().getName() + " ran:\n" + String.join("\n\n", calls));
        }
    }
}
