#!/usr/bin/env python3
"""The soak: two Socketeer nodes on the Redis adapter, driven by benchmarks/soak/soak-client.mjs for --minutes
(30 by default) with mixed traffic (stable WebSocket and long-polling clients checking a numbered broadcast for
gaps, churn, 1 MB bursts and echoes, lagging and stalled readers) and a Redis restart halfway. Every minute, and at
the end once every client has left: heap after a full GC, RSS, open TCP connections and Engine.IO sessions per
node. Writes docs/benchmarks/soak-<date>.{md,json}. Started by benchmarks/soak.sh (which builds first)."""

import argparse
import datetime
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request

import harness
from harness import BENCH, DOCS, JVM_OPTS, cp, log, machine, next_ports, start, stop, wait_port

# TCP states in /proc/net/tcp*
ESTABLISHED, CLOSE_WAIT = "01", "08"


def tcp_connections(port):
    """Connections whose local port is `port` (the server's side), by state: established and close-wait."""
    counts = {"established": 0, "closeWait": 0}
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(name).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port != port:
                continue
            if fields[3] == ESTABLISHED:
                counts["established"] += 1
            elif fields[3] == CLOSE_WAIT:
                counts["closeWait"] += 1
    return counts


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def stats(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/soak/stats", timeout=10) as response:
        return json.load(response)


def sample(nodes, label):
    """Per node: a full GC (jcmd GC.run), then heap in use, RSS, TCP connections and sessions."""
    out = {"t": label}
    for name, port, proc in nodes:
        subprocess.run(["jcmd", str(proc.pid), "GC.run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=60)
        try:
            s = stats(port)
        except OSError as e:
            s = {"error": str(e)}
        out[name] = {"heapAfterGcMiB": round(s.get("heapUsedBytes", 0) / 2 ** 20, 1), "rssMiB": round(rss_kib(proc.pid) / 1024, 1),
                     "tcp": tcp_connections(port), "sessions": s.get("sessions"), "sockets": s.get("sockets"),
                     "disconnectReasons": s.get("disconnectReasons", {}), "seqSent": s.get("seqSent")}
    return out


def node_errors(tmp, names):
    """ERROR lines in each node's log: how many, and the distinct messages (without timestamps)."""
    out = {}
    for name in names:
        lines = [l for l in open(f"{tmp}/node-{name}.log", errors="replace") if " ERROR " in l]
        distinct = sorted({l.split(" : ", 1)[-1].strip()[:200] for l in lines})
        out[name] = {"count": len(lines), "distinct": distinct[:10]}
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--minutes", type=float, default=30, help="how long the traffic runs (default 30)")
    p.add_argument("--ws-clients", type=int, default=300)
    p.add_argument("--poll-clients", type=int, default=60)
    p.add_argument("--redis-outage", type=float, default=10, help="seconds Redis stays down halfway (default 10)")
    p.add_argument("--out", default=DOCS)
    a = p.parse_args()

    date = datetime.date.today().isoformat()
    tmp = f"{BENCH}/target/soak"
    os.makedirs(tmp, exist_ok=True)
    duration = int(a.minutes * 60)
    port = next_ports(17900)
    redis_port = port + 1000
    redis_cmd = ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    redis = start(redis_cmd, {}, f"{tmp}/redis.log")
    if not wait_port(redis_port, redis, 10):
        raise SystemExit("soak: redis-server did not start")
    nodes = []
    for name, node_port, broadcaster in (("A", port, True), ("B", port + 1, False)):
        cmd = ["java", *JVM_OPTS, "-cp", cp("socketeer-app"), "dev.socketeer.bench.app.BenchApplication",
               f"--server.port={node_port}", "--socketio.adapter.type=redis", "--spring.data.redis.host=127.0.0.1",
               f"--spring.data.redis.port={redis_port}", "--soak.enabled=true", f"--soak.broadcaster={broadcaster}",
               "--logging.level.dev.socketeer=INFO"]
        nodes.append((name, node_port, start(cmd, {}, f"{tmp}/node-{name}.log")))
    for name, node_port, proc in nodes:
        if not wait_port(node_port, proc, 90):
            raise SystemExit(f"soak: node {name} did not start; see {tmp}/node-{name}.log")
    log(f"soak: nodes A:{port} B:{port + 1}, redis {redis_port}; {a.minutes:g} min of traffic")

    samples = [sample(nodes, "start")]
    client_cfg = {"urls": [f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{port + 1}/"], "durationSec": duration,
                  "wsClients": a.ws_clients, "pollClients": a.poll_clients}
    client = subprocess.Popen(["node", f"{BENCH}/soak/soak-client.mjs", json.dumps(client_cfg)], cwd=f"{BENCH}/soak",
                              stdout=subprocess.PIPE, stderr=open(f"{tmp}/client.err", "w"), text=True,
                              start_new_session=True)
    harness.started.append(client)
    lines = []
    reader = threading.Thread(target=lambda: [lines.append(l) for l in client.stdout], daemon=True)
    reader.start()

    t0 = time.time()
    outage = None
    next_sample = t0 + 60
    while client.poll() is None and time.time() - t0 < duration + 600:
        now = time.time()
        if outage is None and now - t0 >= duration / 2:
            log(f"soak: {now - t0:.0f} s: Redis killed (SIGKILL), down for {a.redis_outage:g} s")
            outage = {"startSec": round(now - t0), "seconds": a.redis_outage}
            stop(redis)
            time.sleep(a.redis_outage)
            redis = start(redis_cmd, {}, f"{tmp}/redis-restarted.log")
            wait_port(redis_port, redis, 10)
            outage["endSec"] = round(time.time() - t0)
            log(f"soak: {outage['endSec']} s: Redis back")
        if now >= next_sample:
            samples.append(sample(nodes, round(now - t0)))
            s = samples[-1]
            log(f"soak: {s['t']} s: " + "; ".join(
                f"{n}: heap {s[n]['heapAfterGcMiB']} MiB, RSS {s[n]['rssMiB']} MiB, tcp {s[n]['tcp']['established']}, "
                f"sessions {s[n]['sessions']}" for n, _, _ in nodes))
            next_sample = now + 60
        time.sleep(1)
    reader.join(timeout=30)
    result = next((json.loads(l[7:]) for l in lines if l.startswith("RESULT ")), None)

    # every client has left: connections and sessions must come down to zero
    deadline = time.time() + 60
    while time.time() < deadline:
        if all(tcp_connections(p_)["established"] == 0 and stats(p_)["sessions"] == 0 for _, p_, _ in nodes):
            break
        time.sleep(1)
    final = sample(nodes, "end")
    samples.append(final)
    for _, _, proc in nodes:
        stop(proc)
    stop(redis)

    errors = node_errors(tmp, [n for n, _, _ in nodes])
    if result is None or result["stable"]["received"] == 0:
        log("soak: INVALID RUN: the stable clients received no numbered broadcast; see the node logs")
    report = {"date": date, "machine": machine(), "minutes": a.minutes, "wsClients": a.ws_clients, "nodeErrors": errors,
              "pollClients": a.poll_clients, "redisOutage": outage, "client": result, "samples": samples,
              "command": "benchmarks/soak.sh " + " ".join(sys.argv[1:])}
    os.makedirs(a.out, exist_ok=True)
    base = f"{a.out}/soak-{date}"
    with open(base + ".json", "w") as f:
        json.dump(report, f, indent=1)
    with open(base + ".md", "w") as f:
        f.write(markdown(report, nodes))
    log(f"soak: wrote {base}.md and .json")
    print(open(base + ".md").read())


def markdown(r, nodes):
    m = r["machine"]
    c = r["client"] or {}
    st = c.get("stable", {})
    names = [n for n, _, _ in nodes]
    out = [f"# Soak — {r['date']}", "",
           f"`{r['command']}` — {r['minutes']:g} minutes of traffic at two Socketeer nodes (Redis adapter), "
           f"{m['nproc']} cores ({m['cpu']}), {m['memTotalKiB'] // 1024} MiB, {m['java']}, Node {m['node']}, "
           f"{m['redis']}; Socketeer {m['socketeer']}. Each JVM: `{' '.join(JVM_OPTS)}`.", "",
           "## Traffic", "",
           f"- stable clients for the whole run: {st.get('ws', 0)} WebSocket + {st.get('polling', 0)} long-polling, half "
           "on each node, in the room `seq`, where node A broadcasts a numbered message every 100 ms (node B's clients "
           "get it through Redis);",
           "- churn: 4 short-lived clients every 2 s (WebSocket, polling, polling then upgrade), one echo each;",
           "- every 20 s a burst of 10 × 1 MB to a fresh client (WebSocket and polling in turn); every 15 s two ~1 MB "
           "echoes; every 90 s a WebSocket client that stops reading for 4 s during a 40 × 1 MB burst (it must get "
           "everything); every 120 s a WebSocket client that stops reading for good during a 60 × 1 MB burst (the "
           "server must cut it off);",
           f"- Redis killed (SIGKILL) at {r['redisOutage']['startSec'] if r['redisOutage'] else '?'} s and restarted "
           f"{r['redisOutage']['seconds'] if r['redisOutage'] else '?'} s later.", "",
           "## Results", ""]
    lost_a, lost_b = (st.get("lostByNode") or [0, 0])
    buckets = st.get("lossBuckets", {})
    o = r["redisOutage"] or {}
    in_outage = sum(v for k, v in buckets.items() if o and o["startSec"] - 10 <= int(k) <= o.get("endSec", 0) + 20)
    out += ["| what | result |", "|---|---|",
            f"| numbered broadcasts received by stable clients | {st.get('received', 0):,} |",
            f"| lost on node A's clients (same node as the broadcaster) | {lost_a} |",
            f"| lost on node B's clients (through Redis) | {lost_b} (of which {in_outage} around the Redis outage) |",
            f"| stable clients' disconnects | {st.get('disconnects', {}) or 'none'} |",
            f"| churn clients | {c.get('churn', {}).get('ok', 0):,} ok, {c.get('churn', {}).get('failed', 0)} failed "
            f"{c.get('churn', {}).get('errors', {}) or ''} |",
            f"| 10 × 1 MB bursts | {c.get('bursts', {}).get('ok', 0)} delivered whole, {c.get('bursts', {}).get('failed', 0)} "
            f"not {c.get('bursts', {}).get('byTransport', '')} |",
            f"| ~1 MB echoes (pairs) | {c.get('bigEchoes', {}).get('ok', 0)} ok, {c.get('bigEchoes', {}).get('failed', 0)} failed |",
            f"| lagging readers (40 × 1 MB, 4 s without reading) | {c.get('lagReaders', {}).get('ok', 0)} got everything, "
            f"{c.get('lagReaders', {}).get('failed', 0)} did not |",
            f"| stalled readers (60 × 1 MB, never reading) | {c.get('stalledReaders', {}).get('started', 0)} started, "
            f"{c.get('stalledReaders', {}).get('cutOff', 0)} cut off, {c.get('stalledReaders', {}).get('notCutOff', 0)} not |",
            ""]
    out += ["## Per node", "",
            "| sample | " + " | ".join(f"{n}: heap after GC MiB | {n}: RSS MiB | {n}: TCP established | {n}: sessions"
                                        for n in names) + " |",
            "|---|" + "---|" * (4 * len(names))]
    for s in r["samples"]:
        row = [str(s["t"]) + (" s" if isinstance(s["t"], int) else "")]
        for n in names:
            d = s.get(n, {})
            row += [str(d.get("heapAfterGcMiB")), str(d.get("rssMiB")), str(d.get("tcp", {}).get("established")),
                    str(d.get("sessions"))]
        out.append("| " + " | ".join(row) + " |")
    errors = r.get("nodeErrors", {})
    out += ["", "ERROR lines in the node logs: " + "; ".join(
        f"{n}: {errors.get(n, {}).get('count', '?')}" + (f" ({errors[n]['distinct']})" if errors.get(n, {}).get('distinct') else "")
        for n in names) + "."]
    end = r["samples"][-1]
    out += ["", "Server-side disconnect reasons over the run: " + "; ".join(
        f"{n}: {end.get(n, {}).get('disconnectReasons')}" for n in names) + ".", ""]
    return "\n".join(out)


if __name__ == "__main__":
    harness.run_guarded(main)
