#!/usr/bin/env python3
"""Startup of the sample app, from process launch to its first answered Engine.IO handshake.

Run by benchmarks/startup.sh (which builds the jar with Spring AOT's code in it and the Node server's modules).
Each way of starting is a mode; runs go round-robin over the modes so that the machine's noise falls on all of
them alike. A run measures:
  - wall: from launch until GET /socket.io/?EIO=4&transport=polling answers 200 with an open packet;
  - cpu: the process's user + system CPU seconds at that moment (/proc/<pid>/stat), what an autoscaler's node pays.
Training runs (CDS archive, AOT cache) are made once per mode before the measured runs and are not counted.
Results: docs/benchmarks/startup-<date>.md and .json (or --out DIR).
"""
import argparse
import datetime
import glob
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def java_version(java):
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()
    return out[0] if out else "?"


def java_feature(java):
    line = java_version(java)
    try:
        v = line.split('"')[1]
        return int(v.split(".")[0])
    except (IndexError, ValueError):
        return 0


def find_newer_jdk(minimum):
    """A JDK >= minimum under /usr/lib/jvm (for the AOT cache of JEP 483, JDK 24+), or None."""
    best = None
    for home in sorted(glob.glob("/usr/lib/jvm/*")):
        java = os.path.join(home, "bin", "java")
        if os.path.isfile(java) and not os.path.islink(home):
            feature = java_feature(java)
            if feature >= minimum and (best is None or feature > best[0]):
                best = (feature, java)
    return best[1] if best else None


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def answered(port):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        conn.request("GET", "/socket.io/?EIO=4&transport=polling")
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status == 200 and body.startswith(b"0{")
    except OSError:
        return False


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def measure(command, port, env, log_path, timeout=120):
    with open(log_path, "ab") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        try:
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"exited with {proc.returncode} before answering: {' '.join(command)} "
                                       f"(log: {log_path})")
                if answered(port):
                    wall = time.perf_counter() - start
                    cpu = cpu_seconds(proc.pid)
                    return wall, cpu
                if time.perf_counter() - start > timeout:
                    raise RuntimeError(f"no handshake within {timeout} s: {' '.join(command)} (log: {log_path})")
                time.sleep(0.005)
        finally:
            stop(proc)


def train(command, env, log_path, timeout=300):
    with open(log_path, "ab") as log:
        proc = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"training run failed ({proc.returncode}): {' '.join(command)} (log: {log_path})")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="measured runs per mode (default 7)")
    parser.add_argument("--jar", help="the sample's executable jar (default: sample-app/target/sample-app-*.jar)")
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "benchmarks"))
    parser.add_argument("--no-node", action="store_true", help="leave out the Node.js reference server")
    args = parser.parse_args()

    jar = args.jar or next(iter(sorted(p for p in glob.glob(os.path.join(ROOT, "sample-app/target/sample-app-*.jar"))
                                       if not p.endswith(("-sources.jar", "-javadoc.jar", ".original")))), None)
    if not jar or not os.path.isfile(jar):
        sys.exit("startup.py: no sample jar; run benchmarks/startup.sh (it builds one)")
    work = tempfile.mkdtemp(prefix="socketeer-startup-")
    logs = os.path.join(work, "logs")
    os.makedirs(logs)
    default_java = shutil.which("java")
    # the layout CDS and the AOT cache need: the application jar beside lib/, not nested jars
    subprocess.run([default_java, "-Djarmode=tools", "-jar", jar, "extract", "--destination", os.path.join(work, "app")],
                   check=True, capture_output=True)
    app = next(iter(glob.glob(os.path.join(work, "app", "*.jar"))))
    env = dict(os.environ)
    env.pop("JAVA_TOOL_OPTIONS", None)
    newer = find_newer_jdk(24)

    def java_mode(name, java, run_flags, train_flags=None):
        return {"name": name, "java": java, "run": run_flags, "train": train_flags}

    default = f"JDK {java_feature(default_java)}"
    modes = [java_mode(f"{default}, plain", default_java, []),
             java_mode(f"{default}, CDS", default_java, ["-XX:SharedArchiveFile=" + os.path.join(work, "cds.jsa")],
                       ["-XX:ArchiveClassesAtExit=" + os.path.join(work, "cds.jsa")]),
             java_mode(f"{default}, Spring AOT + CDS", default_java,
                       ["-Dspring.aot.enabled=true", "-XX:SharedArchiveFile=" + os.path.join(work, "spring-aot.jsa")],
                       ["-Dspring.aot.enabled=true", "-XX:ArchiveClassesAtExit=" + os.path.join(work, "spring-aot.jsa")])]
    if newer and java_feature(newer) == java_feature(default_java):
        newer = None  # the default JDK is already 24+: its modes would repeat the ones below under the same names
    if newer:
        feature = java_feature(newer)
        modes += [java_mode(f"JDK {feature}, plain", newer, []),
                  java_mode(f"JDK {feature}, AOT cache", newer, ["-XX:AOTCache=" + os.path.join(work, "app.aot")],
                            ["-XX:AOTCacheOutput=" + os.path.join(work, "app.aot")]),
                  java_mode(f"JDK {feature}, Spring AOT + AOT cache", newer,
                            ["-Dspring.aot.enabled=true", "-XX:AOTCache=" + os.path.join(work, "spring-app.aot")],
                            ["-Dspring.aot.enabled=true",
                             "-XX:AOTCacheOutput=" + os.path.join(work, "spring-app.aot")])]
    node_dir = os.path.join(ROOT, "benchmarks", "node")
    with_node = not args.no_node and os.path.isdir(os.path.join(node_dir, "node_modules"))

    for mode in modes:
        if mode["train"]:
            print(f"[startup] training: {mode['name']}", file=sys.stderr)
            train([mode["java"], *mode["train"], "-Dspring.context.exit=onRefresh", "-jar", app,
                   f"--server.port={free_port()}"], env, os.path.join(logs, "training.log"))

    results = {m["name"]: [] for m in modes}
    if with_node:
        results["Node.js socket.io 4.8 (reference)"] = []
    for run in range(args.runs):
        for mode in modes:
            port = free_port()
            wall, cpu = measure([mode["java"], *mode["run"], "-jar", app, f"--server.port={port}"], port, env,
                                os.path.join(logs, "runs.log"))
            results[mode["name"]].append({"wall": wall, "cpu": cpu})
        if with_node:
            port = free_port()
            node_env = dict(env, PORT=str(port))
            wall, cpu = measure(["node", os.path.join(node_dir, "server.js")], port, node_env,
                                os.path.join(logs, "runs.log"))
            results["Node.js socket.io 4.8 (reference)"].append({"wall": wall, "cpu": cpu})
        print(f"[startup] round {run + 1}/{args.runs}: " + ", ".join(
            f"{name} {r[-1]['wall']:.2f} s" for name, r in results.items()), file=sys.stderr)

    write(results, args, jar, default_java, newer, with_node)
    shutil.rmtree(work, ignore_errors=True)


