#!/usr/bin/env python3
"""Writes the markdown of benchmarks/rolling-restart.sh from what its rounds left in a folder.

Usage: rolling-restart.py <work dir> <markdown file>
The folder holds runs.jsonl (one line per run, appended by RollingRestartRecoveryTestBase), rounds.jsonl (per Maven
round: its exit code and which lines of runs.jsonl it wrote), mvn-<round>.log (Maven's output: the failures of a
failed round are quoted from it) and meta.txt (key=value: commit, machine, versions, duration).
"""
import json
import re
import sys
from pathlib import Path

COMMAND = "benchmarks/rolling-restart.sh"


def read_lines(path):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def number(value):
    return f"{value:,}"


def failures(log):
    """Each failed class with the label of its assertion, and the warnings its nodes logged (once each)."""
    if not log.exists():
        return []
    found = []
    warnings = False
    for line in log.read_text(errors="replace").splitlines():
        failed = re.match(r"^\[ERROR\] +(\w+)>\S+ \[([^{]*)", line)
        if failed:
            found.append(f"`{failed.group(1)}`: {failed.group(2).strip().rstrip(':')}")
        elif "the nodes' warnings:" in line:
            warnings = True
        elif warnings and re.match(r"^  n\d+: ", line):
            found.append("`" + line.strip().rstrip("]").strip()[:400] + "`")
        else:
            warnings = False
    return list(dict.fromkeys(found))


