#!/usr/bin/env python3
"""Benchmark orchestrator: starts each server under test, drives it with the load generator,
alternates servers over several rounds, takes medians, prints tables and writes JSON, Markdown
and an SVG chart under docs/benchmarks/. Started by benchmarks/run.sh (which builds first)."""

import argparse
import datetime
import glob
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
DOCS = os.path.join(ROOT, "docs", "benchmarks")
# The heap follows the live data (G1 grows it under load as it likes; a full GC gives back what leaves more than
# 20 % free): a fixed -Xms would make the idle footprint measure the minimum heap, touched by the connect storm's
# garbage, instead of the connections. The same for every JVM server.
JVM_OPTS = ["-Xms32m", "-Xmx1g", "-XX:+UseG1GC", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20",
            "-XX:MaxDirectMemorySize=512m"]
# glibc keeps what the JIT compiler threads free in its malloc arenas (tens of MB after a connect storm, none of it
# the connections'): a JDK that can (17.0.9+) gives it back every 5 s; the generator also trims once before it
# reads a JVM's RSS, and reports the untrimmed figure beside it
TRIM = "-XX:TrimNativeHeapInterval=5000"
if os.environ.get("BENCH_JVM_OPTS"):  # other JVM settings to compare, for every JVM server alike
    JVM_OPTS = os.environ["BENCH_JVM_OPTS"].split()
elif subprocess.run(["java", TRIM, "-version"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
    JVM_OPTS.append(TRIM)
NODE_OPTS = ["--max-old-space-size=1024", "--expose-gc"]

started = []  # Popen objects this harness started (killed by id on exit)
GRACEFUL = [False]  # SIGTERM + wait (JFR dumps on exit); otherwise a measured server is simply SIGKILLed


def log(msg):
    print(f"[harness] {msg}", file=sys.stderr, flush=True)


def cp(module):
    return f"{BENCH}/{module}/target/classes:{BENCH}/{module}/target/lib/*"


SERVERS = {
    "socketeer": {"kind": "jvm", "polling": True,
                  "cmd": lambda port, extra: ["java", *JVM_OPTS, "-cp", cp("socketeer-app"),
                                              "dev.socketeer.bench.app.BenchApplication", *extra]},
    # the same handlers as an annotated controller (README style): blocking by default, then declared non-blocking
    "socketeer-annotated": {"kind": "jvm", "polling": True,
                            "cmd": lambda port, extra: ["java", *JVM_OPTS, "-cp", cp("socketeer-app"),
                                                        "dev.socketeer.bench.annotated.AnnotatedBenchApplication",
                                                        *extra]},
    # the annotated app with its blocking handlers on Reactor's bounded elastic scheduler (the executor before the
    # bounded pool), for an A/B of the two
    "socketeer-annotated-elastic": {"kind": "jvm", "polling": True,
                                    "cmd": lambda port, extra: ["java", *JVM_OPTS, "-cp", cp("socketeer-app"),
                                                                "dev.socketeer.bench.annotated.AnnotatedBenchApplication",
                                                                "--bench.executor=elastic", *extra]},
    "socketeer-nonblocking": {"kind": "jvm", "polling": True,
                              "cmd": lambda port, extra: ["java", *JVM_OPTS, "-cp", cp("socketeer-app"),
                                                          "dev.socketeer.bench.annotated.AnnotatedBenchApplication",
                                                          "--socketio.handler.non-blocking-by-default=true", *extra]},
    # the Admin UI's instrumentation on, in production mode (statistics only): what it costs the hot paths
    "socketeer+admin": {"kind": "jvm", "polling": True,
                        "cmd": lambda port, extra: ["java", *JVM_OPTS, "-cp", cp("socketeer-app"),
                                                    "dev.socketeer.bench.app.BenchApplication", *extra,
                                                    "--socketio.admin.enabled=true", "--socketio.admin.mode=production",
                                                    "--socketio.admin.auth.enabled=false",
                                                    "--socketio.admin.ui.enabled=false"]},
    "node": {"kind": "node", "polling": True,
             "cmd": lambda port, extra: ["node", *NODE_OPTS, f"{BENCH}/node/server.js"]},
    "netty-socketio": {"kind": "jvm", "polling": True,
                       "cmd": lambda port, extra: ["java", *JVM_OPTS, "-cp", cp("netty-socketio"),
                                                   "dev.socketeer.bench.nettysio.NettySocketIoServer"]},
    "floor": {"kind": "jvm", "polling": False,
              "cmd": lambda port, extra: ["java", *JVM_OPTS, "-cp", cp("floor"),
                                          "dev.socketeer.bench.floor.FloorServer"]},
}


# The same servers on the machine's second JDK (21+): the programmatic app, and the annotated one with its blocking
# handlers on virtual threads (socketio.handler.executor=virtual), for the annotated model's JDK 21+ target.
JDK21_SERVERS = {
    "socketeer-jdk21": ("dev.socketeer.bench.app.BenchApplication", []),
    "socketeer-annotated-virtual": ("dev.socketeer.bench.annotated.AnnotatedBenchApplication",
                                    ["--socketio.handler.executor=virtual"]),
}


def java21():
    """bin/java of a JDK 21 or later: BENCH_JAVA21, else the newest under /usr/lib/jvm; None when there is none."""
    candidates = [os.environ["BENCH_JAVA21"]] if os.environ.get("BENCH_JAVA21") else \
        sorted(glob.glob("/usr/lib/jvm/*/bin/java"), reverse=True)
    for java in candidates:
        try:
            out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
        except OSError:
            continue
        match = re.search(r'version "(\d+)', out)
        if match and int(match.group(1)) >= 21:
            return java
    return None


def server_spec(name):
    """A server by name; "socketeer@X" is the Socketeer bench app with the library jar(s) found in the
    directory named by the environment variable SOCKETEER_LIB_X put first on the class path: an A/B
    run of two library builds against the same load, in one harness run (compare within one run)."""
    if name in JDK21_SERVERS:
        java = java21()
        if java is None:
            raise SystemExit(f"harness: {name} needs a JDK 21+ (under /usr/lib/jvm, or BENCH_JAVA21=<its bin/java>)")
        main, extra_args = JDK21_SERVERS[name]
        return {"kind": "jvm", "polling": True,
                "cmd": lambda port, extra: [java, *JVM_OPTS, "-cp", cp("socketeer-app"), main, *extra_args, *extra]}
    if name.startswith("socketeer@"):
        lib_dir = os.environ.get("SOCKETEER_LIB_" + name[len("socketeer@"):])
        if not lib_dir or not os.path.isdir(lib_dir):
            raise SystemExit(f"harness: {name} needs SOCKETEER_LIB_{name[len('socketeer@'):]}=<dir with the jar>")
        return {"kind": "jvm", "polling": True,
                "cmd": lambda port, extra: ["java", *JVM_OPTS, "-cp",
                                            f"{BENCH}/socketeer-app/target/classes:{lib_dir}/*:"
                                            f"{BENCH}/socketeer-app/target/lib/*",
                                            "dev.socketeer.bench.app.BenchApplication", *extra]}
    return SERVERS[name]


def taskset(core, cmd, pinned):
    return ["taskset", "-c", str(core), *cmd] if pinned else cmd


def start(cmd, env_extra, logfile):
    env = dict(os.environ, **env_extra)
    out = open(logfile, "w")
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    started.append(p)
    return p


def stop(p, timeout=10):
    """Stops a process this harness started (its own process group). Servers hold no state worth a graceful
    shutdown, so unless --jfr asks for one they are killed at once: a graceful stop of a server that just lost
    10k connections costs seconds of CPU that the next server's measurement would share."""
    if p.poll() is None:
        try:
            if not GRACEFUL[0]:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=5)
            else:
                os.killpg(p.pid, signal.SIGTERM)
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=5)
        except ProcessLookupError:
            pass
    if p in started:
        started.remove(p)


def stop_all():
    for p in list(started):
        stop(p, timeout=5)


def port_free(port):
    with socket.socket() as s_:
        s_.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s_.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def next_ports(port, count=2):
    """The next port p > port such that p..p+count-1 (and p+1000 for Redis) are free on 127.0.0.1."""
    p = port + count
    while not all(port_free(q) for q in [*range(p, p + count), p + 1000]):
        p += count
    return p


