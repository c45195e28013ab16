"""Check the duty log's hash chain, every record's hash, and the append-only triggers.

Exits 0 when everything checks, 1 naming the first bad seq otherwise. With --head SEQ:HASH
(from a handover record or an earlier verify) it also proves the log still extends that head.
"""

from __future__ import annotations

import argparse
import re

from floorconsole.config import ConfigError
from floorconsole.store.archive import verify_archive
from floorconsole.store.chain import read_key
from floorconsole.store.cli_support import EXIT_FAIL, EXIT_OK, EXIT_USAGE, fail, load, print_json, run_with_store

_HEAD = re.compile(r"^(\d+):([0-9a-f]{64})(?::([0-9a-f]{64}))?$")


def _head(text: str) -> tuple:
    m = _HEAD.match(text.strip().lower())
    if not m:
        raise argparse.ArgumentTypeError(f"expected SEQ:HASH (64 hex digits), optionally :HMAC; got {text!r}")
    return (int(m.group(1)), m.group(2), m.group(3)) if m.group(3) else (int(m.group(1)), m.group(2))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register --head, --json and --archive."""
    parser.add_argument("--head", type=_head, metavar="SEQ:HASH", help="an anchored chain head the log must extend")
    parser.add_argument("--json", action="store_true", help="JSON output")
    parser.add_argument("--archive", metavar="FILE", help="check an archive file instead of the database")


def run(args: argparse.Namespace) -> int:
    """Verify and report."""
    if args.archive:
        try:
            config = load(args)
        except ConfigError as exc:
            return fail(str(exc), EXIT_USAGE)
        try:
            key = read_key(config.hmac_key_file)
        except (OSError, ValueError) as exc:
            return fail(f"HMAC key file: {exc}", EXIT_USAGE)
        try:
            problems = verify_archive(args.archive, key)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:  # parsed, wrong shape
            problems = [f"archive: {args.archive} is not a well-formed archive file ({type(exc).__name__}: {exc})"]
        if args.json:
            print_json({"ok": not problems, "problems": [str(p) for p in problems]})
        else:
            for p in problems:
                print(f"BAD  {p}")
            print("archive OK" if not problems else f"archive FAILED: {len(problems)} problem(s)")
        return EXIT_OK if not problems else EXIT_FAIL

    def body(store, config) -> int:
        report = store.verify(args.head)
        if args.json:
            print_json({
                "ok": report.ok, "entries": report.entries, "rows": report.rows,
                "head": {"seq": report.head.seq, "hash": report.head.hash, "hmac": report.head.hmac},
                "first_bad_seq": report.first_bad_seq, "problems": [str(p) for p in report.problems],
            })
        else:
            for p in report.problems:
                print(f"BAD  {p}")
            if report.ok:
                print(f"OK: {report.entries} log entries and {report.rows} records check out")
            elif report.first_bad_seq is not None:
                print(f"FAILED: first bad seq {report.first_bad_seq} ({len(report.problems)} problem(s))")
            else:
                print(f"FAILED: {len(report.problems)} problem(s)")
            print(f"head {report.head}" + (f" hmac {report.head.hmac}" if report.head.hmac else ""))
        return EXIT_OK if report.ok else EXIT_FAIL

    return run_with_store(args, body, read_only=True)
