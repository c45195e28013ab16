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
    return _("{name} ({user}@{terminal}) at {time}").format(
        name=printable(s.name), user=printable(s.os_user), terminal=printable(s.terminal), time=fmt_time(s.time)
    )


def format_handover(h: Handover) -> str:
    """The full record as text (what `handover show` prints)."""
    lines = [
        _("Handover #{id}: {from_shift} -> {to_shift}").format(
            id=h.id, from_shift=printable(h.from_shift), to_shift=printable(h.to_shift)
        ),
        _("Handed over by {signature}").format(signature=sig(h.handed)),
        _("Chain head at signing: seq {seq}, sha256 {hash}").format(seq=h.head.seq, hash=h.head.hash)
        + (f", hmac {h.head.hmac}" if h.head.hmac else ""),
    ]
    if h.note:
        lines.append(_("Note: {note}").format(note=printable(h.note)))
    lines.append(_("Received by {signature}").format(signature=sig(h.received)) if h.received else _("NOT RECEIVED"))
    lines.append(
        _("Items: {count} ({acknowledged} acknowledged, {questioned} questioned)").format(
            count=len(h.items), acknowledged=h.acknowledged_count, questioned=h.questioned_count
        )
    )
    for it in h.items:
        e = it.entry
        lines.append(
            f"  {it.position}. [{printable(e.kind)}] "
            + _("log #{seq} ({time}, {author}): {body}").format(
                seq=e.seq, time=fmt_time(e.time), author=printable(e.author), body=printable(e.body)
            )
        )
        if it.note:
            lines.append("     " + _("outgoing note: {note}").format(note=printable(it.note)))
        if it.source:
            lines.append("     " + _("source: {source}").format(source=printable(it.source)))
        for ev in it.events:
            if ev.action == "ack":
                lines.append("     " + _("acknowledged by {signature}").format(signature=sig(ev.signature)))
            elif ev.action == "question":
                lines.append(
                    "     "
                    + _("questioned by {signature}: {text}").format(
                        signature=sig(ev.signature), text=printable(ev.text)
                    )
                )
            elif ev.action == "answer":
                lines.append(
                    "     "
                    + _("answered by {signature}: {text}").format(signature=sig(ev.signature), text=printable(ev.text))
                )
        lines.append("     " + _("state: {state}").format(state=it.state))
    return "\n".join(lines)


def summary_line(h: Handover) -> str:
    """One line for `handover list`."""
    received = (
        _("received by {name} {time}").format(name=printable(h.received.name), time=fmt_time(h.received.time))
        if h.received
        else _("NOT RECEIVED")
    )
    return f"{h.id:>5}  {printable(h.from_shift)} -> {printable(h.to_shift)}  " + _(
        "by {name} {time}  items {count} (acked {acknowledged})  {received}"
    ).format(
        name=printable(h.handed.name),
        time=fmt_time(h.handed.time),
        count=len(h.items),
        acknowledged=h.acknowledged_count,
        received=received,
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
                return fail(
                    _("handover {id} has no item {item} (see floorconsole handover show {id})").format(
                        id=args.id, item=args.item
                    )
                )
            store.answer_item(h.id, item.id, args.text, current_actor(config))
            print(_("handover {id} item {item}: answer recorded").format(id=h.id, item=args.item))
            return EXIT_OK

        return run_with_store(args, body, must_exist=True)
    print(_("usage: floorconsole handover show ID [--json] | list [--open] [--json] | answer ID ITEM --text TEXT"))
    return 2
