"""The recovery-cost mode of the harness (`benchmarks/run.sh --recovery-cost`): what connection state recovery across
nodes adds per operation. For each backend that recovers across nodes (Redis Streams, Postgres), two Socketeer nodes
on a store of their own (a fresh redis-server, or a throw-away PostgreSQL from the Debian binaries, both on free
ports) are run with recovery off, then on (the order alternates between the backends), under the same load:
clients half on each node; an idle window; join + leave a room (acknowledged); set socket data (acknowledged); room
broadcasts from node A at a fixed rate and at max rate. Per operation: the nodes' CPU and the store's CPU (each from
/proc, the store with its child processes), the rate, what the store executed (Redis commands, Postgres commits and
row writes), lost and duplicated deliveries. Called by harness.py, whose helpers it uses (passed in as `h`)."""

import datetime
import glob
import json
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time

BACKENDS = ("streams", "postgres")
SCENARIOS = ["ws-connect", "idle", "rooms", "data", "rooms-paced", "data-paced", "fanout-fixed", "fanout-max"]
ORDER = ["streams-off", "streams-on", "postgres-on", "postgres-off"]
# for a focused look at one figure: BENCH_RECOVERY_SCENARIOS=ws-connect,data-paced BENCH_RECOVERY_ORDER=streams-on,...
if os.environ.get("BENCH_RECOVERY_SCENARIOS"):
    SCENARIOS = os.environ["BENCH_RECOVERY_SCENARIOS"].split(",")
if os.environ.get("BENCH_RECOVERY_ORDER"):
    ORDER = os.environ["BENCH_RECOVERY_ORDER"].split(",")
# more properties for every node, to test a hypothesis (e.g. --socketio.adapter.postgres.session-checkpoint-interval=1h)
NODE_ARGS = os.environ.get("BENCH_RECOVERY_NODE_ARGS", "").split()
# the recovery properties (docs/guide/configuration.md)
RECOVERY_ON = ["--socketio.connection-state-recovery.enabled=true",
               "--socketio.connection-state-recovery.max-disconnection-duration=2m"]


def free_port(avoid=(5432, 6379)):
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in avoid:
            return port


def pg_bin():
    """PostgreSQL's binaries as the tests find them: PG_BIN, else the newest /usr/lib/postgresql/N/bin."""
    if os.environ.get("PG_BIN"):
        return os.environ["PG_BIN"]
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"),
                      key=lambda p: int(p.split("/")[-3]) if p.split("/")[-3].isdigit() else 0)
    if not versions:
        raise SystemExit("recovery-cost: PostgreSQL's binaries not found (install Debian's postgresql, or set PG_BIN)")
    return os.path.dirname(versions[-1])


class Store:
    """A throw-away store for one measurement: redis-server, or PostgreSQL (initdb in a temp directory, trust
    authentication, fsync off, as the tests' PostgresTestServer; through `runuser -u postgres` when root)."""

    def __init__(self, h, kind, cfg):
        self.h, self.kind, self.cfg = h, kind, cfg
        self.port = free_port()
        self.proc = None
        self.data = None

    def start(self):
        h, cfg = self.h, self.cfg
        if self.kind == "streams":
            self.proc = h.start(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                 "--appendonly", "no"], {}, f"{cfg['tmp']}/recovery-redis-{self.port}.log")
            return h.wait_port(self.port, self.proc, 10)
        bin_dir = pg_bin()
        self.data = tempfile.mkdtemp(prefix="socketeer-bench-pg-")
        as_user = []
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres", "postgres")
            as_user = ["runuser", "-u", "postgres", "--"]
        init = subprocess.run([*as_user, f"{bin_dir}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
                               "-E", "UTF8", "--no-sync", "--locale=C"], capture_output=True, text=True)
        if init.returncode != 0:
            raise SystemExit(f"recovery-cost: initdb failed: {init.stdout[-500:]}{init.stderr[-500:]}")
        self.proc = h.start([*as_user, f"{bin_dir}/postgres", "-D", self.data, "-p", str(self.port), "-k", self.data,
                             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=50",
                             "-c", "log_min_messages=warning"], {}, f"{cfg['tmp']}/recovery-postgres-{self.port}.log")
        return h.wait_port(self.port, self.proc, 60)

    def node_args(self):
        if self.kind == "streams":
            return ["--socketio.adapter.type=redis", "--socketio.adapter.redis.mode=streams",
                    "--spring.data.redis.host=127.0.0.1", f"--spring.data.redis.port={self.port}"]
        return ["--socketio.adapter.type=postgres",
                f"--socketio.adapter.postgres.url=r2dbc:postgresql://127.0.0.1:{self.port}/postgres",
                "--socketio.adapter.postgres.username=postgres"]

    def adapter_class(self):
        # both Redis modes print RedisAdapterFactory; the streams mode shows in the store ops (XADD per broadcast)
        return "RedisAdapterFactory" if self.kind == "streams" else "PostgresAdapterFactory"

    def probe(self):
        """A shell command printing "name value" lines: Redis' calls per command, or Postgres' commits and the rows
        inserted/updated/deleted in the adapter's tables (pg_stat views: flushed by each backend at most once a
        second, so a window's figures are approximate)."""
        if self.kind == "streams":
            return (f"redis-cli -p {self.port} info commandstats | "
                    r"sed -n 's/^cmdstat_\([a-z|]*\):calls=\([0-9]*\),.*/\1 \2/p'")
        sql = ("select 'commits', xact_commit from pg_stat_database where datname = 'postgres' union all "
               "select relname || '.ins', n_tup_ins from pg_stat_user_tables union all "
               "select relname || '.upd', n_tup_upd from pg_stat_user_tables union all "
               "select relname || '.del', n_tup_del from pg_stat_user_tables")
        return (f"{pg_bin()}/psql -h 127.0.0.1 -p {self.port} -U postgres -d postgres -At -F ' ' "
                f"-c \"{sql}\" 2>/dev/null")

    def stop(self):
        h = self.h
        if self.proc is not None:
            if self.kind == "postgres" and self.proc.poll() is None:
                # a fast shutdown (SIGINT to the whole group: runuser and the postmaster), so nothing is left behind
                try:
                    os.killpg(self.proc.pid, 2)
                    self.proc.wait(timeout=20)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    pass
            h.stop(self.proc)
            self.proc = None
        if self.data:
            shutil.rmtree(self.data, ignore_errors=True)
            self.data = None


