package dev.socketeer.bench.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;

/**
 * Engine.IO v4 / Socket.IO v5 load generator. Speaks the wire protocol itself (WebSocket and
 * long-polling), many connections per event loop, several loopback source addresses.
 *
 * <p>Prints progress on stderr and one line {@code RESULT {json}} on stdout.
 * Options: see {@code benchmarks/README.md}.
 */
public final class LoadGen {

    static final boolean DEBUG = System.getenv("LOADGEN_DEBUG") != null;

    private final Map<String, String> opts;
    final Stats stats;
    final int payloadSize;
    final int rooms;
    final Bootstrap bootstrap;
    private final EventLoopGroup group;
    private final List<URI> urls = new ArrayList<>();
    private final List<InetAddress> sources = new ArrayList<>();
    private final List<Long> serverPids = new ArrayList<>();
    private final List<Long> jvmPids = new ArrayList<>();
    private final List<Long> nodePids = new ArrayList<>();
    private final List<Long> auxPids = new ArrayList<>();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicInteger inflightConnects = new AtomicInteger();
    private final LongAdder errors = new LongAdder();
    final LongAdder getReconnects = new LongAdder();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final List<SioClient> wsClients = new ArrayList<>();
    private final List<SioClient> pollClients = new ArrayList<>();
    private final Map<String, Object> result = new LinkedHashMap<>();

    LoadGen(Map<String, String> opts) throws Exception {
        this.opts = opts;
        this.payloadSize = intOpt("payload", 100);
        this.rooms = intOpt("rooms", 100);
        this.stats = new Stats(rooms);
        for (String u : opts.getOrDefault("urls", "http://127.0.0.1:8080/socket.io/").split(",")) {
            urls.add(URI.create(u.trim()));
        }
        pids("pids", serverPids);
        pids("jvm-pids", jvmPids);
        pids("node-pids", nodePids);
        pids("aux-pids", auxPids);
        int threads = intOpt("threads", 2);
        this.group = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
        this.bootstrap = bootstrapOn(group);
    }

    /** A bootstrap on a group (or one event loop, so a client's second connection shares its thread). */
    Bootstrap bootstrapOn(EventLoopGroup loops) {
        return new Bootstrap().group(loops).channel(EpollSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000);
    }

    private void pids(String name, List<Long> into) {
        String v = opts.get(name);
        if (v != null && !v.isBlank()) {
            for (String p : v.split(",")) {
                into.add(Long.parseLong(p.trim()));
            }
        }
    }

    int intOpt(String name, int def) {
        return Integer.parseInt(opts.getOrDefault(name, Integer.toString(def)));
    }

    double doubleOpt(String name, double def) {
        return Double.parseDouble(opts.getOrDefault(name, Double.toString(def)));
    }

    long nextSeq() {
        return seq.incrementAndGet();
    }

    void noteError(Throwable t) {
        errors.increment();
        firstError.compareAndSet(null, String.valueOf(t));
    }

    void onConnected(SioClient c) {
        inflightConnects.decrementAndGet();
    }

    void onConnectFailed(SioClient c) {
        synchronized (c) {
            if (c.failCounted || c.sioConnected) {
                return;
            }
            c.failCounted = true;
        }
        stats.connectFailures.increment();
        inflightConnects.decrementAndGet();
    }

