#!/usr/bin/env python3
"""What long-polling without sticky sessions costs: three Socketeer nodes on the Redis adapter with
socketio.cluster.sticky-sessions=false, behind nginx (deploy/nginx/socketio.conf) either sticky (hash $remote_addr
consistent: every request reaches its session's node) or round robin (two requests in three are forwarded over Redis),
and for reference one node with no balancer. With --cluster-engine <dist/index.js of @socket.io/cluster-engine, built
from its source> (or $SOCKETEER_CLUSTER_ENGINE), three Node socket.io nodes on that engine's RedisEngine and
@socket.io/redis-adapter (benchmarks/node/server.js, on a Redis of their own) run behind the same nginx set-ups in the
same run, so that the ratios compare both servers on one machine at one time. benchmarks/forwarding/roundtrips.mjs
drives long-polling clients doing acknowledged round trips; prints round trips per second and latency per set-up, and
writes docs/benchmarks/polling-forwarding-<date>.md. Started by benchmarks/polling-forwarding.sh (which builds first)."""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import tempfile

from harness import BENCH, DOCS, JVM_OPTS, ROOT, cp, log, machine, next_ports, start, stop, wait_port

NODE_ADDRESSES = ["10.0.0.11:8080", "10.0.0.12:8080", "10.0.0.13:8080"]


def nginx_config(tmp, listen, node_ports, balancing):
    """deploy/nginx/socketio.conf with its listen port, node addresses and balancing line replaced, wrapped in a
    minimal nginx.conf with its own pid, logs and temp directories (as LoadBalancerTest does)."""
    include = open(f"{ROOT}/deploy/nginx/socketio.conf").read()
    for address, port in zip(NODE_ADDRESSES, node_ports):
        include = include.replace(address, f"127.0.0.1:{port}")
    include = include.replace("    hash $remote_addr consistent;\n", f"    {balancing}\n" if balancing else "")
    include = include.replace("    listen 80;\n", f"    listen 127.0.0.1:{listen};\n")
    d = tempfile.mkdtemp(prefix="nginx-", dir=tmp)
    open(f"{d}/socketio.conf", "w").write(include)
    user = "user root root;\n" if os.geteuid() == 0 else ""
    temp = "".join(f"    {k}_temp_path {d}/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    open(f"{d}/nginx.conf", "w").write(
        f"{user}pid {d}/nginx.pid;\nerror_log {d}/error.log warn;\nworker_processes 1;\n"
        f"events {{ worker_connections 8192; }}\nhttp {{\n    access_log off;\n{temp}    include {d}/socketio.conf;\n}}\n")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    return [nginx, "-p", d, "-c", f"{d}/nginx.conf", "-e", f"{d}/error.log", "-g", "daemon off;"]


