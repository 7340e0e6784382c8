package dev.socketeer.bench.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What /proc and jcmd say about a process. */
final class Proc {

    private Proc() {
    }

    static final long HZ = 100; // USER_HZ on Linux

    /** utime + stime of a whole process (all threads), in nanoseconds; -1 when gone. */
    static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "(comm) ": f[0]=state(3) ... utime=14 -> f[11], stime=15 -> f[12]
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * (1_000_000_000L / HZ);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long cpuNanos(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            long c = cpuNanos(pid);
            if (c > 0) {
                sum += c;
            }
        }
        return sum;
    }

    /**
     * CPU of each process and of all its descendants alive now (PostgreSQL's backends, and the postmaster under
     * {@code runuser}): the store of the recovery-cost mode.
     */
    static long treeCpuNanos(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            long c = cpuNanos(pid);
            sum += Math.max(0, c);
            for (ProcessHandle d : ProcessHandle.of(pid).map(h -> h.descendants().toList()).orElse(List.of())) {
                sum += Math.max(0, cpuNanos(d.pid()));
            }
        }
        return sum;
    }

    /** VmRSS in bytes; -1 when unknown. */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            p.waitFor(60, TimeUnit.SECONDS);
            return new String(out);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static final Pattern USED = Pattern.compile("total \\d+K, used (\\d+)K");

    /** Runs a full GC in a JVM and returns the used heap after it, in bytes; -1 when unknown. */
    static long jvmHeapAfterGc(long pid) {
        // one jcmd process for both commands (each jcmd is a JVM start-up, ~0.5 s on a busy 2-core box)
        String info;
        try {
            Path cmds = Files.createTempFile("loadgen-jcmd", ".txt");
            try {
                Files.writeString(cmds, "GC.run\nGC.heap_info\n");
                info = run("jcmd", Long.toString(pid), "-f", cmds.toString());
            } finally {
                Files.deleteIfExists(cmds);
            }
        } catch (IOException e) {
            return -1;
        }
        Matcher m = USED.matcher(info);
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    }

    /**
     * Gives glibc's free malloc memory back to the system ({@code jcmd System.trim_native_heap}, JDK 17.0.9+), as
     * a JVM run with {@code -XX:TrimNativeHeapInterval} does periodically; false when the JVM has no such command.
     */
    static boolean trimNativeHeap(long pid) {
        return run("jcmd", Long.toString(pid), "System.trim_native_heap").contains("Trim native heap");
    }

    /** Asks a Node server (SIGUSR2) to gc() and dump process.memoryUsage() into a file; returns heapUsed. */
    static long nodeHeapAfterGc(long pid, Path memFile) {
        try {
            Files.deleteIfExists(memFile);
            run("kill", "-USR2", Long.toString(pid));
            for (int i = 0; i < 50 && !Files.exists(memFile); i++) {
                Thread.sleep(100);
            }
            Thread.sleep(100);
            String json = Files.readString(memFile);
            Matcher m = Pattern.compile("\"heapUsed\":(\\d+)").matcher(json);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The soft limit on open files of this process. */
    static long maxOpenFiles() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    return Long.parseLong(line.substring(26).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }
}
