"""Print queue and agent measures of a whole feed file (headless; --json for tools).

Measures are DOMAIN.md's, over the whole file; `waiting_now` and agent `state` are as at
the file's last event. The JSON shape is a contract other tools call (see issue 2).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.cells import cell_len

from floorconsole import glyphs
from floorconsole.config import ConfigError, Thresholds, load_config
from floorconsole.floor import Floor
from floorconsole.i18n import N_, _, is_chinese, ljust_cells, rjust_cells
from floorconsole.printable import json_escape_controls
from floorconsole.replay import fold_files
from floorconsole.store.cli_support import finite_float
from floorconsole.tail import not_regular_reason


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the options of `floorconsole stats`."""
    parser.add_argument("--feed", required=True, help=_("queue_log or JSON-lines feed file to read"))
    parser.add_argument(
        "--sl-threshold",
        type=finite_float,
        metavar="SECONDS",
        help=_("service-level threshold in seconds (default: config, else 15)"),
    )
    parser.add_argument(
        "--format", choices=("auto", "queue_log", "jsonl"), default=None, help=_("feed format (default: auto)")
    )
    parser.add_argument("--json", action="store_true", help=_("print one JSON object instead of tables"))


def run(args: argparse.Namespace) -> int:
    """Fold the feed and print its measures; exit 2 when the feed cannot be read."""
    thresholds, feed_format = _settings(args)
    if thresholds is None:
        return 2
    if args.sl_threshold is not None:
        if args.sl_threshold < 0:
            print("floorconsole stats: " + _("--sl-threshold must be 0 or more seconds"), file=sys.stderr)
            return 2
        thresholds = replace(thresholds, sl_threshold_s=args.sl_threshold)
    path = Path(args.feed)
    if reason := not_regular_reason(path):
        print(f"floorconsole stats: {reason}", file=sys.stderr)
        return 2
    if not path.is_file():
        print("floorconsole stats: " + _("feed file not found: {path}").format(path=path), file=sys.stderr)
        return 2
    try:
        floor = fold_files([path], thresholds, feed_format=feed_format)
    except OSError as exc:
        print(
            "floorconsole stats: " + _("cannot read {path}: {error}").format(path=path, error=exc.strerror or exc),
            file=sys.stderr,
        )
        return 2
    result = stats_dict(floor)
    if args.json:
        print(json_escape_controls(json.dumps(result, ensure_ascii=False, indent=1)))
    else:
        print(render_table(result))
    return 0


def _settings(args: argparse.Namespace) -> tuple[Thresholds | None, str]:
    try:
        cfg = load_config(getattr(args, "config", None))
    except ConfigError as exc:
        print(f"floorconsole stats: {exc}", file=sys.stderr)
        return None, "auto"
    return cfg.thresholds, args.format or cfg.feed_format


def _num(x: float | None, nd: int = 2) -> float | int | None:
    if x is None:
        return None
    if x == int(x):
        return int(x)
    return round(x, nd)


def stats_dict(floor: Floor) -> dict[str, Any]:
    """The `stats --json` object for a folded floor (issue 2's contract)."""
    now = floor.last_event_time or 0.0
    queues = {}
    for name in sorted(floor.queues):
        if name == "NONE":
            continue  # QUEUESTART/PAUSEALL lines name no queue
        m = floor.measures(name, now)
        queues[name] = {
            "offered": m.offered,
            "answered": m.answered,
            "abandoned": m.abandoned,
            "exited": m.exited,
            "answered_within_sl": m.answered_within_sl,
            "service_level": _num(m.service_level),
            "abandon_rate": _num(m.abandon_rate),
            "asa_s": _num(m.asa_s),
            "aht_s": _num(m.aht_s),
            "max_wait_s": _num(m.max_wait_s),
            "waiting_now": m.waiting_now,
        }
    agents = {}
    for agent in sorted(floor.seats):
        seat = floor.seats[agent]
        agents[agent] = {
            "answered": seat.answered,
            "talk_s": _num(seat.talk_s),
            "ring_no_answer": seat.ring_no_answer,
            "state": str(floor.seat_state_at(seat, now)),
        }
    return {
        "lines": {
            "total": floor.lines_total,
            "parsed": floor.lines_parsed,
            "malformed": floor.lines_malformed,
            "unknown_event": floor.lines_unknown,
        },
        "queues": queues,
        "agents": agents,
    }


def _fmt(v: Any, suffix: str = "") -> str:
    return glyphs.current().none if v is None else f"{v}{suffix}"


def render_table(result: dict[str, Any]) -> str:
    """Readable plain-text tables of the same numbers."""
    lines = result["lines"]
    out = [
        _("lines: {total} total, {parsed} parsed, {malformed} malformed, {unknown} unknown event").format(
            total=lines["total"], parsed=lines["parsed"], malformed=lines["malformed"], unknown=lines["unknown_event"]
        ),
        "",
    ]
    head = tuple(
        _(h)
        for h in (
            N_("queue"),
            N_("offered"),
            N_("answered"),
            N_("abandoned"),
            N_("exited"),
            N_("SL"),
            N_("abandon"),
            N_("ASA"),
            N_("AHT"),
            N_("max wait"),
            N_("waiting"),
        )
    )
    rows: list[tuple[str, ...]] = [head]
    for name, q in result["queues"].items():
        rows.append(
            (
                name,
                str(q["offered"]),
                str(q["answered"]),
                str(q["abandoned"]),
                str(q["exited"]),
                _fmt(q["service_level"], "%"),
                _fmt(q["abandon_rate"], "%"),
                _fmt(q["asa_s"], "s"),
                _fmt(q["aht_s"], "s"),
                _fmt(q["max_wait_s"], "s"),
                str(q["waiting_now"]),
            )
        )
    out += _table(rows)
    out.append("")
    agent_rows: list[tuple[str, ...]] = [
        tuple(_(h) for h in (N_("agent"), N_("answered"), N_("talk"), N_("ring-no-answer"), N_("state")))
    ]
    for name, a in result["agents"].items():
        agent_rows.append(
            (name, str(a["answered"]), _fmt(a["talk_s"], "s"), str(a["ring_no_answer"]), _state(a["state"]))
        )
    out += _table(agent_rows)
    return "\n".join(out)


def _state(name: str) -> str:
    """The seat state as the table shows it: the key in English (`ON_CALL`), 通话 in Chinese."""
    from floorconsole.views import STATE_LABEL

    return _(STATE_LABEL[name]) if is_chinese() and name in STATE_LABEL else name


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(cell_len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(ljust_cells(c, w) if i == 0 else rjust_cells(c, w) for i, (c, w) in enumerate(zip(r, widths)))
        for r in rows
    ]