def node_ok(h, cfg, logs, want):
    for f in logs:
        line = h.log_lacks(f, want, 20)
        if line is not None:
            return f"node not on {want} ({line}); see {f}"
    return None


def measure(h, cfg, backend, recovery, port):
    """One configuration: a fresh store, two nodes, the generator; everything stopped afterwards."""
    label = f"{backend}-{'on' if recovery else 'off'}"
    store = Store(h, backend, cfg)
    nodes = []
    try:
        if not store.start():
            return {"error": f"the {backend} store did not start; see {cfg['tmp']}"}
        logs = []
        for p_ in (port, port + 1):
            cmd = h.SERVERS["socketeer"]["cmd"](p_, [f"--server.port={p_}", *store.node_args(),
                                                     *(RECOVERY_ON if recovery else []), *NODE_ARGS])
            logs.append(f"{cfg['tmp']}/recovery-{label}-{p_}.log")
            nodes.append(h.start(h.taskset(0, cmd, cfg["pinned"]), {"PORT": str(p_)}, logs[-1]))
        for n_, p_ in zip(nodes, (port, port + 1)):
            if not h.wait_port(p_, n_):
                return {"error": f"node on {p_} did not start; see {cfg['tmp']}/recovery-{label}-{p_}.log"}
        bad = node_ok(h, cfg, logs, store.adapter_class())
        if bad:
            return {"error": bad}
        time.sleep(1)  # start-up JIT and GC calm down
        res = h.loadgen(dict(cfg, probe=store.probe()),
                        [f"http://127.0.0.1:{port}/socket.io/", f"http://127.0.0.1:{port + 1}/socket.io/"],
                        [n_.pid for n_ in nodes], ["jvm", "jvm"], SCENARIOS, label, aux_pids=[store.proc.pid])
        res["loadAverage"] = os.getloadavg()
        return res
    finally:
        for n_ in nodes:
            h.stop(n_)
        store.stop()


# per operation: (scenario, unit count key, divisor of that count into operations, operation label)
OPS = [("rooms", "roundTrips", 2, "join + leave a room (2 acked requests)"),
       ("data", "roundTrips", 1, "set socket data (1 acked request)"),
       ("rooms-paced", "roundTrips", 2, "join + leave, paced: 1 request per client per second"),
       ("data-paced", "roundTrips", 1, "set socket data, paced: 1 request per client per second"),
       ("fanout-fixed", "deliveries", 1, "room broadcast, fixed rate: per delivery"),
       ("fanout-fixed", "broadcast", 1, "room broadcast, fixed rate: per broadcast"),
       ("fanout-max", "deliveries", 1, "room broadcast, max rate: per delivery"),
       ("fanout-max", "broadcast", 1, "room broadcast, max rate: per broadcast")]