def wait_port(port, proc, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def server_pid(p):
    """The pid of the real server (taskset execs, so the Popen pid is it)."""
    return p.pid


run_counter = [0]


def loadgen(cfg, urls, pids, kinds, scenarios, label, aux_pids=()):
    run_counter[0] += 1
    n = run_counter[0]
    prefix = f"127.{1 + n // 250}.{n % 250}."
    jvm = [str(p) for p, k in zip(pids, kinds) if k == "jvm"]
    node = [str(p) for p, k in zip(pids, kinds) if k == "node"]
    cmd = ["java", "-Xms512m", "-Xmx2g", "-XX:+UseParallelGC", "-cp", cp("loadgen"),
           "dev.socketeer.bench.loadgen.LoadGen",
           "--urls", ",".join(urls), "--pids", ",".join(map(str, pids)),
           "--jvm-pids", ",".join(jvm), "--node-pids", ",".join(node),
           "--aux-pids", ",".join(map(str, aux_pids)),
           "--scenarios", ",".join(scenarios), "--label", label, "--source-prefix", prefix,
           "--node-memdir", cfg["tmp"]]
    for key in ("clients", "poll-clients", "rooms", "payload", "rate", "window", "warmup", "duration",
                "ack-clients", "poll-ack-clients", "settle", "threads", "connect-concurrency", "connect-timeout"):
        cmd += [f"--{key}", str(cfg[key])]
    if "steps" in cfg:
        cmd += ["--steps", cfg["steps"]]
    if cfg.get("probe"):
        cmd += ["--probe", cfg["probe"]]
    cmd = taskset(1, cmd, cfg["pinned"])
    budget = 2 * cfg["connect-timeout"] + 60 + len(scenarios) * (cfg["warmup"] + cfg["duration"] + 20)
    if "steps" in cfg:
        budget += (cfg["connect-timeout"] + cfg["settle"] + 10) * len(cfg["steps"].split(","))
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    started.append(p)
    try:
        stdout, stderr = p.communicate(timeout=budget)
    except subprocess.TimeoutExpired:
        stop(p)
        return {"error": f"load generator exceeded {budget:.0f} s"}
    started.remove(p)  # only once it has exited: an interrupted harness still stops it in stop_all()
    out = subprocess.CompletedProcess(cmd, p.returncode, stdout, stderr)
    for line in out.stderr.splitlines():
        if line.startswith("[loadgen]"):
            log(f"  {label}: {line[10:]}")
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    return {"error": "no result; stderr tail: " + out.stderr[-800:]}


def start_single(name, cfg, port):
    spec = server_spec(name)
    env = {"PORT": str(port), "MEMDIR": cfg["tmp"]}
    return start(taskset(0, spec["cmd"](port, [f"--server.port={port}"]), cfg["pinned"]), env,
                 f"{cfg['tmp']}/{name}-{port}.log")


def measure_single(name, cfg, port, p):
    """Runs the generator against a started server, then stops the server."""
    spec = server_spec(name)
    try:
        if not wait_port(port, p):
            return {"error": f"{name} did not start; see {cfg['tmp']}/{name}-{port}.log"}
        scenarios = ["ws-connect", "fanout-fixed", "fanout-max", "ack"]
        if spec["polling"] and cfg["poll-clients"] > 0:
            scenarios += ["poll-connect", "poll-ack"]
        return loadgen(cfg, [f"http://127.0.0.1:{port}/socket.io/"], [server_pid(p)], [spec["kind"]],
                       scenarios, name)
    finally:
        stop(p)


def run_round(order, cfg, port, rnd, raw, report_cb):
    """One round: every server of the round is started at once (start-up is not measured, and a JVM or Node
    server that has started sits idle at ~0 % CPU), then each is measured in turn and stopped."""
    procs = []
    try:
        for s in order:
            port = next_ports(port)
            procs.append((s, port, start_single(s, cfg, port)))
        t = time.time()
        for s, p_, proc in procs:
            wait_port(p_, proc)
        log(f"round {rnd + 1}/{cfg['rounds']}: {', '.join(f'{s} on {p_}' for s, p_, _ in procs)} started "
            f"in {time.time() - t:.1f} s")
        time.sleep(1)  # the last server's start-up JIT and GC calm down
        for s, p_, proc in procs:
            t = time.time()
            res = measure_single(s, cfg, p_, proc)
            if "error" in res:
                log(f"  {s}: {res['error']}")
            log(f"round {rnd + 1}/{cfg['rounds']}: {s} measured in {time.time() - t:.0f} s")
            res["round"] = rnd + 1
            raw[s].append(res)
            report_cb()
    finally:
        for _, _, proc in procs:
            stop(proc)
    return port


def socketeer_has_redis():
    lib = f"{BENCH}/socketeer-app/target/lib"
    for f in os.listdir(lib) if os.path.isdir(lib) else []:
        if f.startswith("socketio-spring-boot-autoconfigure") and f.endswith(".jar"):
            names = subprocess.run(["unzip", "-Z1", f"{lib}/{f}"], capture_output=True, text=True).stdout
            return "dev/socketeer/adapter/redis/" in names
    return False


def start_cross(name, cfg, port, count=2):
    """`count` nodes (two for the cross-node scenario, six for --scale) of one server on ports port, port + 1, ...,
    behind their own Redis on port + 1000; returns (redis, nodes). cfg["requests-timeout"] (seconds), when set, is
    the adapters' requests timeout (fetchSockets, serverCount) on both servers alike."""
    redis_port = port + 1000
    # --scale: fetchSockets on all of 100k sends each node's ~17k sockets (~8 MB) to every node's subscriber at
    # once, past Redis's default pubsub output buffer limit (32 MB hard, 8 MB for 60 s), which cuts the subscribers
    limit = ["--client-output-buffer-limit", cfg["redis-pubsub-buffer"]] if cfg.get("redis-pubsub-buffer") else []
    r = start(taskset(0, ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                          "--appendonly", "no", *limit], cfg["pinned"]), {}, f"{cfg['tmp']}/redis-{redis_port}.log")
    if not wait_port(redis_port, r, 10):
        return r, []
    nodes = []
    timeout = cfg.get("requests-timeout")
    for p_ in range(port, port + count):
        if name == "node":
            cmd = SERVERS["node"]["cmd"](p_, [])
            env = {"PORT": str(p_), "MEMDIR": cfg["tmp"], "REDIS_URL": f"redis://127.0.0.1:{redis_port}",
                   "REDIS_MODE": cfg["cross-mode"]}
            if timeout:
                env["REQUESTS_TIMEOUT"] = str(int(timeout * 1000))
        else:
            cmd = SERVERS["socketeer"]["cmd"](p_, [f"--server.port={p_}", "--socketio.adapter.type=redis",
                                                   f"--socketio.adapter.redis.mode={cfg['cross-mode']}",
                                                   "--spring.data.redis.host=127.0.0.1",
                                                   f"--spring.data.redis.port={redis_port}",
                                                   *([f"--socketio.adapter.redis.requests-timeout={timeout}s"]
                                                     if timeout else [])])
            env = {"PORT": str(p_)}
        nodes.append(start(taskset(0, cmd, cfg["pinned"]), env, f"{cfg['tmp']}/{name}-redis-{p_}.log"))
    return r, nodes


def cross_adapter_ok(name, cfg, port, count=2):
    """The log of each node must say it runs the Redis adapter (Socketeer prints the AdapterFactory in use,
    Node prints "(redis adapter)"): a node that quietly fell back to the in-memory adapter would still
    serve its own half of the clients."""
    want = "RedisAdapterFactory" if name == "socketeer" else "(redis adapter)"
    for p_ in range(port, port + count):
        f = f"{cfg['tmp']}/{name}-redis-{p_}.log"
        line = log_lacks(f, want, 15)
        if line is not None:
            return f"{name} node on {p_} is not on the Redis adapter ({line}); see {f}"
    return None


def log_lacks(path, want, seconds):
    """Waits up to `seconds` for a node's log to contain `want`: None when it does, else the node's adapter line
    (what it runs instead) or "no adapter line"."""
    deadline = time.time() + seconds
    while True:
        text = open(path, errors="replace").read() if os.path.exists(path) else ""
        if want in text:
            return None
        if time.time() > deadline:
            return next((l for l in text.splitlines() if "socketeer-bench adapter" in l), "no adapter line").strip()
        time.sleep(0.2)


def measure_cross(name, cfg, port, r, nodes):
    """Half of the clients on each node, broadcasts from node A."""
    try:
        if not nodes:
            return {"error": "redis-server did not start"}
        for n_, p_ in zip(nodes, (port, port + 1)):
            if not wait_port(p_, n_):
                return {"error": f"{name} node on {p_} did not start; see {cfg['tmp']}/{name}-redis-{p_}.log"}
        bad = cross_adapter_ok(name, cfg, port)
        if bad:
            return {"error": bad}
        kind = "node" if name == "node" else "jvm"
        return loadgen(cfg, [f"http://127.0.0.1:{port}/socket.io/", f"http://127.0.0.1:{port + 1}/socket.io/"],
                       [n_.pid for n_ in nodes], [kind, kind], cfg["cross-scenarios"],
                       f"{name}+redis", aux_pids=[r.pid])
    finally:
        for n_ in nodes:
            stop(n_)
        stop(r)


# ------------------------------------------------------------------ summary

