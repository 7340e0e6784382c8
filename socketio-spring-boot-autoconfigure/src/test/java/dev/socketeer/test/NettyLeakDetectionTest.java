package dev.socketeer.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/** Proves that a leaked ByteBuf is recorded and fails the test class that leaked it. */
class NettyLeakDetectionTest {

    @AfterEach
    void forgetDeliberateLeaks() {
        NettyLeakRecorder.clear();
    }

    @Test
    void paranoidDetectionRunsThroughTheRecordingDetector() throws Exception {
        ByteBufAllocator.DEFAULT.buffer(1).release();
        Field field = AbstractByteBuf.class.getDeclaredField("leakDetector");
        field.setAccessible(true);

        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
        assertThat(field.get(null).getClass().getName()).isEqualTo(NettyLeakRecorder.class.getName() + "$RecordingDetector");
    }

    @Test
    void leakedByteBufIsRecordedWithWhereItWasCreated() {
        assertThat(NettyLeakRecorder.collect()).as("leaks before this test").isEmpty();

        leakOneBuffer();

        List<String> reports = awaitReports(Duration.ofSeconds(10));
        assertThat(reports).anySatisfy(report -> assertThat(report)
                .startsWith("LEAK: ByteBuf.release() was not called")
                .contains("leakOneBuffer"));
    }

    @Test
    void classThatLeaksFailsWithTheLeakReport() {
        Events containers = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .selectors(selectClass(LeakingFixture.class))
                .execute()
                .containerEvents();

        List<Event> failures = containers.failed().list();
        assertThat(failures).hasSize(1);
        Throwable failure = failures.get(0).getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class)
                .getThrowable().orElseThrow();
        assertThat(failure).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Netty leak report(s) by the end of " + LeakingFixture.class.getName())
                .hasMessageContaining("LeakingFixture.leak");
        assertThat(NettyLeakRecorder.reports()).as("cleared after failing the class").isEmpty();
    }

    @Test
    void classWithoutLeaksPasses() {
        Events containers = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .selectors(selectClass(CleanFixture.class))
                .execute()
                .containerEvents();

        assertThat(containers.failed().count()).isZero();
        assertThat(containers.succeeded().count()).isPositive();
    }

    private static void leakOneBuffer() {
        ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(16);
        buffer.writeLong(42);
    }

    private static List<String> awaitReports(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> reports = NettyLeakRecorder.collect();
        while (reports.isEmpty() && System.nanoTime() < deadline) {
            reports = NettyLeakRecorder.collect();
        }
        return reports;
    }

    /** Run only through the EngineTestKit above (nested classes are not picked up by Surefire). */
    static class LeakingFixture {

        @Test
        void leak() {
            ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(16);
            buffer.writeInt(7);
        }
    }

    /** Run only through the EngineTestKit above. */
    static class CleanFixture {

        @Test
        void releases() {
            ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(16);
            buffer.writeInt(7);
            buffer.release();
        }
    }
}
