package dev.socketeer.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;

/**
 * Records every leak Netty's leak detector reports, so a test run can fail on it instead of only logging it.
 * <p>
 * {@link #install()} must run before Netty's buffer classes initialise (the platform listener
 * {@link SocketeerTestPlatformListener} does it when the test launcher session opens); the
 * {@link NettyLeakCheckExtension} then fails each test class after which a leak was reported.
 * Netty only notices a leak when the leaked object has been garbage collected and the detector is used again;
 * {@link #collect()} forces both.
 */
public final class NettyLeakRecorder {

    private static final Queue<String> REPORTS = new ConcurrentLinkedQueue<>();
    private static final Queue<ResourceLeakDetector<?>> DETECTORS = new ConcurrentLinkedQueue<>();
    private static volatile boolean installed;

    private NettyLeakRecorder() {
    }

    /** Installs the recording detector factory (idempotent) and turns on paranoid detection unless configured. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        }
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
        installed = true;
    }

    /** Whether {@link #install()} ran in this JVM. */
    public static boolean isInstalled() {
        return installed;
    }

    /** How many detectors were created through the recording factory (a sanity check that it is in effect). */
    public static int detectorCount() {
        return DETECTORS.size();
    }

    /**
     * Runs the garbage collector and polls every detector, then returns the leak reports recorded so far
     * (without clearing them).
     */
    public static List<String> collect() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                // Reference enqueueing happens on the JVM's reference handler thread after the collection.
                Thread.sleep(20);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
            pollDetectors();
        }
        return reports();
    }

    /** The leak reports recorded so far. */
    public static List<String> reports() {
        return new ArrayList<>(REPORTS);
    }

    /** Forgets the reports recorded so far (for tests that leak on purpose). */
    public static void clear() {
        REPORTS.clear();
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static void pollDetectors() {
        // Tracking anything makes a detector drain its queue of collected, unreleased resources and report them.
        for (ResourceLeakDetector detector : DETECTORS) {
            Object probe = new Object();
            ResourceLeakTracker tracker = detector.track(probe);
            if (tracker != null) {
                tracker.close(probe);
            }
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                long maxActive) {
            return newResourceLeakDetector(resource, samplingInterval);
        }

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            RecordingDetector<T> detector = new RecordingDetector<>(resource, samplingInterval);
            DETECTORS.add(detector);
            return detector;
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {

        RecordingDetector(Class<?> resourceType, int samplingInterval) {
            super(resourceType, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            // Report even when Netty's logger is switched off: the build must fail either way.
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            REPORTS.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected."
                    + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            REPORTS.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected"
                    + " (no access records).");
            super.reportUntracedLeak(resourceType);
        }
    }
}