METRICS = {
    "ws-connect": [("connectsPerSec", "connects/s", 1), ("rssBytesPerConn", "RSS KB/conn", 1 / 1024),
                   ("rssUntrimmedBytesPerConn", "RSS untrimmed", 1 / 1024),
                   ("heapBytesPerConn", "heap KB/conn", 1 / 1024), ("serverCpuUsPerConnect", "CPU µs/connect", 1),
                   ("failed", "failed", 1)],
    "fanout-fixed": [("deliveriesPerSec", "deliveries/s", 1), ("serverCpuUsPerDelivery", "CPU µs/delivery", 1),
                     ("latencyUs.p50", "p50 µs", 1), ("latencyUs.p99", "p99 µs", 1),
                     ("latencyUs.p999", "p99.9 µs", 1), ("lost", "lost", 1)],
    "fanout-max": [("deliveriesPerSec", "deliveries/s", 1), ("serverCpuUsPerDelivery", "CPU µs/delivery", 1),
                   ("serverCpuCores", "server cores", 1), ("latencyUs.p50", "p50 µs", 1),
                   ("latencyUs.p99", "p99 µs", 1), ("latencyUs.p999", "p99.9 µs", 1), ("lost", "lost", 1)],
    "ack": [("roundTripsPerSec", "round trips/s", 1), ("serverCpuUsPerRoundTrip", "CPU µs/RT", 1),
            ("latencyUs.p50", "p50 µs", 1), ("latencyUs.p99", "p99 µs", 1), ("latencyUs.p999", "p99.9 µs", 1),
            ("lost", "lost", 1)],
    "poll-connect": [("connectsPerSec", "connects/s", 1), ("rssBytesPerConn", "RSS KB/conn", 1 / 1024),
                     ("heapBytesPerConn", "heap KB/conn", 1 / 1024), ("failed", "failed", 1)],
    "poll-ack": [("roundTripsPerSec", "round trips/s", 1), ("serverCpuUsPerRoundTrip", "CPU µs/RT", 1),
                 ("latencyUs.p50", "p50 µs", 1), ("latencyUs.p99", "p99 µs", 1), ("lost", "lost", 1)],
}
CROSS_METRICS = [("deliveriesPerSec", "deliveries/s", 1), ("serverCpuUsPerDelivery", "CPU µs/delivery (both nodes)", 1),
                 ("auxCpuUsPerUnit", "redis CPU µs/delivery", 1), ("latencyUs.p50", "p50 µs", 1),
                 ("latencyUs.p99", "p99 µs", 1), ("lost", "lost", 1)]


def dig(d, path):
    for k in path.split("."):
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d if isinstance(d, (int, float)) else None


def medians(rounds_by_server, metrics_by_scenario):
    out = {}
    for server, rounds in rounds_by_server.items():
        out[server] = {}
        for scenario, metrics in metrics_by_scenario.items():
            vals = {}
            for key, _, _ in metrics:
                xs = [dig(r.get("scenarios", {}).get(scenario, {}), key) for r in rounds]
                xs = [x for x in xs if x is not None]
                if xs:
                    vals[key] = {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "n": len(xs)}
            if vals:
                out[server][scenario] = vals
    return out


def fmt(v):
    if v is None:
        return "—"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def tables(med, metrics_by_scenario, servers, title_suffix=""):
    lines = []
    for scenario, metrics in metrics_by_scenario.items():
        present = [s for s in servers if scenario in med.get(s, {})]
        if not present:
            continue
        lines.append(f"\n### {scenario}{title_suffix}\n")
        lines.append("| server | " + " | ".join(label for _, label, _ in metrics) + " |")
        lines.append("|---|" + "---|" * len(metrics))
        for s in present:
            cells = []
            for key, _, scale in metrics:
                m = med[s][scenario].get(key)
                if m is None:
                    cells.append("—")
                elif m["n"] > 1 and key in ("deliveriesPerSec", "roundTripsPerSec", "serverCpuUsPerDelivery",
                                              "serverCpuUsPerRoundTrip", "rssBytesPerConn"):
                    cells.append(f"{fmt(m['median'] * scale)} ({fmt(m['min'] * scale)}–{fmt(m['max'] * scale)})")
                else:
                    cells.append(fmt(m["median"] * scale))
            lines.append(f"| {s} | " + " | ".join(cells) + " |")
        base = present[0]
        for peer in present[1:]:
            cells = []
            for key, _, _ in metrics:
                a = med[base][scenario].get(key)
                b = med[peer][scenario].get(key)
                if a is None or b is None or b["median"] == 0 or key in ("lost", "failed"):
                    cells.append("")
                else:
                    cells.append(f"{a['median'] / b['median']:.2f}×")
            lines.append(f"| *{base} ÷ {peer}* | " + " | ".join(cells) + " |")
    return lines


def svg_chart(med, servers, path, subtitle):
    panels = [("fanout-max", "serverCpuUsPerDelivery", "server CPU µs per delivery (max rate) — lower is better", 1),
              ("fanout-max", "deliveriesPerSec", "deliveries/s at max rate — higher is better", 1),
              ("ack", "roundTripsPerSec", "ack round trips/s — higher is better", 1),
              ("ack", "serverCpuUsPerRoundTrip", "server CPU µs per ack round trip — lower is better", 1),
              ("ws-connect", "rssBytesPerConn", "RSS KB per idle WebSocket connection — lower is better", 1 / 1024),
              ("poll-ack", "roundTripsPerSec", "long-polling ack round trips/s — higher is better", 1)]
    colors = {"socketeer": "#2b7bb9", "node": "#6cc24a", "netty-socketio": "#e8a33d", "floor": "#999999"}
    bar_h, gap, panel_gap, left, width = 18, 4, 34, 130, 560
    h = 60
    for sc, key, _, _ in panels:
        h += panel_gap + len([s for s in servers if med.get(s, {}).get(sc, {}).get(key)]) * (bar_h + gap)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 120}" height="{h}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="100%" height="100%" fill="white"/>',
           f'<text x="10" y="22" font-size="16" font-weight="bold">Socketeer benchmark (medians)</text>',
           f'<text x="10" y="42" fill="#555">{subtitle}</text>']
    y = 60
    for sc, key, title, scale in panels:
        rows = [(s, med[s][sc][key]["median"] * scale) for s in servers if med.get(s, {}).get(sc, {}).get(key)]
        if not rows:
            continue
        y += panel_gap - 10
        out.append(f'<text x="10" y="{y}" font-weight="bold">{title}</text>')
        y += 8
        top = max(v for _, v in rows) or 1
        for s, v in rows:
            w = max(1, int(width * v / top))
            out.append(f'<text x="10" y="{y + 13}">{s}</text>')
            out.append(f'<rect x="{left}" y="{y}" width="{w}" height="{bar_h}" fill="{colors.get(s, "#555")}"/>')
            out.append(f'<text x="{left + w + 6}" y="{y + 13}">{fmt(v)}</text>')
            y += bar_h + gap
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out))


_machine = {}


def machine():
    if _machine:
        return _machine
    mem = open("/proc/meminfo").readline().split()[1]
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    redis = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()

    def pkg(name):
        try:
            return json.load(open(f"{BENCH}/node/node_modules/{name}/package.json"))["version"]
        except OSError:
            return None

    def jar(prefix):
        lib = f"{BENCH}/socketeer-app/target/lib"
        for f in sorted(os.listdir(lib)) if os.path.isdir(lib) else []:
            if f.startswith(prefix):
                return f[len(prefix):-4]
        return None

    _machine.update({
        "nproc": os.cpu_count(), "memTotalKiB": int(mem), "kernel": platform.release(),
        "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
        "java": java, "node": node, "redis": redis,
        "socketeer": f"0.1.0-SNAPSHOT @ {commit}{' (dirty)' if dirty else ''}",
        "springBoot": jar("spring-boot-") or "4.1.0", "reactorNetty": jar("reactor-netty-http-"),
        "netty": jar("netty-codec-http-"), "jackson": jar("jackson-databind-"),
        "socket.io": pkg("socket.io"), "engine.io": pkg("engine.io"), "ws": pkg("ws"),
        "bufferutil": pkg("bufferutil"), "@socket.io/redis-adapter": pkg("@socket.io/redis-adapter"),
        "netty-socketio": "2.0.14 (Netty 4.1.130.Final)",
    })
    return _machine


