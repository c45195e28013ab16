"""Nothing reads the wall clock except `floorconsole/clock.py`.

Two clocks in one process was a real bug (the console showed one shift while its records
went to another). The product takes the one clock the composition root hands out; this
test reads every module's syntax tree and fails on any other reading of the time of day:
`time.time()`, `datetime.now()`, `date.today()`, `time.localtime()` with no argument, a
default argument of `time.time`, and the like. `time.monotonic` measures intervals, not
the time of day, and is allowed.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {ROOT / "floorconsole" / "clock.py"}

# attribute chains that read the time of day when called (or handed out as a clock)
FORBIDDEN = {
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "ctime"),
    ("time", "asctime"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("datetime", "datetime", "now"),
    ("datetime", "datetime", "utcnow"),
    ("datetime", "datetime", "today"),
    ("datetime", "date", "today"),
}
# these read the clock only when called without the time argument
NO_ARG_FORBIDDEN = {("time", "localtime"), ("time", "gmtime"), ("time", "strftime")}


def _chain(node: ast.AST) -> tuple[str, ...]:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return tuple(reversed(parts))
    return ()


def violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    called = {id(n.func): n for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "time":
            for alias in node.names:
                if alias.name in ("time", "time_ns", "ctime", "localtime", "gmtime", "strftime"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: from time import {alias.name}")
        if not isinstance(node, ast.Attribute):
            continue
        chain = _chain(node)
        if chain in FORBIDDEN:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {'.'.join(chain)}")
        elif chain in NO_ARG_FORBIDDEN:
            call = called.get(id(node))
            needs = 2 if chain[-1] == "strftime" else 1
            if call is None or len(call.args) < needs:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {'.'.join(chain)} without a time")
    return found


def test_only_the_clock_module_reads_the_wall_clock() -> None:
    files = [p for d in ("floorconsole", "screens") for p in sorted((ROOT / d).rglob("*.py")) if p not in ALLOWED]
    assert len(files) > 40
    bad = [v for p in files for v in violations(p)]
    assert not bad, "read the time through the clock you are given:\n" + "\n".join(bad)


def test_the_checker_catches_each_form(tmp_path: Path) -> None:
    global ROOT
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import time, datetime\nfrom datetime import date\n"
        "a = time.time()\nb = datetime.datetime.now()\nc = date.today()\n"
        "d = time.localtime()\ne = time.strftime('%H')\ndef f(clock=time.time): ...\n"
        "ok1 = time.monotonic()\nok2 = time.localtime(5)\nok3 = time.strftime('%H', ok2)\n"
    )
    saved, ROOT = ROOT, tmp_path
    try:
        found = violations(sample)
    finally:
        ROOT = saved
    assert [f.split(":")[1] for f in found] == ["3", "4", "5", "6", "7", "8"], found
