"""Check the duty log's hash chain, every record's hash, and the append-only triggers.

Exits 0 when everything checks, 1 naming the first bad seq otherwise. With --head it also
proves the records still extend a head printed earlier: `R<link>:HASH[:HMAC]` (the "Chain
head" of a shift report or handover: covers every record table) or `SEQ:HASH[:HMAC]` (a
duty-log head). docs/threat-model.md says what each catches.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from floorconsole.config import ConfigError
from floorconsole.i18n import _
from floorconsole.store.archive import verify_archive
from floorconsole.store.chain import read_key
from floorconsole.store.cli_support import EXIT_FAIL, EXIT_OK, EXIT_USAGE, fail, load, print_json, run_with_store
from floorconsole.store.models import ChainHead, Problem
from floorconsole.store.verify import parse_head

if TYPE_CHECKING:
    from floorconsole.config import Config
    from floorconsole.store.store import Store


def _head(text: str) -> ChainHead:
    try:
        return parse_head(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register --head, --json and --archive."""
    parser.add_argument(
        "--head",
        type=_head,
        metavar="R<link>:HASH",
        help=_("a head printed earlier (report 'Chain head', handover, verify) the records must extend"),
    )
    parser.add_argument("--json", action="store_true", help=_("JSON output"))
    parser.add_argument("--archive", metavar="FILE", help=_("check an archive file instead of the database"))


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
            return fail(_("HMAC key file: {error}").format(error=exc), EXIT_USAGE)
        try:
            problems = verify_archive(args.archive, key)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:  # parsed, wrong shape
            # str(): "archive: <file> is not ...", as every other problem prints
            problems = [
                Problem(
                    "archive",
                    None,
                    _("{path} is not a well-formed archive file ({error})").format(
                        path=args.archive, error=f"{type(exc).__name__}: {exc}"
                    ),
                )
            ]
        if args.json:
            print_json({"ok": not problems, "problems": [str(p) for p in problems]})
        else:
            for p in problems:
                print(f"BAD  {p}")
            print(
                _("archive OK") if not problems else _("archive FAILED: {count} problem(s)").format(count=len(problems))
            )
        return EXIT_OK if not problems else EXIT_FAIL

    def body(store: Store, config: Config) -> int:
        report = store.verify(args.head)
        if args.json:
            print_json(
                {
                    "ok": report.ok,
                    "entries": report.entries,
                    "rows": report.rows,
                    "head": {"seq": report.head.seq, "hash": report.head.hash, "hmac": report.head.hmac},
                    "chain_head": report.chain.text if report.chain else None,
                    "first_bad_seq": report.first_bad_seq,
                    "problems": [str(p) for p in report.problems],
                }
            )
        else:
            for p in report.problems:
                print(f"BAD  {p}")
            if report.ok:
                print(
                    _("OK: {entries} log entries and {rows} records check out").format(
                        entries=report.entries, rows=report.rows
                    )
                )
            elif report.first_bad_seq is not None:
                print(
                    _("FAILED: first bad seq {seq} ({count} problem(s))").format(
                        seq=report.first_bad_seq, count=len(report.problems)
                    )
                )
            else:
                print(_("FAILED: {count} problem(s)").format(count=len(report.problems)))
            print(f"head {report.head}" + (f" hmac {report.head.hmac}" if report.head.hmac else ""))
            if report.chain is not None:
                print(f"chain head {report.chain.text}")
        return EXIT_OK if report.ok else EXIT_FAIL

    return run_with_store(args, body, read_only=True)