def report(a, cfg, servers, raw, cross, t0, date, final):
    elapsed = time.time() - t0
    med = medians(raw, METRICS)
    cross_med = medians({s: v for s, v in cross.items() if "skipped" not in v[0]}, {"fanout-max": CROSS_METRICS,
                                                                                    "fanout-fixed": CROSS_METRICS})
    mach = machine()
    header = [f"# Socketeer benchmark — {date}{' (pinned: server core 0, generator core 1)' if a.pinned else ''}",
              "",
              f"Machine: {mach['nproc']} cores ({mach['cpu']}), {mach['memTotalKiB'] // 1024} MiB, kernel {mach['kernel']}. "
              f"{mach['java']}; Node {mach['node']}; {mach['redis']}.",
              f"Versions: Socketeer {mach['socketeer']} on Spring Boot {mach['springBoot']}, Reactor Netty "
              f"{mach['reactorNetty']}, Netty {mach['netty']}, Jackson {mach['jackson']}; socket.io {mach['socket.io']} "
              f"(engine.io {mach['engine.io']}, ws {mach['ws']}, bufferutil {mach['bufferutil']}); netty-socketio "
              f"{mach['netty-socketio']}; floor = bare Reactor Netty WebSocket with pre-encoded frames.",
              f"Load: {cfg['clients']} WebSocket clients in {cfg['rooms']} rooms, {cfg['payload']}-byte payloads; fixed rate "
              f"{cfg['rate']} broadcasts/s; max rate with {cfg['window']} broadcasts in flight; {cfg['ack-clients']} clients "
              f"in an emitWithAck loop; {cfg['poll-clients']} long-polling clients ({min(cfg['poll-ack-clients'], cfg['poll-clients'])} in the ack loop). "
              f"Warm-up {cfg['warmup']} s, measured {cfg['duration']} s, {min(len(v) for v in raw.values())} of {cfg['rounds']} rounds completed, alternating servers; medians "
              f"(min–max over rounds in brackets). JVMs: {' '.join(JVM_OPTS)}; Node: {' '.join(NODE_OPTS)}. "
              f"Harness wall time {elapsed / 60:.1f} min (build excluded).",
              "",
              "CPU µs per delivery / per round trip come from /proc/<pid>/stat (utime+stime) over the measured window: the "
              "figure to trust on a shared box. Throughput and latency include the generator sharing the same cores.",
              "RSS KB/conn: VmRSS after a full GC, for JVMs once glibc has returned its free malloc memory "
              "(jcmd System.trim_native_heap, what -XX:TrimNativeHeapInterval does every few seconds); RSS untrimmed: "
              "before that (Node has no such step: both columns are its VM's RSS).",
              "Ratios are the first server ÷ each peer (for CPU and KB, below 1 is better; for rates, above 1 is better)."]
    body = tables(med, METRICS, servers)
    if cross_med:
        body += ["", "## Cross-node (two nodes via Redis, half of the clients on each, broadcasts from node A)"]
        body += tables(cross_med, {"fanout-fixed": CROSS_METRICS, "fanout-max": CROSS_METRICS}, list(cross_med), " (2 nodes + Redis)")
    for s, v in cross.items():
        if "skipped" in v[0]:
            body.append(f"\nCross-node {s}: skipped — {v[0]['skipped']}.")
    problems = []
    for s, rounds in raw.items():
        for r in rounds:
            if "error" in r:
                problems.append(f"- {s} round {r['round']}: {r['error']}")
            for sc, v in (r.get("scenarios") or {}).items():
                if isinstance(v, dict) and v.get("error"):
                    problems.append(f"- {s} round {r['round']} {sc}: {v['error']}")
                if isinstance(v, dict) and (v.get("lost") or v.get("corrupt") or v.get("badAcks") or v.get("failed")):
                    problems.append(f"- {s} round {r['round']} {sc}: lost {v.get('lost')}, corrupt {v.get('corrupt')}, "
                                    f"bad acks {v.get('badAcks')}, failed connects {v.get('failed')}")
    if problems:
        body += ["", "## Verification problems", *problems]
    else:
        body += ["", "Verification: every expected delivery and ack arrived, with intact payloads, for every server and round."]
    text = "\n".join(header + body) + "\n"
    if final:
        print(text)
    os.makedirs(a.out, exist_ok=True)
    stem = f"{date}{'-pinned' if a.pinned else ''}{'-full' if a.full else ''}{'-steady' if a.steady else ''}"
    with open(os.path.join(a.out, f"results-{stem}.md"), "w") as f:
        f.write(text + f"\n![chart](chart-{stem}.svg)\n")
    with open(os.path.join(a.out, f"results-{stem}.json"), "w") as f:
        json.dump({"date": date, "machine": mach, "config": {k: v for k, v in cfg.items() if k != "tmp"},
                   "medians": med, "crossMedians": cross_med, "raw": raw, "cross": cross}, f, indent=1)
    svg_chart(med, servers, os.path.join(a.out, f"chart-{stem}.svg"),
              f"{date} · {mach['nproc']} cores · {cfg['clients']} WS clients, {cfg['rooms']} rooms, {cfg['payload']} B")
    log(f"{'wrote' if final else 'checkpoint'}: {a.out}/results-{stem}.md, .json and chart-{stem}.svg")


def fit(points):
    """Least-squares line through (connections, bytes): slope (bytes per connection), intercept, R²."""
    xs = [p_[0] for p_ in points]
    ys = [p_[1] for p_ in points]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    syy = sum((y - my) ** 2 for y in ys)
    slope = sxy / sxx if sxx else 0.0
    r2 = (sxy * sxy) / (sxx * syy) if sxx and syy else 0.0
    return slope, my - slope * mx, r2


def run_steps(a, cfg, servers, date, t0):
    """Footprint at several sizes (`--steps`): per server and round, one process, WebSocket clients connected in
    cumulative steps, RSS and heap after a full GC at each; a line through the points gives the cost of one more
    connection (its slope) and, with the fit's R², whether that cost is linear, hence a projection to 100k."""
    steps = [int(x) for x in a.steps.split(",") if x.strip()]
    cfg = dict(cfg, clients=max(steps), steps=",".join(map(str, steps)))
    raw = {s: [] for s in servers}
    port = 17300
    for rnd in range(cfg["rounds"]):
        order = servers[rnd % len(servers):] + servers[:rnd % len(servers)]
        for s in order:
            port = next_ports(port)
            proc = start_single(s, cfg, port)
            try:
                if not wait_port(port, proc):
                    log(f"  {s} did not start")
                    continue
                time.sleep(1)
                spec = server_spec(s)
                res = loadgen(cfg, [f"http://127.0.0.1:{port}/socket.io/"], [server_pid(proc)], [spec["kind"]],
                              ["ws-steps"], s)
            finally:
                stop(proc)
            pts = res.get("scenarios", {}).get("ws-steps", {}).get("points")
            if not pts or len(pts) < 3:
                log(f"  {s}: no usable steps ({str(res)[:300]})")
                continue
            rss = fit([(p_["connections"], p_["rss"]) for p_ in pts])
            heap = fit([(p_["connections"], p_["heap"]) for p_ in pts])
            raw[s].append({"points": pts, "rssSlope": rss[0], "rssIntercept": rss[1], "rssR2": rss[2],
                           "heapSlope": heap[0], "heapR2": heap[2], "round": rnd + 1})
            log(f"steps round {rnd + 1}: {s}: RSS {rss[0] / 1024:.2f} KB/conn (R² {rss[2]:.4f}), "
                f"heap {heap[0] / 1024:.2f} KB/conn (R² {heap[2]:.4f})")
    render_steps(a, cfg, servers, date, raw, steps, machine(), time.time() - t0)


