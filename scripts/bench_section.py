"""What the section writers of docs/BENCHMARKS.md share (bench-grids-report.py, bench-ranges-report.py)."""
import json
import os

NOTES = "<!-- notes below are kept by scripts/bench -->"


def load(results, name):
    """A scenario's JSON result, or None when the scenario failed or did not run."""
    try:
        return json.load(open(os.path.join(results, name + ".json")))
    except (OSError, ValueError):
        return None


def met(ok):
    return "**met**" if ok else "**not met**"


def write(report_path, begin, end, section):
    """Replaces the section between its markers, or puts it just below the notes marker."""
    old = open(report_path).read() if os.path.exists(report_path) else NOTES + "\n"
    if begin in old and end in old:
        head, rest = old.split(begin, 1)
        new_text = head + section + rest.split(end, 1)[1]
    elif NOTES in old:
        head, rest = old.split(NOTES, 1)
        new_text = head + NOTES + "\n\n" + section + "\n" + rest
    else:
        new_text = old + "\n" + NOTES + "\n\n" + section + "\n"
    open(report_path, "w").write(new_text)