def write(results, args, jar, default_java, newer, with_node):
    date = datetime.date.today().isoformat()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    cpu_model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                      if line.startswith("model name")), platform.processor())
    plain_name = next(iter(results))  # the default JDK, plain: the first mode
    plain = statistics.median(r["wall"] for r in results[plain_name])
    rows = []
    summary = {}
    for name, runs in results.items():
        walls = [r["wall"] for r in runs]
        cpus = [r["cpu"] for r in runs]
        summary[name] = {"wall_median": statistics.median(walls), "wall_min": min(walls), "wall_max": max(walls),
                         "cpu_median": statistics.median(cpus), "runs": runs}
        rows.append(f"| {name} | {statistics.median(walls):.2f} | {min(walls):.2f}–{max(walls):.2f} | "
                    f"{statistics.median(cpus):.2f} | {statistics.median(walls) / plain:.2f}× |")
    node_line = f"- Node.js {subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()}" \
        if with_node else ""
    text = f"""# Startup of the sample app — {date}

From launch to the first answered Engine.IO handshake (`GET /socket.io/?EIO=4&transport=polling` → 200), the sample
app on the in-memory adapter (`{os.path.relpath(jar, ROOT)}`, extracted with `java -Djarmode=tools -jar … extract`),
{args.runs} runs per mode, round-robin over the modes. CPU is the process's user + system time at that moment.

| mode | wall, median (s) | wall, min–max (s) | CPU at ready, median (s) | wall ÷ {plain_name} |
|---|---|---|---|---|
{chr(10).join(rows)}

- Command: `benchmarks/startup.sh --runs {args.runs}` on `{commit}`{' (dirty)' if dirty else ''}
- Machine: {cpu_model}, {os.cpu_count()} cores, load average at the end {os.getloadavg()[0]:.2f}
- {java_version(default_java)}{(chr(10) + '- ' + java_version(newer)) if newer else ''}
{node_line}
- CDS: a training run with `-XX:ArchiveClassesAtExit=app.jsa -Dspring.context.exit=onRefresh`, then
  `-XX:SharedArchiveFile=app.jsa`. AOT cache (JEP 483, JDK 24+): `-XX:AOTCacheOutput=app.aot` in the training run,
  then `-XX:AOTCache=app.aot`. Spring AOT: the jar built with `mvn -Paot` (Boot's `process-aot`), started with
  `-Dspring.aot.enabled=true`.
"""
    os.makedirs(args.out, exist_ok=True)
    base = os.path.join(args.out, f"startup-{date}")
    with open(base + ".md", "w") as f:
        f.write(text)
    with open(base + ".json", "w") as f:
        json.dump({"date": date, "commit": commit, "modes": summary}, f, indent=1)
    print(text)
    print(f"[startup] wrote {base}.md and .json", file=sys.stderr)


if __name__ == "__main__":
    main()
