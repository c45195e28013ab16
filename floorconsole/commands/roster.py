"""Import the roster, show who is expected, take the roll call, list and allow attendance flags.

floorconsole roster import FILE [--as NAME]           (.csv or .xlsx; columns in docs/roster.md)
floorconsole roster show [--day YYYY-MM-DD] [--json]
floorconsole roster rollcall [--shift KEY|current] [--mark PERSON=MARK ...] [--dry-run] [--as NAME]
floorconsole roster flags [--shift KEY|current] [--day YYYY-MM-DD] [--json]
floorconsole roster allow FLAG_ID --note TEXT [--as NAME]
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from floorconsole.i18n import _
from floorconsole.printable import printable
from floorconsole.roster.expected import shift_window, warnings_due
from floorconsole.roster.model import RollCallMark
from floorconsole.roster.roll_call import MARK_LABELS, MARKS, RollCallLine, counts
from floorconsole.roster.roster_import import MAX_PROBLEMS_SHOWN, read_roster
from floorconsole.store.cli_support import (
    EXIT_FAIL,
    EXIT_OK,
    EXIT_USAGE,
    actor_for,
    fail,
    fmt_time,
    print_json,
    run_with_store,
    shift_key,
)

if TYPE_CHECKING:
    from floorconsole.config import Config
    from floorconsole.store.store import Store

KIND_LABELS = {"late": "late", "off_post": "off post", "long_meal": "long meal", "unrostered": "not rostered"}


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("expected a date such as 2026-12-01, got {text!r}").format(text=text)
        ) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register import / show / rollcall / flags / allow."""
    sub = parser.add_subparsers(dest="roster_command", metavar="import|show|rollcall|flags|allow")
    imp = sub.add_parser(
        "import", help="import a roster file (.csv or .xlsx); nothing is imported unless every row is good"
    )
    imp.add_argument("file")
    imp.add_argument("--as", dest="as_name", metavar="NAME")
    show = sub.add_parser("show", help="who is expected on each shift of a day (roster, leave, swaps)")
    show.add_argument("--day", type=_day, help="YYYY-MM-DD (default: today)")
    show.add_argument("--json", action="store_true")
    rc = sub.add_parser("rollcall", help="record the roll call (点名) of a shift in the duty log")
    rc.add_argument("--shift", default="current", help="shift key or 'current' (default)")
    rc.add_argument(
        "--mark", action="append", default=[], metavar="PERSON=MARK", help=f"change a mark ({', '.join(MARKS)})"
    )
    rc.add_argument("--dry-run", action="store_true", help="show the marks without recording them")
    rc.add_argument("--as", dest="as_name", metavar="NAME")
    flags = sub.add_parser("flags", help="attendance flags of a shift or a day")
    flags.add_argument("--shift", help="shift key or 'current'")
    flags.add_argument("--day", type=_day, help="YYYY-MM-DD (default: today)")
    flags.add_argument("--json", action="store_true")
    allow = sub.add_parser("allow", help="note an attendance flag as allowed (it is then not counted)")
    allow.add_argument("flag_id", type=int)
    allow.add_argument("--note", required=True, help="why it is allowed (e.g. sent to recover after a hard call)")
    allow.add_argument("--as", dest="as_name", metavar="NAME")


def run(args: argparse.Namespace) -> int:
    """Run the chosen roster subcommand."""
    cmd = args.roster_command
    if cmd == "import":
        return run_with_store(args, lambda store, config: _import(store, config, args))
    if cmd == "show":
        return run_with_store(args, lambda store, config: _show(store, config, args), read_only=True)
    if cmd == "rollcall":
        return run_with_store(args, lambda store, config: _rollcall(store, config, args))
    if cmd == "flags":
        return run_with_store(args, lambda store, config: _flags(store, config, args), read_only=True)
    if cmd == "allow":

        def body(store: Store, config: Config) -> int:
            flag = store.allow_attendance_flag(args.flag_id, args.note, actor_for(args, config))
            print(
                _("flag {id} ({person}, {kind}) noted as allowed by {by}").format(
                    id=flag.id,
                    person=printable(flag.person),
                    kind=KIND_LABELS[flag.kind],
                    by=printable(flag.allowed_by),
                )
            )
            return EXIT_OK

        return run_with_store(args, body)
    return fail(_("say what to do: floorconsole roster import|show|rollcall|flags|allow"), EXIT_USAGE)


def _import(store: Store, config: Config, args: argparse.Namespace) -> int:
    try:
        roster = read_roster(args.file, config.shifts, config.roster)
    except ValueError as exc:
        return fail(str(exc))
    if not roster.ok:
        for problem in roster.problems[:MAX_PROBLEMS_SHOWN]:
            print(f"{printable(args.file)}:{problem.line}: {printable(problem.message)}", file=sys.stderr)
        more = len(roster.problems) - MAX_PROBLEMS_SHOWN
        if more > 0:
            print(_("... and {n} more").format(n=more), file=sys.stderr)
        return fail(
            _("{n} bad row(s) in {file}: nothing was imported; correct them and import again").format(
                n=len(roster.problems), file=args.file
            )
        )
    imp = store.import_roster(roster.entries, str(args.file), actor_for(args, config))
    people = len({e.person for e in roster.entries})
    print(
        _("imported {rows} rows ({people} people) for {first} to {last} as roster import {id}").format(
            rows=imp.rows, people=people, first=imp.first_day, last=imp.last_day, id=imp.id
        )
    )
    return EXIT_OK


def _today(store: Store) -> date:
    return datetime.fromtimestamp(store.clock()).date()