    ChannelHandler httpInitializer(ChannelHandler handler) {
        return new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20), handler);
            }
        };
    }

    // ---------------------------------------------------------------- connections

    private void setUpSources(long sockets) throws Exception {
        // ports per source address: the ephemeral range, minus a margin for TIME_WAIT leftovers
        int perAddress = 25_000;
        int count = (int) Math.max(1, (sockets + perAddress - 1) / perAddress);
        String prefix = opts.getOrDefault("source-prefix", "127.0.0.");
        for (int i = 1; i <= count; i++) {
            sources.add(InetAddress.getByName(prefix + i));
        }
    }

    private InetSocketAddress source(int i) {
        return new InetSocketAddress(sources.get(i % sources.size()), 0);
    }

    private static InetSocketAddress remote(URI u) {
        return new InetSocketAddress(u.getHost(), u.getPort());
    }

    private URI wsUri(URI base, String room) {
        String scheme = "https".equals(base.getScheme()) ? "wss" : "ws";
        return URI.create(scheme + "://" + base.getHost() + ":" + base.getPort() + base.getPath()
                + "?EIO=4&transport=websocket&room=" + room);
    }

    private WsClient newWsClient(int index, int room, int urlIndex) {
        URI base = urls.get(urlIndex % urls.size());
        WsClient c = new WsClient(this, index, room, wsUri(base, room < 0 ? "driver" : "r" + room));
        c.connectStart = System.nanoTime();
        WsClient.Handler handler = c.new Handler();
        c.channel = bootstrap.clone().handler(httpInitializer(handler)).connect(remote(base), source(index)).channel();
        return c;
    }

    private PollClient newPollClient(int index, int room) {
        URI base = urls.get(index % urls.size());
        PollClient c = new PollClient(this, index, room, base.getHost() + ":" + base.getPort(), base.getPath(),
                remote(base), source(index));
        c.connectStart = System.nanoTime();
        c.start(bootstrap);
        return c;
    }

    private Map<String, Object> connectAll(int n, boolean polling) throws Exception {
        return connectAll(n, polling, 0);
    }

    /**
     * Footprint at several sizes in one server process: connects WebSocket clients in steps up to each size of
     * {@code --steps} (cumulative; the clients of a step stay connected for the next), and records the servers'
     * summed RSS and heap after a full GC once each step is idle. The harness fits a line through the points: its
     * slope is what one more connection costs, with the process's fixed costs (JIT, class loading, pools) left in
     * the intercept.
     */
    private Map<String, Object> connectSteps() throws Exception {
        List<Map<String, Object>> points = new ArrayList<>();
        int connectedSoFar = 0;
        for (String step : opts.getOrDefault("steps", "").split(",")) {
            if (step.isBlank()) {
                continue;
            }
            int size = Integer.parseInt(step.trim());
            if (size <= connectedSoFar) {
                continue;
            }
            Map<String, Object> r = connectAll(size - connectedSoFar, false, connectedSoFar);
            if (points.isEmpty()) {
                points.add(point(0, (Map<?, ?>) r.get("memoryBefore")));
            }
            connectedSoFar = (int) (stats.connected.sum() - stats.disconnectedAfterConnect.sum());
            points.add(point(connectedSoFar, (Map<?, ?>) r.get("memoryAfter")));
            if (((Number) r.get("failed")).longValue() > 0) {
                log("ws-steps: %s clients failed to connect at step %d; stopping the steps", r.get("failed"), size);
                break;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("points", points);
        return out;
    }

    private static Map<String, Object> point(long connections, Map<?, ?> memory) {
        long rss = 0;
        long heap = 0;
        for (Object e : memory.values()) {
            Map<?, ?> m = (Map<?, ?>) e;
            rss += Math.max(0, ((Number) m.get("rss")).longValue());
            heap += Math.max(0, ((Number) m.get("heap")).longValue());
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("connections", connections);
        p.put("rss", rss);
        p.put("heap", heap);
        return p;
    }

    private Map<String, Object> connectAll(int n, boolean polling, int offset) throws Exception {
        int concurrency = intOpt("connect-concurrency", 200);
        double timeoutSec = doubleOpt("connect-timeout", 120);
        Map<String, Object> mem0 = memory();
        long connectedBefore = stats.connected.sum();
        long failuresBefore = stats.connectFailures.sum();
        long cpu0 = Proc.cpuNanos(serverPids);
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (timeoutSec * 1e9);
        stats.connectLatency.reset();
        for (int i = offset; i < offset + n && System.nanoTime() < deadline; i++) {
            while (inflightConnects.get() >= concurrency && System.nanoTime() < deadline) {
                Thread.sleep(0, 200_000);
            }
            inflightConnects.incrementAndGet();
            int room = i % rooms;
            if (polling) {
                pollClients.add(newPollClient(i, room));
            } else {
                wsClients.add(newWsClient(i, room, i));
            }
        }
        waitFor(() -> stats.connected.sum() - connectedBefore + stats.connectFailures.sum() - failuresBefore >= n,
                deadline);
        long t1 = System.nanoTime();
        long cpu1 = Proc.cpuNanos(serverPids);
        long connected = stats.connected.sum() - connectedBefore;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("transport", polling ? "polling" : "websocket");
        r.put("clients", n);
        r.put("connected", connected);
        // a client still not connected at the deadline counts as failed, like one that got an error
        r.put("failed", n - connected);
        r.put("connectErrors", stats.connectFailures.sum() - failuresBefore);
        double seconds = (t1 - t0) / 1e9;
        r.put("seconds", round(seconds));
        r.put("connectsPerSec", round(connected / seconds));
        r.put("serverCpuUsPerConnect", connected == 0 ? null : round((cpu1 - cpu0) / 1e3 / connected));
        Histogram h = stats.connectLatency.getIntervalHistogram();
        r.put("connectLatencyMs", percentiles(h, 1e6));
        log("%s: %d/%d connected in %.1f s (%d failed)", polling ? "poll-connect" : "ws-connect", connected, n, seconds,
                n - connected);
        r.put("settleSeconds", round(settle()));
        Map<String, Object> mem1 = memory();
        r.put("memoryBefore", mem0);
        r.put("memoryAfter", mem1);
        if (connected > 0) {
            r.put("rssBytesPerConn", perConn(mem0, mem1, "rss", connected));
            r.put("rssUntrimmedBytesPerConn", perConn(mem0, mem1, "rssUntrimmed", connected));
            r.put("heapBytesPerConn", perConn(mem0, mem1, "heap", connected));
        }
        r.put("stillConnected", stats.connected.sum() - stats.disconnectedAfterConnect.sum());
        return r;
    }

    /**
     * Waits until the servers are idle (under 5 % of a core over 250 ms) before the footprint is
     * taken, at least 250 ms and at most {@code --settle} seconds. Returns the seconds waited.
     */
    private double settle() throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (doubleOpt("settle", 2) * 1e9);
        long cpu = Proc.cpuNanos(serverPids);
        while (System.nanoTime() < deadline) {
            long s0 = System.nanoTime();
            Thread.sleep(250);
            long now = Proc.cpuNanos(serverPids);
            boolean idle = (now - cpu) < 0.05 * (System.nanoTime() - s0);
            cpu = now;
            if (idle) {
                break;
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private Object perConn(Map<String, Object> before, Map<String, Object> after, String key, long n) {
        long sum = 0;
        boolean any = false;
        for (String pid : after.keySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> a = (Map<String, Object>) after.get(pid);
            @SuppressWarnings("unchecked")
            Map<String, Object> b = (Map<String, Object>) before.get(pid);
            if (a == null || b == null || !(a.get(key) instanceof Long va) || !(b.get(key) instanceof Long vb)
                    || va < 0 || vb < 0) {
                continue;
            }
            sum += va - vb;
            any = true;
        }
        return any ? round((double) sum / n) : null;
    }

    /** RSS of every server process, and its heap after a full GC when it is a JVM or Node. */
    private Map<String, Object> memory() throws InterruptedException {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < serverPids.size(); i++) {
            long pid = serverPids.get(i);
            Map<String, Object> e = new LinkedHashMap<>();
            long heap = -1;
            if (jvmPids.contains(pid)) {
                heap = Proc.jvmHeapAfterGc(pid);
            } else if (nodePids.contains(pid)) {
                heap = Proc.nodeHeapAfterGc(pid, Path.of(opts.getOrDefault("node-memdir", "/tmp"), "mem-" + pid + ".json"));
            }
            e.put("heap", heap);
            // RSS as the process holds it, then (JVMs) once glibc has given back the free memory it keeps in its
            // arenas, most of it left by the JIT compiler threads during the storm rather than by the connections
            long rss = settledRss(pid);
            e.put("rssUntrimmed", rss);
            e.put("rss", jvmPids.contains(pid) && Proc.trimNativeHeap(pid) ? settledRss(pid) : rss);
            m.put(Long.toString(pid), e);
        }
        return m;
    }

    /**
     * The RSS once it stops moving after the collection: G1 gives the memory a full GC frees back to the
     * system from a background thread after the collection ends, and V8 its pages lazily. Reads every
     * 200 ms until two reads in a row are within 0.5 %, at most 5 s.
     */
    private static long settledRss(long pid) throws InterruptedException {
        long previous = Proc.rssBytes(pid);
        for (int i = 0; i < 25; i++) {
            Thread.sleep(200);
            long rss = Proc.rssBytes(pid);
            if (previous > 0 && Math.abs(rss - previous) <= previous / 200) {
                return rss;
            }
            previous = rss;
        }
        return previous;
    }

    // ---------------------------------------------------------------- fan-out

    private WsClient driver;

    private Map<String, Object> fanout(String name, int rate) throws Exception {
        if (driver == null) {
            inflightConnects.incrementAndGet();
            long before = stats.connected.sum();
            driver = newWsClient(-1, -1, 0);
            waitFor(() -> stats.connected.sum() > before || driver.failCounted, System.nanoTime() + 10_000_000_000L);
            if (!driver.sioConnected) {
                throw new IllegalStateException("the driver connection could not connect");
            }
        }
        int window = intOpt("window", 16);
        stats.phaseFirstSeq = seq.get() + 1;
        stats.delivered.reset();
        stats.expected.reset();
        stats.corrupt.reset();
        stats.late.reset();
        AtomicLong sent = new AtomicLong();
        long start = System.nanoTime();
        long[] members = new long[rooms];
        double avg = 0;
        for (int r = 0; r < rooms; r++) {
            members[r] = stats.roomMembers.get(r);
            avg += members[r];
        }
        avg = Math.max(1, avg / rooms);
        long windowDeliveries = (long) (window * avg);
        Runnable tick = () -> {
            long s = sent.get();
            long allowed;
            if (rate > 0) {
                allowed = Math.min(5000, (System.nanoTime() - start) * rate / 1_000_000_000L - s);
            } else {
                long inflight = stats.expected.sum() - stats.delivered.sum();
                allowed = Math.min(5000, (long) ((windowDeliveries - inflight) / avgOf(members)));
            }
            for (long k = 0; k < allowed; k++) {
                int room = (int) ((s + k) % rooms);
                stats.expected.add(members[room]);
                driver.sendBroadcast(room, nextSeq(), false);
            }
            if (allowed > 0) {
                sent.addAndGet(allowed);
                driver.flush();
            }
        };
        ScheduledFuture<?> task = driver.channel.eventLoop().scheduleAtFixedRate(tick, 0, 1, TimeUnit.MILLISECONDS);
        Map<String, Object> r = measure(name, () -> stats.delivered.sum(), "deliveries");
        task.cancel(false);
        Thread.sleep(5);
        long expected = stats.expected.sum();
        waitFor(() -> stats.delivered.sum() >= expected, System.nanoTime() + (long) (doubleOpt("drain", 5) * 1e9));
        long delivered = stats.delivered.sum();
        r.put("broadcasts", sent.get());
        r.put("rate", rate > 0 ? rate : "max");
        r.put("recipientsPerBroadcast", round(avg));
        r.put("expected", expected);
        r.put("delivered", delivered);
        r.put("lost", Math.max(0, expected - delivered));
        r.put("duplicated", Math.max(0, delivered - expected));
        r.put("corrupt", stats.corrupt.sum());
        r.put("late", stats.late.sum());
        log("%s: %s deliveries/s, lost %d, corrupt %d", name, r.get("deliveriesPerSec"), r.get("lost"), stats.corrupt.sum());
        return r;
    }

    private static double avgOf(long[] members) {
        double sum = 0;
        for (long m : members) {
            sum += m;
        }
        return Math.max(1, sum / members.length);
    }

    // ---------------------------------------------------------------- request/ack

    private Map<String, Object> ack(String name, List<SioClient> from, int count) throws Exception {
        return ack(name, from, count, SioClient.OP_REQ);
    }

    /**
     * The recovery-cost mode's idle window: every client connected, nothing asked; what the servers and the store
     * spend meanwhile (e.g. refreshing the checkpoints of connected sockets).
     */
    private Map<String, Object> idle(String name) throws Exception {
        Map<String, Object> r = measure(name, () -> 0L, "nothing");
        log("%s: server %s cores, store %s cores", name, r.get("serverCpuCores"), r.get("auxCpuCores"));
        return r;
    }

    private Map<String, Object> ack(String name, List<SioClient> from, int count, int op) throws Exception {
        return ack(name, from, count, op, 0);
    }

    /**
     * An acknowledged loop of {@code op} on {@code count} clients; with {@code paceMillis > 0} each client sends its
     * next request that long after the last ack (its first at a random point of the first interval), so each
     * client changes its socket about once per interval.
     */
    private Map<String, Object> ack(String name, List<SioClient> from, int count, int op, long paceMillis)
            throws Exception {
        List<SioClient> active = new ArrayList<>();
        for (SioClient c : from) {
            if (active.size() >= count) {
                break;
            }
            if (c.sioConnected && !c.closed) {
                active.add(c);
            }
        }
        stats.acks.reset();
        stats.requests.reset();
        stats.badAcks.reset();
        for (SioClient c : active) {
            long delay = paceMillis > 0 ? java.util.concurrent.ThreadLocalRandom.current().nextLong(paceMillis) : 0;
            c.channel().eventLoop().schedule(() -> {
                c.loop++;
                c.op = op;
                c.paceMillis = paceMillis;
                c.startAcking();
            }, delay, TimeUnit.MILLISECONDS);
        }
        Map<String, Object> r = measure(name, () -> stats.acks.sum(), "roundTrips");
        for (SioClient c : active) {
            c.channel().eventLoop().execute(() -> c.acking = false);
        }
        waitFor(() -> stats.acks.sum() + stats.badAcks.sum() >= stats.requests.sum(),
                System.nanoTime() + (long) (doubleOpt("drain", 5) * 1e9));
        r.put("activeClients", active.size());
        r.put("requests", stats.requests.sum());
        r.put("acks", stats.acks.sum());
        r.put("badAcks", stats.badAcks.sum());
        r.put("lost", Math.max(0, stats.requests.sum() - stats.acks.sum() - stats.badAcks.sum()));
        log("%s: %s round trips/s over %d clients, lost %s, bad %d", name, r.get("roundTripsPerSec"), active.size(),
                r.get("lost"), stats.badAcks.sum());
        return r;
    }

    /** Warm-up, then a measured window: counts, server CPU, latency percentiles. */
    private Map<String, Object> measure(String name, java.util.function.LongSupplier counter, String unit)
            throws Exception {
        Thread.sleep((long) (doubleOpt("warmup", 2) * 1000));
        stats.latency.reset();
        stats.measuring = true;
        Map<String, Long> probe0 = probe();
        long c0 = counter.getAsLong();
        long cpu0 = Proc.cpuNanos(serverPids);
        long aux0 = Proc.treeCpuNanos(auxPids);
        long self0 = Proc.cpuNanos(ProcessHandle.current().pid());
        long t0 = System.nanoTime();
        Thread.sleep((long) (doubleOpt("duration", 5) * 1000));
        long c1 = counter.getAsLong();
        long cpu1 = Proc.cpuNanos(serverPids);
        long aux1 = Proc.treeCpuNanos(auxPids);
        long self1 = Proc.cpuNanos(ProcessHandle.current().pid());
        long t1 = System.nanoTime();
        Map<String, Long> probe1 = probe();
        stats.measuring = false;
        Histogram h = stats.latency.getIntervalHistogram();
        long count = c1 - c0;
        double seconds = (t1 - t0) / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("seconds", round(seconds));
        r.put(unit, count);
        r.put(unit + "PerSec", round(count / seconds));
        r.put("serverCpuCores", round((cpu1 - cpu0) / 1e9 / seconds));
        r.put("serverCpuUsPer" + (unit.equals("deliveries") ? "Delivery" : "RoundTrip"),
                count == 0 ? null : round((cpu1 - cpu0) / 1e3 / count));
        if (!auxPids.isEmpty()) {
            r.put("auxCpuUsPerUnit", count == 0 ? null : round((aux1 - aux0) / 1e3 / count));
            r.put("auxCpuCores", round((aux1 - aux0) / 1e9 / seconds));
        }
        r.put("generatorCpuCores", round((self1 - self0) / 1e9 / seconds));
        if (!probe0.isEmpty()) {
            // what the store did in the window (e.g. Redis commands by name, Postgres commits and row writes)
            Map<String, Object> store = new LinkedHashMap<>();
            probe1.forEach((key, after) -> store.put(key, after - probe0.getOrDefault(key, 0L)));
            r.put("storeOps", store);
        }
        r.put("latencyUs", percentiles(h, 1e3));
        return r;
    }

    /**
     * Runs {@code --probe} (a shell command printing "name value" lines, e.g. Redis' command counts) and reads its
     * counters; empty without the option.
     */
    private Map<String, Long> probe() {
        String cmd = opts.get("probe");
        Map<String, Long> out = new LinkedHashMap<>();
        if (cmd == null || cmd.isBlank()) {
            return out;
        }
        for (String line : Proc.run("sh", "-c", cmd).split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2 && kv[1].matches("-?\\d+")) {
                out.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        return out;
    }

    private static Map<String, Object> percentiles(Histogram h, double divisor) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("count", h.getTotalCount());
        if (h.getTotalCount() > 0) {
            p.put("p50", round(h.getValueAtPercentile(50) / divisor));
            p.put("p99", round(h.getValueAtPercentile(99) / divisor));
            p.put("p999", round(h.getValueAtPercentile(99.9) / divisor));
            p.put("max", round(h.getMaxValue() / divisor));
        }
        return p;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static void waitFor(BooleanSupplier condition, long deadlineNanos) throws InterruptedException {
        while (!condition.getAsBoolean() && System.nanoTime() < deadlineNanos) {
            Thread.sleep(5);
        }
    }

    static void log(String format, Object... args) {
        System.err.printf("[loadgen] " + format + "%n", args);
    }

    // ---------------------------------------------------------------- main

    private void run() throws Exception {
        int clients = intOpt("clients", 1000);
        int polls = intOpt("poll-clients", 500);
        List<String> scenarios = List.of(opts.getOrDefault("scenarios", "ws-connect,fanout-fixed,fanout-max,ack").split(","));
        boolean ws = scenarios.stream().anyMatch(s -> !s.startsWith("poll"));
        boolean poll = scenarios.stream().anyMatch(s -> s.startsWith("poll"));
        long sockets = (ws ? clients + 1 : 0) + (poll ? 2L * polls : 0);
        long limit = Proc.maxOpenFiles();
        result.put("label", opts.getOrDefault("label", ""));
        result.put("sockets", sockets);
        result.put("maxOpenFiles", limit);
        if (limit > 0 && sockets > limit - 120) {
            String msg = "This generator would need " + sockets + " sockets but a process may hold only " + limit
                    + " open files here (ulimit -n, hard limit), i.e. about " + (limit - 120)
                    + " sockets. Lower --clients/--poll-clients, or run several generator processes "
                    + "(one per ~" + (limit - 120) + " sockets; not automated by run.sh yet).";
            result.put("error", msg);
            log("%s", msg);
            return;
        }
        setUpSources(sockets);
        result.put("sourceAddresses", sources.stream().map(InetAddress::getHostAddress).toList());
        Map<String, Object> out = new LinkedHashMap<>();
        result.put("scenarios", out);
        for (String s : scenarios) {
            try {
                switch (s) {
                    case "ws-connect" -> out.put(s, connectAll(clients, false));
                    case "ws-steps" -> out.put(s, connectSteps());
                    case "fanout-fixed" -> out.put(s, fanout(s, intOpt("rate", 200)));
                    case "fanout-max" -> out.put(s, fanout(s, 0));
                    case "ack" -> out.put(s, ack(s, wsClients, intOpt("ack-clients", 1000)));
                    // the recovery-cost mode: join + leave a room, set socket data, each acknowledged; idle
                    case "rooms" -> out.put(s, ack(s, wsClients, intOpt("ack-clients", 1000), SioClient.OP_ROOMS));
                    case "data" -> out.put(s, ack(s, wsClients, intOpt("ack-clients", 1000), SioClient.OP_DATA));
                    case "rooms-paced" -> out.put(s, ack(s, wsClients, intOpt("ack-clients", 1000), SioClient.OP_ROOMS,
                            intOpt("pace-ms", 1000)));
                    case "data-paced" -> out.put(s, ack(s, wsClients, intOpt("ack-clients", 1000), SioClient.OP_DATA,
                            intOpt("pace-ms", 1000)));
                    case "idle" -> out.put(s, idle(s));
                    case "poll-connect" -> out.put(s, connectAll(polls, true));
                    case "poll-ack" -> out.put(s, ack(s, pollClients, intOpt("poll-ack-clients", 200)));
                    default -> throw new IllegalArgumentException("unknown scenario " + s);
                }
            } catch (Exception e) {
                log("%s failed: %s", s, e);
                out.put(s, Map.of("error", String.valueOf(e)));
            }
        }
        result.put("pingsAnswered", stats.pingsAnswered.sum());
        result.put("disconnectedAfterConnect", stats.disconnectedAfterConnect.sum());
        result.put("connectErrorPackets", stats.connectErrorPackets.sum());
        result.put("pollingGetReconnects", getReconnects.sum());
        result.put("errors", errors.sum());
        result.put("firstError", firstError.get());
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String key = args[i].substring(2);
            int eq = key.indexOf('=');
            if (eq > 0) {
                opts.put(key.substring(0, eq), key.substring(eq + 1));
            } else {
                opts.put(key, args[++i]);
            }
        }
        LoadGen gen = new LoadGen(opts);
        int code = 0;
        try {
            gen.run();
        } catch (Exception e) {
            gen.result.put("error", String.valueOf(e));
            code = 2;
        }
        System.out.println("RESULT " + Json.write(gen.result));
        System.out.flush();
        gen.group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        System.exit(code);
    }
}
