"""Show handover records: what was handed over, to whom, what was acknowledged or questioned.

  floorconsole handover show ID [--json]
  floorconsole handover list [--open] [--limit N] [--json]
  floorconsole handover answer ID ITEM --text TEXT   (the outgoing side answers a question)

`show` prints the record exactly as signed, with every acknowledgement, question and the
receipt in the order they happened, so DOMAIN.md's responsibility rule can be applied later.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from floorconsole.i18n import _
from floorconsole.identity import current_actor
from floorconsole.printable import printable
from floorconsole.store.cli_support import (
    EXIT_OK,
    fail,
    fmt_time,
    positive_int,
    print_json,
    run_with_store,
)
from floorconsole.store.models import Handover, Signature

if TYPE_CHECKING:
    from floorconsole.config import Config
    from floorconsole.store.store import Store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register show / list / answer."""
    sub = parser.add_subparsers(dest="ho_command", metavar="show|list|answer")
    show = sub.add_parser("show", help=_("one handover record in full"))
    show.add_argument("id", type=positive_int)
    show.add_argument("--json", action="store_true", help=_("JSON output"))
    lst = sub.add_parser("list", help=_("latest handovers, newest first"))
    lst.add_argument("--open", action="store_true", help=_("only those nobody has received yet"))
    lst.add_argument("--limit", type=positive_int, default=50)
    lst.add_argument("--json", action="store_true", help=_("JSON output"))
    ans = sub.add_parser("answer", help=_("answer a question on one of your handed-over items"))
    ans.add_argument("id", type=positive_int, help=_("the handover"))
    ans.add_argument("item", type=positive_int, help=_("the item's number in `handover show`"))
    ans.add_argument("--text", required=True, help=_("the answer for the incoming supervisor"))


def sig(s: Signature) -> str:
    """`Name (user@terminal) at 2026-11-23 15:50:00`."""
    return f"{printable(s.name)} ({printable(s.os_user)}@{printable(s.terminal)}) at {fmt_time(s.time)}"


def format_handover(h: Handover) -> str:
    """The full record as text (what `handover show` prints)."""
    lines = [
        f"Handover #{h.id}: {printable(h.from_shift)} -> {printable(h.to_shift)}",
        f"Handed over by {sig(h.handed)}",
        f"Chain head at signing: seq {h.head.seq}, sha256 {h.head.hash}"
        + (f", hmac {h.head.hmac}" if h.head.hmac else ""),
    ]
    if h.note:
        lines.append(f"Note: {printable(h.note)}")
    lines.append(f"Received by {sig(h.received)}" if h.received else "NOT RECEIVED")
    lines.append(f"Items: {len(h.items)} ({h.acknowledged_count} acknowledged, {h.questioned_count} questioned)")
    for it in h.items:
        e = it.entry
        lines.append(
            f"  {it.position}. [{printable(e.kind)}] log #{e.seq} "
            f"({fmt_time(e.time)}, {printable(e.author)}): {printable(e.body)}"
        )
        if it.note:
            lines.append(f"     outgoing note: {printable(it.note)}")
        if it.source:
            lines.append(f"     source: {printable(it.source)}")
        for ev in it.events:
            if ev.action == "ack":
                lines.append(f"     acknowledged by {sig(ev.signature)}")
            elif ev.action == "question":
                lines.append(f"     questioned by {sig(ev.signature)}: {printable(ev.text)}")
            elif ev.action == "answer":
                lines.append(f"     answered by {sig(ev.signature)}: {printable(ev.text)}")
        lines.append(f"     state: {it.state}")
    return "\n".join(lines)


def summary_line(h: Handover) -> str:
    """One line for `handover list`."""
    received = f"received by {printable(h.received.name)} {fmt_time(h.received.time)}" if h.received else "NOT RECEIVED"
    return (
        f"{h.id:>5}  {printable(h.from_shift)} -> {printable(h.to_shift)}  by {printable(h.handed.name)} "
        f"{fmt_time(h.handed.time)}  items {len(h.items)} (acked {h.acknowledged_count})  {received}"
    )


def run(args: argparse.Namespace) -> int:
    """Run the chosen handover subcommand."""
    if args.ho_command == "show":

        def body(store: Store, config: Config) -> int:
            h = store.get_handover(args.id)
            if args.json:
                print_json(h)
            else:
                print(format_handover(h))
            return EXIT_OK

        return run_with_store(args, body, read_only=True)
    if args.ho_command == "list":

        def body(store: Store, config: Config) -> int:
            rows = store.open_handovers() if args.open else store.list_handovers(limit=args.limit)
            if args.json:
                print_json(rows)
                return EXIT_OK
            for h in rows:
                print(summary_line(h))
            if not rows:
                print(_("no open handovers") if args.open else _("no handovers"))
            return EXIT_OK

        return run_with_store(args, body, read_only=True)
    if args.ho_command == "answer":

        def body(store: Store, config: Config) -> int:
            h = store.get_handover(args.id)
            item = next((i for i in h.items if i.position == args.item), None)
            if item is None:
                return fail(f"handover {args.id} has no item {args.item} (see floorconsole handover show {args.id})")
            store.answer_item(h.id, item.id, args.text, current_actor(config))
            print(_("handover {id} item {item}: answer recorded").format(id=h.id, item=args.item))
            return EXIT_OK

        return run_with_store(args, body, must_exist=True)
    print("usage: floorconsole handover show ID [--json] | list [--open] [--json] | answer ID ITEM --text TEXT")
    return 2