def main():
    work, out = Path(sys.argv[1]), Path(sys.argv[2])
    meta = dict(line.split("=", 1) for line in (work / "meta.txt").read_text().splitlines() if "=" in line)
    runs = read_lines(work / "runs.jsonl")
    rounds = read_lines(work / "rounds.jsonl")
    round_of = {}
    for r in rounds:
        for index in range(r["lines"][0], r["lines"][1]):
            round_of[index] = r["round"]
    options = []
    if meta.get("runs") != "3":
        options.append(f"--runs {meta.get('runs')}")
    if meta.get("sides") != "node,streams,postgres":
        options.append(f"--sides {meta.get('sides')}")
    command = " ".join([COMMAND] + options)
    date = out.stem.removeprefix("rolling-restart-")

    text = []
    add = text.append
    add(f"# Rolling restart under room broadcasts: Socketeer and Node.js ({date})")
    add("")
    add("Three nodes behind a round-robin TCP balancer the harness controls, 300 npm `socket.io-client` 4.8 clients "
        "with connection state recovery (WebSocket, one Node process), each in one of 30 rooms; a fourth node, never "
        "restarted and without clients, broadcasts numbered `tick`s to the rooms in turn at 200/s all along. Each node "
        "in turn is taken out of the balancer, stopped with SIGTERM (its clients reconnect through the balancer to the "
        "other two), started again on its port and put back, 1 s apart. Then every client must have every tick of its "
        "room: *lost* counts ticks it never got, *duplicated* ticks it got more than once, *out of order* ticks that "
        "came after a higher one; a reconnection is *recovered* when `socket.recovered` is true with the first "
        "connection's id, *not recovered* otherwise (that client then joins its room again, so only what it missed "
        "meanwhile is counted as lost).")
    add("")
    add("- **Node.js**: socket.io 4.8.4 on `@socket.io/redis-streams-adapter` 0.3.1 (node-redis 4.7), recovery on "
        "(`maxDisconnectionDuration` 60 s); a SIGTERM handler does what a Node deployment does for a graceful stop, "
        "`await io.close()` (each socket closes with \"server shutting down\", which the adapter persists as its "
        "session in Redis) and then quits the Redis client once its commands are written "
        "(`socketio-spring-boot-autoconfigure/src/test/js/streams-recovery-node.mjs`). The broadcaster is a fourth Node "
        "server on the same adapter (`redis-cluster-node.mjs`).")
    add("- **Socketeer, Redis Streams** and **Socketeer, Postgres**: the library's own nodes, each in a JVM of its own, "
        "recovery on (60 s), the broadcaster a fourth Java node.")
    add("")
    add("The driver is the library's test `RollingRestartRecoveryTestBase` (the same clients, balancer, rate, restart "
        "sequence and accounting for all three; the Socketeer runs assert zero lost, duplicated and not recovered, "
        "Node's only report).")
    add("")
    add("```bash")
    add(command)
    add("```")
    add("")
    add(f"Commit `{meta.get('commit')}`; {meta.get('nproc')} cores ({meta.get('cpu')}), load average "
        f"{meta.get('load_before')} before and {meta.get('load_after')} after (1, 5, 15 min); "
        f"{meta.get('java')}, Node {meta.get('node')}, redis-server {meta.get('redis')}, {meta.get('postgres')}; "
        f"{int(meta.get('seconds', '0')) / 60:.1f} min for the whole command.")
    add("")
    add("| round | server | adapter | clients | messages sent | deliveries expected | received | reconnections | "
        "recovered | not recovered | lost | duplicated | out of order | clients with loss | clients with duplicates |")
    add("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for index, run in enumerate(runs):
        s = run["summary"]
        add(f"| {round_of.get(index, '?')} | {run['server']} | {run['adapter']} | {run['clients']} | "
            f"{number(run['sent'])} | {number(s['expected'])} | {number(s['received'])} | {run['reconnections']} | "
            f"{s['recovered']} | {s['fresh']} | {number(s['lost'])} | {number(s['duplicated'])} | "
            f"{number(s['outOfOrder'])} | {s['clientsWithLoss']} | {s['clientsWithDuplicates']} |")
    add("")
    totals = {}
    for run in runs:
        key = (run["server"], run["adapter"])
        t = totals.setdefault(key, {"runs": 0, "reconnections": 0, "recovered": 0, "fresh": 0, "lost": 0,
                                    "duplicated": 0, "outOfOrder": 0, "clean": 0})
        s = run["summary"]
        t["runs"] += 1
        t["reconnections"] += run["reconnections"]
        t["recovered"] += s["recovered"]
        t["fresh"] += s["fresh"]
        t["lost"] += s["lost"]
        t["duplicated"] += s["duplicated"]
        t["outOfOrder"] += s["outOfOrder"]
        t["clean"] += 1 if not (s["fresh"] or s["lost"] or s["duplicated"] or s["outOfOrder"]) else 0
    add("Over all rounds:")
    add("")
    add("| server | adapter | runs | runs with nothing lost, duplicated or not recovered | reconnections | "
        "not recovered | lost | duplicated | out of order |")
    add("|---|---|---|---|---|---|---|---|---|")
    for (server, adapter), t in totals.items():
        add(f"| {server} | {adapter} | {t['runs']} | {t['clean']} | {t['reconnections']} | {t['fresh']} | "
            f"{number(t['lost'])} | {number(t['duplicated'])} | {number(t['outOfOrder'])} |")
    add("")

    failed = [r for r in rounds if r["rc"] != 0]
    if failed:
        add("Maven rounds that failed (a Socketeer class failing its assertions, or any side failing before its "
            "summary, which then has no row):")
        add("")
        for r in failed:
            add(f"- round {r['round']}: exit code {r['rc']}")
            for line in failures(work / f"mvn-{r['round']}.log"):
                add(f"  - {line}")
        add("")
    missing = len(rounds) * len(meta.get("sides", "").split(",")) - len(runs)
    if missing > 0:
        add(f"{missing} run(s) ended before their summary (no row): see the failures above.")
        add("")

    add("## Per run: the restarts and the clients with a problem")
    add("")
    add("Each restart: the clients the node had, how long its stop took (SIGTERM to exit), until all of them were "
        "connected again elsewhere, and its start. Then up to 8 clients with a problem (not recovered first): the "
        "nodes it was on, the ticks of its room it lost (the first 10) and why a reconnection was not recovered.")
    add("")
    for index, run in enumerate(runs):
        s = run["summary"]
        add(f"**Round {round_of.get(index, '?')}, {run['server']}, {run['adapter']}**: {number(run['sent'])} ticks "
            f"in {run['publishingSeconds']:.1f} s ({run['sent'] / run['publishingSeconds']:.0f}/s), whole run "
            f"{run['wholeSeconds']:.1f} s; recoveries per client {s['minRecoveries']}..{s['maxRecoveries']}, "
            f"other room {s['otherRoom']}, beyond the last sent {s['beyond']}, ack failures {s['failed']}.")
        add("")
        for restart in run["restarts"]:
            add(f"- {restart}")
        for client in s.get("worst", []):
            parts = [f"client {client['index']} ({client['room']}, on {' → '.join(client['nodes'])})"]
            if client.get("lost"):
                parts.append(f"lost {client['lost']} (n = {', '.join(map(str, client['missing']))}"
                             f"{', …' if client['lost'] > len(client['missing']) else ''})")
            if client.get("duplicated"):
                parts.append(f"duplicated {client['duplicated']}")
            if client.get("outOfOrder"):
                parts.append(f"out of order {client['outOfOrder']}")
            if "roomsAtEnd" in client:
                rooms = client["roomsAtEnd"]
                parts.append("rooms at the end: " + (", ".join(r for r in rooms if len(r) != 20) or "none but its own")
                             if isinstance(rooms, list) else str(rooms))
            if client.get("fresh"):
                parts.append("not recovered: " + "; ".join(client["fresh"]))
            add("  - " + ", ".join(parts))
        add("")

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(text).rstrip() + "\n")


if __name__ == "__main__":
    main()
