#!/usr/bin/env python3
"""Writes the ranges section (scenario 15 of scripts/bench) into docs/BENCHMARKS.md.

usage: bench-ranges-report.py RESULTS_DIR REPORT_FILE

The section sits between its own markers, just below the notes marker, so scripts/bench-report.py
keeps it and `BENCH_ONLY=ranges scripts/bench` replaces it alone.
"""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_section  # noqa: E402

results, report_path = sys.argv[1], sys.argv[2]
BEGIN, END = "<!-- ranges section: written by scripts/bench, scenario 15 -->", "<!-- end of the ranges section -->"


def load(name):
    return bench_section.load(results, name)


met = bench_section.met


rows = []
imported = load("ranges-import")
if imported:
    summary = imported.get("summary") or {}
    ok = imported["watchersSeen"] == imported["watchers"] and summary.get("lostChunks") == 0 and imported["allSeenSeconds"] <= 5
    rows.append((
        "import a %s-cell CSV through one server while %d clients watch on the other" % (f"{imported['cells']:,}", imported["watchers"]),
        "every cell acked, and on every client's screen, ≤ 5 s",
        "every chunk acked after %.2f s (`grid-tui import`, login included; %s chunks, %s lost); the last cell on all %d/%d watchers after %.2f s"
        % (imported["importSeconds"], summary.get("chunks", "?"), summary.get("lostChunks", "?"), imported["watchersSeen"], imported["watchers"], imported["allSeenSeconds"]),
        met(ok),
    ))
csv, xlsx = load("ranges-export-csv"), load("ranges-export-xlsx")
if csv and xlsx and csv.get("summary") and xlsx.get("summary"):
    c, x = csv["summary"], xlsx["summary"]
    rows.append((
        "export %s cells to CSV / XLSX" % f"{c['cells']:,}",
        "≤ 1 s / ≤ 3 s",
        "writing %.2f s / %.2f s (the whole `grid-tui export`, login and snapshot included: %.2f s / %.2f s)"
        % (c["seconds"], x["seconds"], csv["commandSeconds"], xlsx["commandSeconds"]),
        met(c["seconds"] <= 1 and x["seconds"] <= 3),
    ))
paste = load("ranges-paste")
if paste:
    cross = paste["deliveryCrossServer"]
    rows.append((
        "pastes of %s cells (%d, from one client), seen by the others" % (f"{paste.get('cellsPerEdit', 0):,}", paste["accepted"]),
        "on every other screen, across servers, ≤ 250 ms (p99 over 20 pastes)",
        "cross-server p50 %.1f ms, p99 %.1f ms (n=%d); same-server p99 %.1f ms; ack p99 %.1f ms; %d lost"
        % (cross["p50"], cross["p99"], cross["count"], paste["deliverySameServer"]["p99"], paste["ack"]["p99"], paste["lost"]),
        met(cross["p99"] <= 250 and paste["lost"] == 0 and paste["accepted"] >= 20),
    ))
sequencer = load("ranges-sequencer")
if sequencer:
    cells = sequencer["acceptedPerSecond"] * sequencer.get("cellsPerEdit", 1)
    rows.append((
        "sequencer: multi-cell edits of %d cells, 8 writers, no fan-out" % sequencer.get("cellsPerEdit", 0),
        "≥ 200,000 cells/s accepted",
        "%s cells/s (%.0f edits/s; ack p99 %.1f ms; %d errors)" % (f"{cells:,.0f}", sequencer["acceptedPerSecond"], sequencer["ack"]["p99"], sequencer["errors"]),
        met(cells >= 200_000),
    ))

lines = [
    BEGIN,
    "## Ranges: import, export, paste (issue 13)",
    "",
    "Measured by `scripts/bench` (scenario 15; `BENCH_ONLY=ranges scripts/bench` runs it alone) on %s UTC, two release grid-servers"
    " with their default multi-cell budget (100,000 cells/s, burst 200,000, per session)." % datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"),
    "",
    "| scenario | target | figure | result |",
    "|---|---|---|---|",
]
lines += ["| %s | %s | %s | %s |" % r for r in rows]
lines += [
    "",
    "Commands: `grid-tui import FILE` with 10 `grid-tui --headless` watchers running `wait J10000 r10000c9` (import);"
    " `grid-tui export FILE.csv|FILE.xlsx` (export; `seconds` in its summary line is the writing);"
    " `grid-bench load -c 5 -s 1 -r 4 -d 5 --multi-cells 10000 --max-in-flight 1` (paste);"
    " `grid-bench load -c 8 -s 8 -r 0 --multi-cells 100 --max-in-flight 16 --no-events` (sequencer).",
    END,
]
section = "\n".join(lines)

bench_section.write(report_path, BEGIN, END, section)
