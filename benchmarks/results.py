"""The benchmarks' memory: every run appended to benchmarks/results.json, compared with
the previous run of the same benchmark and parameters.

A run is kept with the machine (host, cores, load average at its start and end), the
commit (and whether the tree had changes), the date (UTC) and the seed, so a figure is
never read without knowing where it came from. `record()` prints the comparison; the
file is in the repository so a slower commit shows in review.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results.json"
ROOT = Path(__file__).resolve().parent.parent


def _git(*args: str) -> str:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=10)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine() -> dict[str, Any]:
    """Where the figures come from."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
    }


def load() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def load_all(path: Path = RESULTS) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    return data if isinstance(data, list) else []


def record(
    name: str,
    params: dict[str, Any],
    figures: dict[str, float],
    *,
    load_before: list[float] | None = None,
    note: str = "",
    path: Path = RESULTS,
) -> dict[str, Any] | None:
    """Append this run and print how it compares with the previous one like it.

    Returns the previous run (same `name` and `params`), or None."""
    runs = load_all(path)
    previous = next((r for r in reversed(runs) if r.get("name") == name and r.get("params") == params), None)
    entry = {
        "name": name,
        "params": params,
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": _git("rev-parse", "--short", "HEAD"),
        "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "machine": machine(),
        "load_before": load_before if load_before is not None else [],
        "load_after": load(),
        "note": note,
        "figures": {k: (round(v, 3) if isinstance(v, float) else v) for k, v in figures.items()},
    }
    runs.append(entry)
    path.write_text(json.dumps(runs, indent=1, ensure_ascii=False) + "\n")
    print(f"recorded in {path.relative_to(ROOT)} (commit {entry['commit']}{'+changes' if entry['dirty'] else ''})")
    if entry["load_before"] or entry["load_after"]:
        print(
            f"  load average before {entry['load_before']} after {entry['load_after']} ({entry['machine']['cpus']} cpus)"
        )
    if previous is None:
        print("  no previous run with these parameters to compare with")
        return None
    print(f"  compared with {previous['date']} (commit {previous['commit']}):")
    for key, value in figures.items():
        old = previous.get("figures", {}).get(key)
        if not isinstance(value, (int, float)) or not isinstance(old, (int, float)):
            continue
        change = f"{(value - old) / old * 100:+.0f}%" if old else ""
        print(f"    {key:<28} {old:10.2f} -> {value:10.2f}  {change}")
    return previous