def op_figures(res, scenario, unit, per):
    """rate, node CPU µs and store CPU µs per operation, lost, duplicated, store ops per operation."""
    sc = (res.get("scenarios") or {}).get(scenario) or {}
    if not sc or sc.get("error"):
        return None
    seconds = sc.get("seconds") or 0
    if unit == "broadcast":
        # a broadcast reaches recipientsPerBroadcast clients: its cost is the delivery's times that
        k = sc.get("recipientsPerBroadcast") or 1
        count = (sc.get("deliveries") or 0) / k
    else:
        k = 1
        count = (sc.get(unit) or 0) / per
    node_us = sc.get("serverCpuUsPerDelivery") if scenario.startswith("fanout") else sc.get("serverCpuUsPerRoundTrip")
    store_us = sc.get("auxCpuUsPerUnit")
    scale = k if unit == "broadcast" else per
    store_ops = {key: v / count for key, v in (sc.get("storeOps") or {}).items() if count and v}
    return {"rate": count / seconds if seconds else None,
            "nodeUs": node_us * scale if node_us is not None else None,
            "storeUs": store_us * scale if store_us is not None else None,
            "lost": sc.get("lost"), "duplicated": sc.get("duplicated", 0), "badAcks": sc.get("badAcks", 0),
            "storeOps": store_ops}


def fmt(v, digits=None):
    if v is None:
        return "—"
    if digits is not None:
        return f"{v:.{digits}f}"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def ratio(on, off):
    return f"{on / off:.2f}×" if on is not None and off else "—"


def store_ops_text(ops, backend):
    """The few store operations worth showing per operation."""
    if not ops:
        return ""
    if backend == "streams":
        keys = [k for k in ops if k not in ("info", "client", "ping", "hello")]
    else:
        keys = [k for k in ops if k == "commits" or k.endswith(".ins") or k.endswith(".upd") or k.endswith(".del")]
    return ", ".join(f"{k} {ops[k]:.2f}" for k in sorted(keys) if ops[k] >= 0.005) or "none"