def render_steps(a, cfg, servers, date, raw, steps, mach, seconds):
    rows = ["| server | points (connections: RSS MiB) | RSS KB/conn (slope) | R² | heap KB/conn (slope) | R² | "
            "100k connections, projected RSS MiB (slope × 100k) |", "|---|---|---|---|---|---|---|"]
    med = {}
    for s in servers:
        if not raw[s]:
            continue
        # the median slopes over the rounds (mean of the middle two for an even count); the points and R² shown
        # are those of the round whose RSS slope is nearest that median
        rss_med = statistics.median(r["rssSlope"] for r in raw[s])
        pick = dict(min(raw[s], key=lambda r: abs(r["rssSlope"] - rss_med)))
        pick["rssSlope"] = rss_med
        pick["heapSlope"] = statistics.median(r["heapSlope"] for r in raw[s])
        med[s] = pick
        pts = ", ".join(f"{p_['connections']}: {p_['rss'] / 2 ** 20:.0f}" for p_ in pick["points"])
        rows.append(f"| {s} | {pts} | {pick['rssSlope'] / 1024:.2f} | {pick['rssR2']:.4f} | "
                    f"{pick['heapSlope'] / 1024:.2f} | {pick['heapR2']:.4f} | {pick['rssSlope'] * 1e5 / 2 ** 20:,.0f} |")
    if servers and servers[0] in med:
        first = med[servers[0]]
        for peer in servers[1:]:
            if peer in med:
                rows.append(f"| *{servers[0]} ÷ {peer}* |  | {first['rssSlope'] / med[peer]['rssSlope']:.2f}× |  | "
                            f"{first['heapSlope'] / med[peer]['heapSlope']:.2f}× |  |  |")
    body = [f"# Socketeer footprint at several sizes — {date}", "",
            f"Machine: {mach['nproc']} cores ({mach['cpu']}), {mach['memTotalKiB'] // 1024} MiB, kernel {mach['kernel']}. "
            f"{mach['java']}; Node {mach['node']}. Socketeer {mach['socketeer']}; socket.io {mach['socket.io']}; "
            f"netty-socketio {mach['netty-socketio']}.",
            f"Idle WebSocket clients connected in cumulative steps of {', '.join(map(str, steps))} to one server "
            f"process (JVMs: {' '.join(JVM_OPTS)}; Node: {' '.join(NODE_OPTS)}); at each step, once the server is "
            f"idle, its RSS (VmRSS) and its heap after a full GC. The slope of a least-squares line through the points "
            f"is the cost of one more connection (fixed costs such as JIT code and pools stay in the intercept); R² "
            f"near 1 says the cost is linear, which is what the 100k projection assumes. "
            f"{cfg['rounds']} rounds: median slopes (the mean of the two for two rounds; each round's slopes in the "
            f"JSON), points and R² of the round nearest the median. Wall time {seconds / 60:.1f} min.",
            "", *rows, ""]
    os.makedirs(a.out, exist_ok=True)
    stem = f"footprint-{date}{'-pinned' if a.pinned else ''}"
    with open(os.path.join(a.out, stem + ".md"), "w") as f:
        f.write("\n".join(body))
    with open(os.path.join(a.out, stem + ".json"), "w") as f:
        json.dump({"date": date, "machine": mach, "steps": steps, "results": raw}, f, indent=1)
    print("\n".join(body))
    log(f"wrote: {a.out}/{stem}.md and .json")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--pinned", action="store_true", help="server on core 0, generator on core 1 (taskset)")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--servers", default="socketeer,node,netty-socketio,floor")
    ap.add_argument("--no-cross", action="store_true")
    ap.add_argument("--steady", action="store_true",
                    help="steady state: 20 s warm-up per phase (the JIT done), 10 s windows, one round")
    ap.add_argument("--steps", help="footprint at several sizes instead of the scenarios, e.g. 2500,5000,10000,19500")
    ap.add_argument("--cross-only", action="store_true", help="only the cross-node scenario (no single-server rounds)")
    ap.add_argument("--cross-mode", default="classic", choices=["classic", "sharded", "streams"],
                    help="the Redis adapter of the cross-node pairs: classic (default), sharded or streams "
                         "(Node: @socket.io/redis-adapter createAdapter / createShardedAdapter, "
                         "@socket.io/redis-streams-adapter)")
    ap.add_argument("--recovery-cost", action="store_true", dest="recovery_cost",
                    help="what connection state recovery across nodes costs per join/leave, set-data and emit, on "
                         "Redis Streams and Postgres (recovery off and on, one run, ~5 min)")
    ap.add_argument("--jfr", action="store_true", help="record a JFR profile of every JVM server (benchmarks/target/run/*.jfr)")
    ap.add_argument("--clients", type=int)
    ap.add_argument("--duration", type=float)
    ap.add_argument("--warmup", type=float)
    ap.add_argument("--poll-clients", type=int, dest="poll_clients")
    ap.add_argument("--scale", action="store_true",
                    help="the scale scenario: 100k WebSocket clients on six nodes + Redis, Socketeer then Node")
    ap.add_argument("--scale-clients", type=int, default=100000, dest="scale_clients",
                    help="clients of the whole cluster in --scale (default 100,000)")
    ap.add_argument("--scale-nodes", type=int, default=6, dest="scale_nodes")
    ap.add_argument("--redis-pubsub-buffer", dest="redis_pubsub_buffer",
                    help="Redis's pubsub output buffer limit for --scale, e.g. 'pubsub 512mb 256mb 60' "
                         "(default: Redis's own, 32mb 8mb 60)")
    ap.add_argument("--out", default=DOCS)
    a = ap.parse_args()
    # the quick set (< 10 min on a 2-core box, build excluded): 10k WebSocket clients kept for the footprint and
    # fan-out, 2 rounds, 4 s warm-up + 3 s windows, 500 polling clients. `settle` is a ceiling: the generator takes
    # the footprint as soon as the server is idle. The warm-up lets the JVMs compile each path before it is measured
    # (with 1 s, C2 compilations took a quarter of a JVM server's CPU in the measured window; see
    # docs/contributing/performance.md, round 4).
    cfg = {"clients": 10000, "poll-clients": 500, "rooms": 100, "payload": 100, "rate": 200, "window": 16,
           "warmup": 4, "duration": 3, "ack-clients": 1000, "poll-ack-clients": 200, "settle": 2,
           "threads": 2, "connect-concurrency": 200, "connect-timeout": 60, "rounds": 2,
           "cross-scenarios": ["ws-connect", "fanout-max"]}
    if a.full:
        cfg.update({"clients": 19500, "poll-clients": 9000, "warmup": 10, "duration": 10, "rounds": 5, "settle": 5,
                    "connect-timeout": 120, "cross-scenarios": ["ws-connect", "fanout-fixed", "fanout-max"]})
    if a.steady:
        cfg.update({"warmup": 20, "duration": 10, "rounds": 1})
    for k in ("rounds", "clients", "duration", "warmup", "poll_clients"):
        if getattr(a, k) is not None:
            cfg[k.replace("_", "-")] = getattr(a, k)
    if a.steps:
        cfg["clients"] = max(int(x) for x in a.steps.split(",") if x.strip())
    if a.scale:
        # per generator process (one per node) at most ~19.9k sockets: the harness checks that below
        cfg.update({"rooms": 1000, "warmup": a.warmup or 5, "duration": a.duration or 5, "settle": 5,
                    "connect-timeout": 900, "requests-timeout": 90, "scale-clients": a.scale_clients,
                    "scale-nodes": a.scale_nodes, "scale-broadcasts": 5, "redis-pubsub-buffer": a.redis_pubsub_buffer, "scale-connect-concurrency": 100,
                    "clients": -(-a.scale_clients // a.scale_nodes)})
    cfg["pinned"] = a.pinned
    cfg["cross-mode"] = a.cross_mode
    GRACEFUL[0] = a.jfr
    if a.jfr:
        JVM_OPTS.append("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                        + os.path.join(BENCH, "target", "run") + "/")
    cfg["tmp"] = os.path.join(BENCH, "target", "run")
    os.makedirs(cfg["tmp"], exist_ok=True)
    servers = [s for s in a.servers.split(",") if s]
    limit = int(subprocess.run(["sh", "-c", "ulimit -n"], capture_output=True, text=True).stdout.strip() or 0)
    if cfg["clients"] + 1 + 120 > limit:
        log(f"{cfg['clients']} WebSocket clients need more than the {limit} open files a process may hold here "
            f"(ulimit -n): one generator process holds at most ~{limit - 120} sockets. Lower --clients, or run "
            f"several generator processes (--scale does, one per node).")
        sys.exit(3)
    if cfg["clients"] + 1 + 2 * cfg["poll-clients"] + 120 > limit:
        cfg["poll-clients"] = (limit - 120 - cfg["clients"] - 1) // 2
        log(f"polling clients lowered to {cfg['poll-clients']} so the generator stays under {limit} open files "
            f"(they hold 2 sockets each, on top of the WebSocket clients)")
    date = datetime.datetime.now().strftime("%Y-%m-%d")
    log(f"config: {json.dumps({k: v for k, v in cfg.items() if k != 'tmp'})}")
    if a.scale:
        cfg["ulimit"] = limit
        cfg["loadStart"] = " ".join(open("/proc/loadavg").read().split()[:3])
        try:
            run_scale_with_load(a, cfg, date, time.time())
        finally:
            stop_all()
        return
    if a.recovery_cost:
        import recovery_cost
        try:
            recovery_cost.run(sys.modules[__name__], a, cfg)
        finally:
            stop_all()
        return
    if a.steps:
        try:
            run_steps(a, cfg, servers, date, time.time())
        finally:
            stop_all()
        return
    raw = {s: [] for s in servers}
    cross = {}
    port = 17300
    t0 = time.time()
    try:
        # the cross-node pairs start together with round 1's servers (they sit idle until measured after round 1)
        pairs = [] if a.no_cross else start_cross_all(a, cfg, servers, cross, port + 100)
        if a.cross_only:
            measure_cross_all(pairs, cfg, cross)
        for rnd in range(0 if a.cross_only else cfg["rounds"]):
            order = servers[rnd % len(servers):] + servers[:rnd % len(servers)]
            port = run_round(order, cfg, port, rnd, raw, lambda: report(a, cfg, servers, raw, cross, t0, date, False))
            if rnd == 0 and pairs:
                measure_cross_all(pairs, cfg, cross)
        report(a, cfg, servers, raw, cross, t0, date, True)
    finally:
        stop_all()


def start_cross_all(a, cfg, servers, cross, port):
    """Starts the cross-node pairs (each on its own Redis); measured once, after the first round."""
    cross_servers = ["node"]
    if "socketeer" in servers:
        if socketeer_has_redis():
            cross_servers.insert(0, "socketeer")
        else:
            log("cross-node: SKIPPING Socketeer - the built library has no Redis adapter "
                "(no dev.socketeer.adapter.redis classes; socketio.adapter.type=redis has nothing behind it "
                "on this branch). Merge main once the redis branch has landed and rerun.")
            cross["socketeer"] = [{"skipped": "no Redis adapter in the built library yet"}]
    pairs = []
    for s in cross_servers:  # every pair starts at once, then they are measured in turn
        port = next_ports(port)
        log(f"cross-node: {s} x2 + redis on ports {port},{port + 1} (redis {port + 1000})")
        pairs.append((s, port, *start_cross(s, cfg, port)))
    return pairs


def measure_cross_all(pairs, cfg, cross):
    try:
        for s, p_, r, nodes in pairs:
            t = time.time()
            res = measure_cross(s, cfg, p_, r, nodes)
            if "error" in res:
                log(f"  {s}+redis: {res['error']}")
            log(f"cross-node: {s} measured in {time.time() - t:.0f} s")
            cross[s] = [res]
    finally:
        for _, _, r, nodes in pairs:
            for n_ in nodes:
                stop(n_)
            stop(r)


# ------------------------------------------------------------------ the scale scenario (--scale)
# Six nodes of one server behind one Redis (start_cross with count=6), one generator process per node (a process
# holds at most ~19.9k sockets here), run in step by the harness over their stdin/stdout (LoadGen's `scale`
# scenario): connect storm and footprint per node, serverCount, cluster-wide fetchSockets on a room of 100, on the
# room "big" of 1,000 and on all, broadcasts to all (time until the last delivery, wall clock shared by the
# processes) and room fan-out at max rate over all six nodes. Socketeer's cluster, then Node's, in the same run.

import queue
import threading


class ScaleWorker:
    """One generator process of the scale scenario, driven line by line."""

    def __init__(self, cmd, logfile):
        self.log = logfile
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(logfile, "w"),
                                  text=True, start_new_session=True)
        started.append(self.p)
        self.q = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.p.stdout:
            if line.startswith("STEP "):
                self.q.put(json.loads(line[5:]))
            elif line.startswith("RESULT "):
                self.q.put({"result": json.loads(line[7:])})
        self.q.put({"error": "generator exited; see " + self.log})

    def send(self, command):
        try:
            self.p.stdin.write(command + "\n")
            self.p.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def get(self, timeout):
        try:
            return self.q.get(timeout=timeout)
        except queue.Empty:
            return {"error": f"no answer within {timeout:.0f} s; see {self.log}"}

    def ask(self, command, timeout=60):
        self.send(command)
        return self.get(timeout)

    def stop(self):
        self.send("quit")
        try:
            self.p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        stop(self.p)


def ask_all(workers, command, timeout=60):
    for w in workers:
        w.send(command)
    return [w.get(timeout) for w in workers]


def cpu_seconds(pids):
    total = 0.0
    for pid in pids:
        try:
            stat = open(f"/proc/{pid}/stat").read()
            f = stat[stat.rindex(")") + 2:].split()
            total += (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            pass
    return total


def rss_bytes(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def scale_answer(res):
    """[count, micros] of a query's ack."""
    try:
        v = json.loads(res["answer"])
        return int(v[0]), float(v[1])
    except (KeyError, ValueError, TypeError, IndexError):
        return None, None


def measure_scale(name, cfg, port, rounds_seq):
    """One cluster: six nodes + Redis, six generator processes; returns the figures."""
    n_nodes = cfg["scale-nodes"]
    total = cfg["scale-clients"]
    kind = "node" if name == "node" else "jvm"
    res = {"server": name, "nodes": n_nodes, "clients": total}
    t_start = time.time()
    r, nodes = start_cross(name, cfg, port, count=n_nodes)
    workers = []
    try:
        if not nodes:
            return dict(res, error="redis-server did not start")
        for n_, p_ in zip(nodes, range(port, port + n_nodes)):
            if not wait_port(p_, n_, 240):
                return dict(res, error=f"{name} node on {p_} did not start; see {cfg['tmp']}/{name}-redis-{p_}.log")
        bad = cross_adapter_ok(name, cfg, port, count=n_nodes)
        if bad:
            return dict(res, error=bad)
        res["startSeconds"] = round(time.time() - t_start, 1)
        log(f"scale: {name}: {n_nodes} nodes + redis up in {res['startSeconds']} s")
        time.sleep(2)
        # the clients of the whole cluster by global index: rooms g % rooms, "big" every big-every-th
        per = [total // n_nodes + (1 if i < total % n_nodes else 0) for i in range(n_nodes)]
        big_every = max(1, total // 1000)
        # fresh loopback source addresses for every run (TIME_WAIT of the previous run never collides)
        base = 100 + (int(time.time()) // 60) % 150
        offset = 0
        for i, n_ in enumerate(nodes):
            url = f"http://127.0.0.1:{port + i}/socket.io/"
            cmd = ["java", "-Xms64m", "-Xmx1g", "-XX:+UseParallelGC", "-cp", cp("loadgen"),
                   "dev.socketeer.bench.loadgen.LoadGen", "--urls", url, "--pids", str(n_.pid),
                   f"--{kind}-pids", str(n_.pid), "--scenarios", "scale", "--label", f"{name}-{i}",
                   "--source-prefix", f"127.{base}.{rounds_seq * 16 + i}.", "--node-memdir", cfg["tmp"],
                   "--clients", str(per[i]), "--rooms", str(cfg["rooms"]), "--payload", str(cfg["payload"]),
                   "--window", str(cfg["window"]), "--threads", "1",
                   "--connect-concurrency", str(cfg["scale-connect-concurrency"]),
                   "--connect-timeout", str(cfg["connect-timeout"]), "--settle", str(cfg["settle"]),
                   "--index-offset", str(offset), "--big-every", str(big_every), "--driver", str(i == 0).lower(),
                   "--query-timeout", str(cfg["requests-timeout"] + 30)]
            offset += per[i]
            workers.append(ScaleWorker(cmd, f"{cfg['tmp']}/scale-{name}-gen{i}.log"))
        t0 = time.time()
        connects = [w.get(cfg["connect-timeout"] + 180) for w in workers]
        res["connectWallSeconds"] = round(time.time() - t0, 1)
        per_node = []
        for i, (c, n_) in enumerate(zip(connects, nodes)):
            if "error" in c:
                return dict(res, error=f"generator {i}: {c['error']}")
            before = c.get("memoryBefore", {}).get(str(n_.pid), {})
            after = c.get("memoryAfter", {}).get(str(n_.pid), {})
            per_node.append({"port": port + i, "pid": n_.pid, "clients": c["clients"], "connected": c["connected"],
                             "failed": c["failed"], "seconds": c["seconds"], "connectsPerSec": c["connectsPerSec"],
                             "cpuUsPerConnect": c.get("serverCpuUsPerConnect"),
                             "connectLatencyMs": c.get("connectLatencyMs"),
                             "rssBefore": before.get("rss"), "rssAfter": after.get("rss"),
                             "rssUntrimmedAfter": after.get("rssUntrimmed"),
                             "heapBefore": before.get("heap"), "heapAfter": after.get("heap"),
                             "rssBytesPerConn": c.get("rssBytesPerConn"), "heapBytesPerConn": c.get("heapBytesPerConn")})
        res["perNode"] = per_node
        connected = sum(x["connected"] for x in per_node)
        res["connected"] = connected
        res["failed"] = sum(x["failed"] for x in per_node)
        log(f"scale: {name}: {connected}/{total} connected, slowest node {max(x['seconds'] for x in per_node)} s "
            f"(whole step incl. footprint {res['connectWallSeconds']} s)")
        w0 = workers[0]
        # serverCount and fetchSockets, from node 0, one at a time
        queries = {}
        for label, command, reps in [("serverCount", "query count", 3), ("fetchSockets one room", "query fetch r1", 3),
                                     ("fetchSockets room big", "query fetch big", 3),
                                     ("fetchSockets all", "query fetch *", 1)]:
            runs = []
            for _ in range(reps):
                a_ = w0.ask(command, cfg["requests-timeout"] + 60)
                count, micros = scale_answer(a_)
                runs.append({"count": count, "nodeUs": micros, "roundTripUs": a_.get("roundTripUs"),
                             "error": a_.get("error")})
            ok = [x for x in runs if x["count"] is not None and x["count"] >= 0]
            queries[label] = {"runs": runs, "count": ok[-1]["count"] if ok else None,
                              "medianMs": round(statistics.median(x["nodeUs"] for x in ok) / 1000, 2) if ok else None,
                              "maxMs": round(max(x["nodeUs"] for x in ok) / 1000, 2) if ok else None,
                              "failed": len(runs) - len(ok)}
            log(f"scale: {name}: {label}: {queries[label]['count']} in {queries[label]['medianMs']} ms (median)")
        res["queries"] = queries
        # broadcasts to all, one at a time
        phase = [0]

        def arm():
            phase[0] += 1
            return ask_all(workers, f"arm {phase[0] * 1_000_000_000}")

        alls = []
        for _ in range(cfg["scale-broadcasts"]):
            arm()
            sent = w0.ask("emitall")
            waits = ask_all(workers, "waitall 60", 90)
            if "error" in sent or any("error" in x for x in waits):
                alls.append({"error": sent.get("error") or next(x["error"] for x in waits if "error" in x)})
                continue
            lat = [x.get("latencyUs", {}) for x in waits]
            alls.append({"expected": sum(x["expected"] for x in waits), "delivered": sum(x["delivered"] for x in waits),
                         "lost": sum(x["lost"] for x in waits), "corrupt": sum(x["corrupt"] for x in waits),
                         "lastDeliveryMs": round(max(l.get("max", 0) for l in lat) / 1000, 2),
                         "perGeneratorLastMs": [round(l.get("max", 0) / 1000, 2) for l in lat],
                         "perGeneratorP50Ms": [round(l.get("p50", 0) / 1000, 2) for l in lat]})
            time.sleep(0.5)
        ok = [x for x in alls if "lastDeliveryMs" in x]
        res["broadcastAll"] = {"runs": alls,
                               "medianMs": statistics.median(x["lastDeliveryMs"] for x in ok) if ok else None,
                               "minMs": min(x["lastDeliveryMs"] for x in ok) if ok else None,
                               "maxMs": max(x["lastDeliveryMs"] for x in ok) if ok else None,
                               "lost": sum(x["lost"] for x in ok)}
        log(f"scale: {name}: broadcast to all: last delivery after {res['broadcastAll']['medianMs']} ms (median of "
            f"{len(ok)}), lost {res['broadcastAll']['lost']}")
        # room fan-out at max rate: broadcasts from node 0 to the rooms in turn, window over node 0's share
        arm()
        w0.ask("fanout-start")
        time.sleep(cfg["warmup"])
        c0, r0 = cpu_seconds([n_.pid for n_ in nodes]), cpu_seconds([r.pid])
        m0 = ask_all(workers, "mark 0")
        time.sleep(cfg["duration"])
        m1 = ask_all(workers, "mark 1")
        c1, r1 = cpu_seconds([n_.pid for n_ in nodes]), cpu_seconds([r.pid])
        stopped = w0.ask("fanout-stop")
        drains = ask_all(workers, f"drain {stopped.get('broadcasts', 0)} 15", 30)
        if any("error" in x for x in [*m0, *m1, stopped, *drains]):
            res["fanoutMax"] = {"error": next(x["error"] for x in [*m0, *m1, stopped, *drains] if "error" in x)}
        else:
            deliveries = sum(b["delivered"] - a_["delivered"] for a_, b in zip(m0, m1))
            seconds = statistics.mean((b["nanos"] - a_["nanos"]) / 1e9 for a_, b in zip(m0, m1))
            lat = [b.get("latencyUs", {}) for b in m1]
            res["fanoutMax"] = {
                "deliveriesPerSec": round(deliveries / seconds), "seconds": round(seconds, 2),
                "broadcasts": stopped["broadcasts"], "recipientsPerBroadcast": round(connected / cfg["rooms"], 1),
                "serverCpuUsPerDelivery": round((c1 - c0) * 1e6 / deliveries, 2) if deliveries else None,
                "serverCpuCores": round((c1 - c0) / seconds, 2),
                "redisCpuUsPerDelivery": round((r1 - r0) * 1e6 / deliveries, 3) if deliveries else None,
                "p50Ms": round(statistics.median(l.get("p50", 0) for l in lat) / 1000, 2),
                "p99Ms": round(max(l.get("p99", 0) for l in lat) / 1000, 2),
                "perGeneratorDeliveriesPerSec": [round((b["delivered"] - a_["delivered"]) / ((b["nanos"] - a_["nanos"]) / 1e9))
                                                 for a_, b in zip(m0, m1)],
                "expected": sum(d["expected"] for d in drains), "delivered": sum(d["delivered"] for d in drains),
                "lost": sum(d["lost"] for d in drains), "duplicated": sum(d["duplicated"] for d in drains),
                "corrupt": sum(d["corrupt"] for d in drains)}
        log(f"scale: {name}: fan-out max: {res['fanoutMax'].get('deliveriesPerSec')} deliveries/s, "
            f"lost {res['fanoutMax'].get('lost')} {res['fanoutMax'].get('error', '')}")
        for x in per_node:
            x["rssEnd"] = rss_bytes(x["pid"])
        res["redisRssEnd"] = rss_bytes(r.pid)
        # Redis cuts a subscriber whose output buffer passes its limit (pubsub: 32 MB at once, or 8 MB for 60 s)
        try:
            rlog = open(f"{cfg['tmp']}/redis-{port + 1000}.log", errors="replace").read()
            res["redisSubscribersCut"] = rlog.count("overcoming of output buffer limits")
        except OSError:
            pass
        res["wallSeconds"] = round(time.time() - t_start, 1)
        return res
    finally:
        for w in workers:
            w.stop()
        for n_ in nodes:
            stop(n_)
        stop(r)


def run_scale_with_load(a, cfg, date, t0):
    cfg["loadEnd"] = None
    servers = [s for s in a.servers.split(",") if s in ("socketeer", "node")] or ["socketeer", "node"]
    results = {}
    port = 17600
    for i, s in enumerate(servers):
        port = next_ports(port, cfg["scale-nodes"])
        log(f"scale: {s}: {cfg['scale-nodes']} nodes on ports {port}..{port + cfg['scale-nodes'] - 1}, "
            f"redis on {port + 1000}, {cfg['scale-clients']} clients")
        results[s] = measure_scale(s, cfg, port, i)
        if "error" in results[s]:
            log(f"scale: {s}: {results[s]['error']}")
        time.sleep(3)  # the kernel tears down the last cluster's sockets
    cfg["loadEnd"] = " ".join(open("/proc/loadavg").read().split()[:3])
    render_scale(a, cfg, servers, date, results, machine(), time.time() - t0)


def mib(v):
    return "—" if v is None else f"{v / 2 ** 20:,.0f}"


def render_scale(a, cfg, servers, date, results, mach, seconds):
    n_nodes = cfg["scale-nodes"]
    rss_budget = mach["memTotalKiB"] * 1024 // n_nodes
    heap_limit = 1024 * 2 ** 20  # -Xmx1g and --max-old-space-size=1024
    lines = [f"# Socketeer at scale: {cfg['scale-clients']:,} WebSocket clients on a {n_nodes}-node cluster — {date}", "",
             f"Machine: {mach['nproc']} cores ({mach['cpu']}), {mach['memTotalKiB'] // 1024} MiB, kernel {mach['kernel']}, "
             f"open files per process {cfg['ulimit']}. {mach['java']}; Node {mach['node']}; {mach['redis']}. "
             f"Socketeer {mach['socketeer']}; socket.io {mach['socket.io']}, @socket.io/redis-adapter "
             f"{mach['@socket.io/redis-adapter']}.",
             f"Load average at the start: {cfg['loadStart']}; at the end: {cfg['loadEnd']}. Wall time {seconds / 60:.1f} min.",
             "",
             f"Each server: {n_nodes} nodes on one `redis-server` "
             f"(`client-output-buffer-limit {cfg.get('redis-pubsub-buffer') or 'pubsub 32mb 8mb 60'}`"
             f"{'' if cfg.get('redis-pubsub-buffer') else ', the default'}; "
             f"{cfg['cross-mode']} Redis adapter; requests timeout "
             f"{cfg['requests-timeout']} s on both), {n_nodes} generator processes (one per node, each holding that "
             f"node's clients), {cfg['scale-clients']:,} WebSocket clients in {cfg['rooms']} rooms (the room of a client "
             f"is its index in the whole cluster modulo {cfg['rooms']}, so every room spans every node; one client in "
             f"{max(1, cfg['scale-clients'] // 1000)} also joins the room `big`: 1,000 members at 100k clients). "
             f"`fetchSockets` on all counts node 0's driver connection too (one more than the clients). JVM nodes: "
             f"{' '.join(JVM_OPTS)}; Node: {' '.join(NODE_OPTS)}. The clusters run one after the other in the same run.",
             ""]
    # per node
    for s in servers:
        r = results.get(s, {})
        lines.append(f"## {s}: per node")
        lines.append("")
        if "perNode" not in r:
            lines += [f"Not measured: {r.get('error', 'no result')}", ""]
            continue
        lines += ["| node | clients | connected | connect s | connects/s | CPU µs/connect | connect p99 ms | "
                  "RSS before MiB | RSS after MiB | heap after MiB | RSS KB/conn | heap KB/conn | "
                  "projected connections per node | bound by |", "|---|" + "---|" * 13]
        for i, x in enumerate(r["perNode"]):
            proj, bound = projection(x, rss_budget, heap_limit)
            x["projectedConnections"], x["projectionBound"] = proj, bound
            lat = x.get("connectLatencyMs") or {}
            lines.append(f"| {i} | {x['clients']:,} | {x['connected']:,} | {x['seconds']} | {fmt(x['connectsPerSec'])} | "
                         f"{fmt(x['cpuUsPerConnect'])} | {fmt(lat.get('p99'))} | {mib(x['rssBefore'])} | "
                         f"{mib(x['rssAfter'])} | {mib(x['heapAfter'])} | "
                         f"{fmt((x['rssBytesPerConn'] or 0) / 1024)} | {fmt((x['heapBytesPerConn'] or 0) / 1024)} | "
                         f"{proj:,} | {bound} |")
        lines.append("")
    lines += ["## Side by side", "", "| measure | " + " | ".join(servers) + (" | ratio |" if len(servers) == 2 else ""),
              "|---|" + "---|" * (len(servers) + (1 if len(servers) == 2 else 0))]

    def row(label, getter, better="lower"):
        vals = []
        for s in servers:
            try:
                vals.append(getter(results[s]))
            except (KeyError, TypeError, ValueError, ZeroDivisionError, statistics.StatisticsError):
                vals.append(None)
        cells = [f"{v:,}" if isinstance(v, int) else fmt(v) if isinstance(v, float) else (v if v is not None else "—")
                 for v in vals]
        ratio = ""
        if len(vals) == 2:
            x, y = vals
            ratio = f" {x / y:.2f}× |" if isinstance(x, (int, float)) and isinstance(y, (int, float)) and y else " — |"
        lines.append(f"| {label} | " + " | ".join(cells) + " |" + ratio)

    row("clients connected (of the total)", lambda r: r["connected"])
    row("connect storm, slowest node (s)", lambda r: max(x["seconds"] for x in r["perNode"]))
    row("connects/s, whole cluster", lambda r: round(r["connected"] / max(x["seconds"] for x in r["perNode"])))
    row("CPU µs per connect (median node)", lambda r: statistics.median(x["cpuUsPerConnect"] for x in r["perNode"]))
    row("RSS per node after the storm, MiB (median)", lambda r: statistics.median(x["rssAfter"] for x in r["perNode"]) / 2 ** 20)
    row("RSS KB per connection (median node)", lambda r: statistics.median(x["rssBytesPerConn"] for x in r["perNode"]) / 1024)
    row("heap KB per connection (median node)", lambda r: statistics.median(x["heapBytesPerConn"] for x in r["perNode"]) / 1024)
    row("projected connections per node (min over nodes)", lambda r: min(x["projectedConnections"] for x in r["perNode"]))
    row("broadcast to all: last delivery, ms (median)", lambda r: r["broadcastAll"]["medianMs"])
    row("broadcast to all: last delivery, ms (min–max)",
        lambda r: f"{fmt(r['broadcastAll']['minMs'])}–{fmt(r['broadcastAll']['maxMs'])}")
    row("broadcast to all: lost deliveries", lambda r: r["broadcastAll"]["lost"])
    row("room fan-out max: deliveries/s", lambda r: r["fanoutMax"]["deliveriesPerSec"])
    row("room fan-out max: CPU µs/delivery (6 nodes)", lambda r: r["fanoutMax"]["serverCpuUsPerDelivery"])
    row("room fan-out max: redis CPU µs/delivery", lambda r: r["fanoutMax"]["redisCpuUsPerDelivery"])
    row("room fan-out max: p50 / p99 ms", lambda r: f"{fmt(r['fanoutMax']['p50Ms'])} / {fmt(r['fanoutMax']['p99Ms'])}")
    row("room fan-out max: lost", lambda r: r["fanoutMax"]["lost"])
    for q in ("serverCount", "fetchSockets one room", "fetchSockets room big", "fetchSockets all"):
        row(f"{q}: answer", lambda r, q=q: r["queries"][q]["count"])
        row(f"{q}: ms (median)", lambda r, q=q: r["queries"][q]["medianMs"])
    lines += ["", "Ratios are the first server over the second. Per node: the connect storm of its generator (all six "
              "at once), CPU of the node over it, RSS (VmRSS; JVMs after a full GC and `System.trim_native_heap`) and "
              "heap after a full GC before and after the storm. Projection per node: connections until the node's heap "
              "reaches its limit (1 GiB: `-Xmx1g`, Node `--max-old-space-size=1024`) or its RSS reaches its share of "
              f"the machine's memory ({mib(rss_budget)} MiB = memory / {n_nodes} nodes), whichever comes first, at the "
              "per-connection cost measured (a straight line through before and after). Broadcast to all: one "
              "`io.emit` from node 0, each generator records the latest arrival of its clients (wall clock shared by "
              "the processes); the figure is the slowest generator's. Room fan-out at max rate: broadcasts from node 0 "
              "to the rooms in turn (every room spans all nodes, so every broadcast goes through Redis to all six), "
              f"{cfg['window']} broadcasts' worth of node 0's share in flight; deliveries counted by all generators over "
              f"{cfg['duration']} s after {cfg['warmup']} s of warm-up. Queries: from node 0, one at a time; the time "
              "is the node's, from the call to the answer."]
    problems = []
    for s in servers:
        r = results.get(s, {})
        if "error" in r:
            problems.append(f"- {s}: {r['error']}")
        if r.get("failed"):
            problems.append(f"- {s}: {r['failed']} clients did not connect")
        for q, v in (r.get("queries") or {}).items():
            if v.get("failed"):
                problems.append(f"- {s}: {q}: {v['failed']} of {len(v['runs'])} failed "
                                f"({next((x['error'] for x in v['runs'] if x.get('error')), 'negative answer: the node logged the error')})")
        for x in (r.get("broadcastAll") or {}).get("runs", []):
            if x.get("error") or x.get("lost") or x.get("corrupt"):
                problems.append(f"- {s}: broadcast to all: {x}")
        if r.get("redisSubscribersCut"):
            problems.append(f"- {s}: Redis closed {r['redisSubscribersCut']} subscriber connections of the nodes for "
                            f"overcoming the pubsub output buffer limit (`client-output-buffer-limit pubsub 32mb 8mb 60`, "
                            f"the default; see the Redis log)")
        fm = r.get("fanoutMax") or {}
        if fm.get("error") or fm.get("lost") or fm.get("corrupt"):
            problems.append(f"- {s}: room fan-out: error {fm.get('error')}, lost {fm.get('lost')}, corrupt {fm.get('corrupt')}")
    lines += ["", "## Verification", ""] + (problems or ["Every client connected; every delivery arrived intact."])
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs(a.out, exist_ok=True)
    stem = f"scale-{date}" + ("" if cfg["scale-clients"] >= 100000 else f"-{cfg['scale-clients']}")
    with open(os.path.join(a.out, stem + ".md"), "w") as f:
        f.write(text)
    with open(os.path.join(a.out, stem + ".json"), "w") as f:
        json.dump({"date": date, "machine": mach, "config": {k: v for k, v in cfg.items() if k != "tmp"},
                   "results": results}, f, indent=1)
    log(f"wrote: {a.out}/{stem}.md and .json")


def projection(x, rss_budget, heap_limit):
    """Connections one node could hold before its heap limit or its RSS share, from its cost per connection."""
    by_rss = (rss_budget - x["rssBefore"]) / x["rssBytesPerConn"] if x.get("rssBytesPerConn") and x.get("rssBefore") else None
    by_heap = (heap_limit - max(0, x["heapBefore"])) / x["heapBytesPerConn"] \
        if x.get("heapBytesPerConn") and x.get("heapBefore") is not None else None
    options = [(int(v), k) for v, k in ((by_rss, "RSS share"), (by_heap, "heap limit")) if v and v > 0]
    if not options:
        return 0, "—"
    return min(options)


def run_guarded(entry):
    """Runs `entry`; SIGTERM/SIGHUP (run.sh's trap, a closed terminal) unwind through `finally`, which stops every
    process this harness started."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(129))
    try:
        entry()
    finally:
        stop_all()


if __name__ == "__main__":
    run_guarded(main)
