#!/usr/bin/env python3
"""Writes the many-grids section (scenario 14 of scripts/bench) into docs/BENCHMARKS.md.

usage: bench-grids-report.py RESULTS_DIR REPORT_FILE

The section sits between its own markers, just below the notes marker, so scripts/bench-report.py
keeps it and `BENCH_ONLY=grids scripts/bench` replaces it alone.
"""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_section  # noqa: E402

results, report_path = sys.argv[1], sys.argv[2]
BEGIN, END = "<!-- many-grids section: written by scripts/bench, scenario 14 -->", "<!-- end of the many-grids section -->"


def load(name):
    return bench_section.load(results, name)


met = bench_section.met


def proc(report, name):
    return next((p for p in (report or {}).get("processes", []) if p["name"] == name), None)


seed, idle, active = load("grids-seed"), load("grids-idle"), load("grids-active")
new, existing, stop = load("grids-login-new"), load("grids-login-existing"), load("grids-stop")
count = (seed or {}).get("count", 0)
rows = []
if active:
    servers = [proc(active, n) for n in ("server-a", "server-b")]
    servers = [s for s in servers if s]
    sessions = active["clients"]
    bound = 64 + sessions // 1000
    threads = max(s["threads"] for s in servers)
    clients = active.get("redis", {}).get("connectedClients", -1)
    # Both servers' connections together; the bound is per server.
    per_server = clients / max(1, len(servers))
    growth = ", ".join(
        "%s %.0f → %.0f MiB (%.1f KiB per session)" % (s["name"], s.get("rssBeforeClientsMiB") or 0, s["rssMiB"], ((s["rssMiB"] - (s.get("rssBeforeClientsMiB") or 0)) * 1024) / (sessions / len(servers)))
        for s in servers
    )
    rows.append((
        "%s grids, %s active with 2 clients each, over 2 servers" % (f"{count:,}", f"{active['grids'] if 'grids' in active else sessions // 2:,}"),
        "each server: threads ≤ 64, Redis connections ≤ 64 + 1 per 1,000 sessions",
        "threads %s; fds %s; Redis connected_clients %d for both servers (%.0f each, bound %d); RSS %s"
        % (" / ".join(str(s["threads"]) for s in servers), " / ".join(str(s["fileDescriptors"]) for s in servers), clients, per_server, bound, growth),
        met(threads <= 64 and 0 <= per_server <= bound),
    ))
    durable = active["durable"]
    rows.append((
        "the same, edits at 2,000 /s spread over the active grids",
        "durable p99 ≤ 250 ms",
        "durable p99 %.1f ms (p50 %.1f ms) at %.0f accepted/s; %d not durable, %d lost, ack p99 %.1f ms"
        % (durable["p99"], durable["p50"], active["acceptedPerSecond"], active["notDurable"], active["lost"], active["ack"]["p99"]),
        met(durable["p99"] <= 250 and active["notDurable"] == 0 and active["lost"] == 0),
    ))
if new:
    w = new["welcome"]
    figure = "p50 %.1f ms, p99 %.1f ms over %d logins" % (w["p50"], w["p99"], new["logins"])
    if existing:
        figure += " (an existing 1-cell grid: p50 %.1f ms, p99 %.1f ms)" % (existing["welcome"]["p50"], existing["welcome"]["p99"])
    rows.append(("login to a grid that does not exist yet", "p50 ≤ 20 ms, p99 ≤ 100 ms (100 logins)", figure, met(w["p50"] <= 20 and w["p99"] <= 100)))
if stop:
    rows.append(("SIGTERM with %s grids known" % f"{stop['grids']:,}", "exits ≤ 5 s", "exited after %.2f s" % stop["seconds"], met(stop["seconds"] <= 5)))
if idle:
    cpus = [p for p in idle["processes"] if p["name"].startswith("server")]
    rows.append((
        "idle: %s grids, no sessions" % f"{count:,}",
        "server CPU ≤ 1% of a core; Redis commands/s ≈ 0 beyond heartbeats",
        "CPU %s; Redis %.1f commands/s over %.0f s (both servers' heartbeats, reapers, health checks and persister reads)"
        % (", ".join("%s %.1f%%" % (p["name"], p["cpuPercent"]) for p in cpus), idle["redisCommandsPerSecond"], idle["seconds"]),
        met(all(p["cpuPercent"] <= 1 for p in cpus)),
    ))

lines = [
    BEGIN,
    "## Many grids (issue 11)",
    "",
    "Measured by `scripts/bench` (scenario 14; `BENCH_ONLY=grids scripts/bench` runs it alone) on %s UTC, on fresh Redis and MariaDB"
    " of its own. %s grids were created by `grid-bench grids --count %d` (one durable edit each, straight into Redis and MySQL) in %.1f s."
    % (datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), f"{count:,}", count, (seed or {}).get("seconds", 0)),
    "",
    "| scenario | target | figure | result |",
    "|---|---|---|---|",
]
lines += ["| %s | %s | %s | %s |" % r for r in rows]
lines += [
    "",
    "Commands: `grid-bench footprint --pid server-a=PID --pid server-b=PID --seconds 20` (idle);"
    " `grid-bench load --grid PREFIX --grids 1000 -c 2000 -s 2000 -r 2000 -d 20 --login-concurrency 200 --redis-clients` (active);"
    " `grid-bench login --new-grids --logins 100` and `--grid PREFIX-99999 --logins 100` (logins); `kill -TERM` timed until the process is gone (stop).",
    END,
]
section = "\n".join(lines)

bench_section.write(report_path, BEGIN, END, section)