def render(cfg, results, order, mach, seconds, load_before, load_after, command):
    date = datetime.date.today().isoformat()
    lines = [f"# Connection state recovery across nodes: what it costs per operation — {date}", "",
             f"Command: `{command}`", "",
             f"Machine: {mach['nproc']} cores ({mach['cpu']}), {mach['memTotalKiB'] // 1024} MiB, kernel "
             f"{mach['kernel']}. {mach['java']}; {mach['redis']}; PostgreSQL {pg_version()}. Socketeer "
             f"{mach['socketeer']}. Load average (1/5/15 min) before the run: "
             f"{' / '.join(f'{x:.2f}' for x in load_before)}; after: {' / '.join(f'{x:.2f}' for x in load_after)}.",
             "",
             f"Per backend, two Socketeer nodes (the benchmark app, JVMs: {' '.join(cfg['jvm-opts'])}) on a fresh "
             f"store of their own, recovery off then on (or on then off), the same load: {cfg['clients']} WebSocket "
             f"clients (half on each node) in {cfg['rooms']} rooms; every client in an acknowledged loop of join + "
             f"leave of a room of its own, then of setting its socket data (`socket.data().put(\"v\", payload)`, a "
             f"new value each time); room broadcasts sent to node A, {cfg['rate']}/s (fixed) and with "
             f"{cfg['window']} in flight (max), {cfg['payload']}-byte payloads. Warm-up {cfg['warmup']} s, measured "
             f"{cfg['duration']} s per phase; one run, wall time {seconds / 60:.1f} min (build excluded). CPU: "
             f"utime+stime from /proc over the measured window, the two nodes together and the store (redis-server, "
             f"or the postmaster with its backends) apart. Store ops: what the store executed per operation in the "
             f"window (Redis `INFO commandstats` calls; Postgres commits and row writes from `pg_stat_*`, which "
             f"backends flush at most once a second: approximate).", ""]
    for backend in BACKENDS:
        off, on = results.get(f"{backend}-off"), results.get(f"{backend}-on")
        title = "Redis Streams (`socketio.adapter.redis.mode=streams`)" if backend == "streams" else \
            "PostgreSQL (`socketio.adapter.type=postgres`)"
        lines += [f"## {title}", ""]
        for name, r in (("off", off), ("on", on)):
            if r is None or "error" in r:
                lines.append(f"- recovery {name}: ERROR {r.get('error') if r else 'not run'}")
        if not off or not on or "error" in off or "error" in on:
            lines.append("")
            continue
        lines += ["| operation | rate off | rate on | on ÷ off | node CPU µs off | on | on ÷ off | "
                  "store CPU µs off | on | on ÷ off | node+store µs on ÷ off | store ops off | store ops on | "
                  "lost / dup. / bad acks (off; on) |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for scenario, unit, per, label in OPS:
            a = op_figures(off, scenario, unit, per)
            b = op_figures(on, scenario, unit, per)
            if a is None or b is None:
                lines.append(f"| {label} | — | | | | | | | | | | | | |")
                continue
            tot_a = (a["nodeUs"] or 0) + (a["storeUs"] or 0)
            tot_b = (b["nodeUs"] or 0) + (b["storeUs"] or 0)
            problems = (f"{a['lost'] or 0} / {a['duplicated'] or 0} / {a['badAcks'] or 0}; "
                        f"{b['lost'] or 0} / {b['duplicated'] or 0} / {b['badAcks'] or 0}")
            lines.append(f"| {label} | {fmt(a['rate'])}/s | {fmt(b['rate'])}/s | {ratio(b['rate'], a['rate'])} | "
                         f"{fmt(a['nodeUs'])} | {fmt(b['nodeUs'])} | {ratio(b['nodeUs'], a['nodeUs'])} | "
                         f"{fmt(a['storeUs'])} | {fmt(b['storeUs'])} | {ratio(b['storeUs'], a['storeUs'])} | "
                         f"{ratio(tot_b, tot_a)} | {store_ops_text(a['storeOps'], backend)} | "
                         f"{store_ops_text(b['storeOps'], backend)} | {problems} |")
        idle = []
        for name, r in (("off", off), ("on", on)):
            sc = (r.get("scenarios") or {}).get("idle") or {}
            idle.append(f"recovery {name}: nodes {fmt(sc.get('serverCpuCores'))} cores, store "
                        f"{fmt(sc.get('auxCpuCores'))} cores"
                        + (f" ({store_ops_text({k: v / max(sc.get('seconds') or 1, 1e-9) for k, v in (sc.get('storeOps') or {}).items()}, backend)} per second)"
                           if sc.get("storeOps") else ""))
        lines += ["", f"Idle ({cfg['clients']} clients connected, nothing asked): " + "; ".join(idle) + ".", ""]
        connects = []
        for name, r in (("off", off), ("on", on)):
            sc = (r.get("scenarios") or {}).get("ws-connect") or {}
            connects.append(f"recovery {name}: {fmt(sc.get('connectsPerSec'))} connects/s, "
                            f"{fmt(sc.get('serverCpuUsPerConnect'))} node CPU µs per connect, "
                            f"{sc.get('failed', '—')} failed")
        lines += ["Connect storm: " + "; ".join(connects) + ".", ""]
    lines += [f"Order of the measurements: {', '.join(order)}. Raw figures: the JSON next to this file.", ""]
    return "\n".join(lines)


def pg_version():
    try:
        out = subprocess.run([f"{pg_bin()}/postgres", "--version"], capture_output=True, text=True).stdout
        return out.split("(PostgreSQL)")[1].strip()
    except (OSError, SystemExit, IndexError):
        return "?"


def run(h, a, cfg):
    """The whole mode: for each backend, recovery off and on (alternating which goes first), one after another."""
    cfg = dict(cfg)
    cfg.update({"clients": a.clients or 1000, "rooms": 100, "ack-clients": a.clients or 1000, "rate": 200,
                "warmup": a.warmup if a.warmup is not None else 3,
                "duration": a.duration if a.duration is not None else 4,
                "poll-clients": 0, "settle": 2, "connect-timeout": 60, "jvm-opts": h.JVM_OPTS})
    if not h.socketeer_has_redis():
        raise SystemExit("recovery-cost: the built library has no Redis adapter")
    order = ORDER
    results = {}
    load_before = os.getloadavg()
    t0 = time.time()
    port = 17900
    for label in order:
        backend, state = label.split("-")
        port = h.next_ports(port)
        t = time.time()
        h.log(f"recovery-cost: {label} on ports {port},{port + 1}")
        res = measure(h, cfg, backend, state == "on", port)
        if "error" in res:
            h.log(f"  {label}: {res['error']}")
        h.log(f"recovery-cost: {label} measured in {time.time() - t:.0f} s")
        results[label] = res
    load_after = os.getloadavg()
    command = "benchmarks/run.sh --recovery-cost" + "".join(
        f" --{k} {v}" for k, v in (("clients", a.clients), ("warmup", a.warmup), ("duration", a.duration)) if v)
    text = render(cfg, results, order, h.machine(), time.time() - t0, load_before, load_after, command)
    print(text)
    os.makedirs(a.out, exist_ok=True)
    stem = f"recovery-cost-{datetime.date.today().isoformat()}"
    with open(os.path.join(a.out, stem + ".md"), "w") as f:
        f.write(text)
    with open(os.path.join(a.out, stem + ".json"), "w") as f:
        json.dump({"config": {k: v for k, v in cfg.items() if k != "tmp"}, "machine": h.machine(),
                   "loadAverageBefore": load_before, "loadAverageAfter": load_after, "order": order,
                   "results": results}, f, indent=1)
    h.log(f"wrote {a.out}/{stem}.md and .json")