def _show(store: Store, config: Config, args: argparse.Namespace) -> int:
    day = args.day or _today(store)
    floor = store.expected_between(day - timedelta(days=1), day + timedelta(days=1))
    if args.json:
        print_json(
            {
                "day": day.isoformat(),
                "shifts": {s.name: floor.expected(day, s.name) for s in config.shifts},
                "on_leave": {s.name: list(floor.on_leave.get((day, s.name), {}).values()) for s in config.shifts},
                "warnings": [w for w in floor.warnings if w.day == day],
            }
        )
        return EXIT_OK
    if day not in floor.days:
        print(_("no roster imported for {day} (floorconsole roster import FILE)").format(day=day))
    for s in config.shifts:
        w = shift_window(config.shifts, day, s.name)
        expected = floor.expected(day, s.name)
        print(f"{day} {s.name} {w.start:%H:%M}–{w.end:%H:%M}: " + _("{n} expected").format(n=len(expected)))
        for e in expected:
            covers = "  " + _("covers {person}").format(person=printable(e.covers)) if e.covers else ""
            print(f"  {printable(e.group or '-'):<14} {printable(e.person)}{covers}")
        for person, leave in sorted(floor.on_leave.get((day, s.name), {}).items()):
            print(f"  {'':<14} {printable(person)}  " + _("on leave ({kind})").format(kind=printable(leave.kind)))
        for warning in floor.warnings_for(day, s.name):
            print("  ! " + printable(warning.text()))
    soon = warnings_due(floor, config.shifts, store.clock(), config.roster.attendance.warn_ahead_h)
    for warning in soon:
        if warning.day != day:
            print("! " + printable(warning.text()))
    return EXIT_OK


def _shift_day(config: Config, key: str) -> tuple[date, str]:
    day_text, _sep, name = key.partition(" ")
    return date.fromisoformat(day_text), name


def _rollcall(store: Store, config: Config, args: argparse.Namespace) -> int:
    try:
        key = shift_key(store, config, args.shift)
    except ValueError as exc:
        return fail(str(exc), EXIT_USAGE)
    assert key is not None
    day, name = _shift_day(config, key)
    floor = store.expected_between(day - timedelta(days=1), day + timedelta(days=1))
    w = shift_window(config.shifts, day, name)
    flags = store.list_attendance_flags(w.start.timestamp(), w.end.timestamp())
    late = {f.person for f in flags if f.kind == "late" and f.shift_key == key}
    # Without the live floor: everyone expected is present unless the console flagged them
    # late; leave comes from the register. --mark changes any of it (absent, ...).
    lines: list[RollCallLine] = []
    for e in floor.expected(day, name):
        mark: RollCallMark = "late" if e.person in late else "present"
        note = _("covers {person}").format(person=e.covers) if e.covers else ""
        lines.append(RollCallLine(e.person, e.group, mark, note))
    for person, leave in sorted(floor.on_leave.get((day, name), {}).items()):
        lines.append(RollCallLine(person, "", "on_leave", leave.kind))
    by_person = {ln.person: i for i, ln in enumerate(lines)}
    for change in args.mark:
        person, sep, mark_text = change.rpartition("=")
        if not sep or mark_text.strip() not in MARKS:
            return fail(
                _("--mark: expected PERSON=MARK with MARK one of {marks}, got {got!r}").format(
                    marks=", ".join(MARKS), got=change
                ),
                EXIT_USAGE,
            )
        if person not in by_person:
            return fail(_("--mark: {person!r} is not expected on {key}").format(person=person, key=key), EXIT_USAGE)
        i = by_person[person]
        lines[i] = lines[i].with_mark(MARKS[MARKS.index(mark_text.strip())])
    if not lines:
        return fail(_("nobody is expected on {key}: import the roster first").format(key=key), EXIT_FAIL)
    for ln in lines:
        print(f"  {printable(ln.person):<16} {MARK_LABELS[ln.mark]:<9} {printable(ln.note)}")
    c = counts(lines)
    print(" · ".join(f"{MARK_LABELS[m]} {c[m]}" for m in MARKS))
    if args.dry_run:
        print(_("dry run: nothing recorded"))
        return EXIT_OK
    rc = store.record_roll_call(key, lines, actor_for(args, config))
    print(_("roll call of {key} recorded as duty-log entry {seq}").format(key=key, seq=rc.entry_seq))
    return EXIT_OK


def _flags(store: Store, config: Config, args: argparse.Namespace) -> int:
    try:
        key = shift_key(store, config, args.shift)
    except ValueError as exc:
        return fail(str(exc), EXIT_USAGE)
    if key is not None:
        day, name = _shift_day(config, key)
        w = shift_window(config.shifts, day, name)
        since, until = w.start.timestamp(), w.end.timestamp()
    else:
        day = args.day or _today(store)
        since = datetime.combine(day, datetime.min.time()).astimezone().timestamp()
        until = datetime.combine(day + timedelta(days=1), datetime.min.time()).astimezone().timestamp()
    flags = [f for f in store.list_attendance_flags(since, until) if key is None or f.shift_key == key]
    if args.json:
        print_json(flags)
        return EXIT_OK
    for f in flags:
        allowed = "  " + _("allowed by {by}: {note}").format(by=f.allowed_by, note=f.allowed_note) if f.allowed else ""
        print(
            f"{f.id:>5}  {fmt_time(f.started_at)}  {printable(f.person):<14} {KIND_LABELS[f.kind]:<12} "
            f"{f.minutes:>4} min  {printable(f.shift_key)}{printable(allowed)}"
        )
    if not flags:
        print(_("no attendance flags"))
    return EXIT_OK