def run_clients(url, a, tmp, label):
    cfg = {"url": url, "clients": a.clients, "seconds": a.seconds, "warmupSeconds": a.warmup}
    out = subprocess.run(["node", f"{BENCH}/forwarding/roundtrips.mjs", json.dumps(cfg)], cwd=f"{BENCH}/forwarding",
                         capture_output=True, text=True, timeout=a.seconds + a.warmup + 120)
    open(f"{tmp}/client-{label}.err", "w").write(out.stderr)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    log(f"polling-forwarding: {label}: {result['perSecond']:.0f} round trips/s, p50 {result['p50Ms']:.1f} ms, "
        f"p99 {result['p99Ms']:.1f} ms, errors {result['errors']}, connected {result['connected']}")
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--clients", type=int, default=100, help="long-polling clients (default 100)")
    p.add_argument("--seconds", type=int, default=20, help="measured seconds per set-up (default 20)")
    p.add_argument("--warmup", type=int, default=5, help="warm-up seconds per set-up (default 5)")
    p.add_argument("--rounds", type=int, default=2, help="rounds of every set-up, alternating (default 2)")
    p.add_argument("--response-timeout", default="1s", help="socketio.cluster.response-timeout of the nodes (default 1s)")
    p.add_argument("--cluster-engine", default=os.environ.get("SOCKETEER_CLUSTER_ENGINE", ""),
                   help="dist/index.js of @socket.io/cluster-engine built from source: adds Node nodes on it")
    a = p.parse_args()
    engine = os.path.abspath(a.cluster_engine) if a.cluster_engine else ""
    if engine and not os.path.isfile(engine):
        raise SystemExit(f"polling-forwarding: --cluster-engine {engine} is not a file")

    tmp = f"{BENCH}/target/polling-forwarding"
    os.makedirs(tmp, exist_ok=True)
    port = next_ports(18500, 7)
    redis_port = port + 1000
    redis = start(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                  {}, f"{tmp}/redis.log")
    if not wait_port(redis_port, redis, 10):
        raise SystemExit("polling-forwarding: redis-server did not start")
    node_nodes = []
    node_node_ports = [port + 4, port + 5, port + 6]
    node_redis = None
    if engine:
        # a Redis of their own: on one Redis the Node and Java nodes would be one (mixed) cluster
        node_redis_port = port + 1001
        node_redis = start(["redis-server", "--port", str(node_redis_port), "--bind", "127.0.0.1", "--save", "",
                            "--appendonly", "no"], {}, f"{tmp}/redis-node.log")
        if not wait_port(node_redis_port, node_redis, 10):
            raise SystemExit("polling-forwarding: the Node nodes' redis-server did not start")
        for i, node_port in enumerate(node_node_ports):
            env = {"PORT": str(node_port), "REDIS_URL": f"redis://127.0.0.1:{node_redis_port}",
                   "CLUSTER_ENGINE": engine, "MEMDIR": tmp}
            node_nodes.append(start(["node", "--max-old-space-size=1024", f"{BENCH}/node/server.js"], env,
                                    f"{tmp}/node-js-{i}.log"))
    node_ports = [port, port + 1, port + 2]
    nodes = []
    for i, node_port in enumerate(node_ports):
        cmd = ["java", *JVM_OPTS, "-cp", cp("socketeer-app"), "dev.socketeer.bench.app.BenchApplication",
               f"--server.port={node_port}", "--socketio.adapter.type=redis", "--spring.data.redis.host=127.0.0.1",
               f"--spring.data.redis.port={redis_port}", "--socketio.cluster.sticky-sessions=false",
               f"--socketio.cluster.response-timeout={a.response_timeout}"]
        nodes.append(start(cmd, {}, f"{tmp}/node-{i}.log"))
    for i, (node_port, proc) in enumerate(zip(node_ports, nodes)):
        if not wait_port(node_port, proc, 120):
            raise SystemExit(f"polling-forwarding: node {i} did not start; see {tmp}/node-{i}.log")
    for i, (node_port, proc) in enumerate(zip(node_node_ports, node_nodes)):
        if not wait_port(node_port, proc, 60):
            raise SystemExit(f"polling-forwarding: Node node {i} did not start; see {tmp}/node-js-{i}.log")

    listen = port + 3
    sticky_line = "hash $remote_addr consistent;"
    # (label, nodes behind nginx, balancing or None for the first node direct, short name, sticky set-up it compares to)
    setups = [("Socketeer direct (one node, no balancer)", node_ports, None, "direct", None),
              ("Socketeer, nginx sticky (hash $remote_addr consistent)", node_ports, sticky_line, "sticky", None),
              ("Socketeer, nginx round robin (forwarded)", node_ports, "", "roundrobin", "sticky")]
    if engine:
        setups += [("Node cluster-engine, nginx sticky (hash $remote_addr consistent)", node_node_ports, sticky_line,
                    "node-sticky", None),
                   ("Node cluster-engine, nginx round robin (forwarded)", node_node_ports, "", "node-roundrobin",
                    "node-sticky")]
    results = {label: [] for label, *_ in setups}
    for round_ in range(a.rounds):
        for label, ports, balancing, short, _ in setups:
            if balancing is None:
                results[label].append(run_clients(f"http://127.0.0.1:{ports[0]}/", a, tmp, f"{short}-{round_}"))
                continue
            nginx = start(nginx_config(tmp, listen, ports, balancing), {}, f"{tmp}/nginx-{short}.log")
            if not wait_port(listen, nginx, 10):
                raise SystemExit(f"polling-forwarding: nginx did not start; see {tmp}")
            try:
                results[label].append(run_clients(f"http://127.0.0.1:{listen}/", a, tmp, f"{short}-{round_}"))
            finally:
                stop(nginx)
    for proc in nodes + node_nodes:
        stop(proc)
    stop(redis)
    if node_redis:
        stop(node_redis)

    # the last round is the warm one (the JIT has seen every path); earlier rounds are listed for the noise
    last = {label: results[label][-1] for label, *_ in setups}
    by_short = {short: last[label] for label, _, _, short, _ in setups}
    sticky = by_short["sticky"]["perSecond"]
    rows = []
    for label, _, _, short, compare in setups:
        r = last[label]
        earlier = ", ".join(f"{x['perSecond']:.0f}" for x in results[label][:-1]) or "-"
        own_sticky = f"{r['perSecond'] / by_short[compare]['perSecond']:.2f}x" if compare else "-"
        rows.append(f"| {label} | {r['perSecond']:.0f} | {r['perSecond'] / sticky:.2f}x | {own_sticky} | "
                    f"{r['p50Ms']:.1f} | {r['p99Ms']:.1f} | {r['errors']} | {r['connected']} | {earlier} |")
    versus_node = []
    if engine:
        for java, node in (("sticky", "node-sticky"), ("roundrobin", "node-roundrobin")):
            versus_node.append(f"- Socketeer / Node, {'sticky' if java == 'sticky' else 'round robin (forwarded)'}: "
                               f"{by_short[java]['perSecond'] / by_short[node]['perSecond']:.2f}x the round trips "
                               f"per second, p50 {by_short[java]['p50Ms'] / by_short[node]['p50Ms']:.2f}x the latency")
    json.dump(results, open(f"{tmp}/results.json", "w"), indent=1)
    date = datetime.date.today().isoformat()
    m = machine()
    text = "\n".join([
        f"# Long-polling round trips: forwarded (no sticky sessions) vs sticky, {date} (loaded)", "",
        f"`benchmarks/polling-forwarding.sh --clients {a.clients} --seconds {a.seconds} --rounds {a.rounds}`: three "
        "nodes on Redis with `socketio.cluster.sticky-sessions=false`, behind nginx 1.22 from "
        "`deploy/nginx/socketio.conf`; "
        + ("three Node socket.io 4.8 nodes on `@socket.io/cluster-engine` 0.1.0's `RedisEngine` (built from source) and "
           "`@socket.io/redis-adapter`, on a Redis of their own, behind the same nginx set-ups, in the same run; "
           if engine else "")
        + f"{a.clients} long-polling npm clients each sending acknowledged 64-byte events one at a time; "
        f"{a.rounds} alternating rounds, the last (warm) one in the table; response timeout {a.response_timeout}. Machine: {m.get('nproc', '?')} cores ({m.get('cpu', '?')}), shared with the load generator and nginx "
        f"(load average {os.getloadavg()[0]:.1f} at the end): figures taken on a loaded machine; read the ratios.", "",
        "| set-up | round trips/s | vs Socketeer sticky | vs its own sticky | p50 ms | p99 ms | errors | clients connected | earlier rounds, round trips/s |",
        "|---|---|---|---|---|---|---|---|---|", *rows, "", *versus_node, ""])
    os.makedirs(DOCS, exist_ok=True)
    path = f"{DOCS}/polling-forwarding-{date}.md"
    open(path, "w").write(text)
    print(text)
    log(f"polling-forwarding: written {path}")


if __name__ == "__main__":
    main()
