"""`H`: hand the shift over (交接班, outgoing side).

Everything still open is gathered from the store (`floorconsole.handover_gather`); the
outgoing supervisor adds a line to any item (`n`), adds free entries (`a`), closes an open
item that is done with its result (`d`), writes a note for every line of the handover
checklist (equipment, staffing, notices, customer information, physical items counted,
environment checked; config `[handover] checklist`) and signs (ctrl+s). The record is written in one store transaction and shows the log's chain head.
Built on the shared form scaffolding, so Escape/ctrl+s/error line behave like every form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from floorconsole import glyphs
from floorconsole.handover_gather import (
    KIND_TITLES,
    Gathered,
    checklist_drafts,
    format_age,
    free_entry,
    gather,
    handover_shifts,
    kind_rank,
    sort_gathered,
)
from floorconsole.i18n import N_, _, ngettext
from floorconsole.layout import FloorLayout
from floorconsole.printable import printable
from floorconsole.store import Store
from screens.forms.base import FORMS_CSS, FormScreen, Problems, StoreCall, field_row, literal
from screens.forms.log_entry_form import check_body, kind_select


def item_line(g: Gathered, now: float) -> Text:
    """One carried item: age, owner, body, and the outgoing note under it."""
    out = Text()
    out.append(f"{format_age(now - g.time):>6} ", style="bold")
    out.append(set_cell_size(printable(g.owner, 16), 16) + " ", style="dim")
    out.append(printable(g.draft.body, 300))
    if g.draft.source == "free":
        out.append("  " + _("(new entry)"), style="italic dim")
    if g.draft.note:
        out.append("\n        ↳ ", style="dim")
        out.append(printable(g.draft.note, 300), style="italic")
    return out


class ItemNoteForm(FormScreen[str]):
    """A line for one item (what the incoming side needs to know). Dismisses with the text."""

    FORM_TITLE = N_("Note on the item")
    SAVE_LABEL = N_("Set note")

    def __init__(self, service: Any, actor: Any, body: str, note: str) -> None:
        super().__init__(service, actor)
        self.body, self.note = body, note

    def compose_form(self) -> ComposeResult:
        yield Static(literal(self.body, 300), classes="info")
        yield field_row(
            _("Note"),
            Input(self.note, id="note", compact=True, placeholder=_("e.g. customer promised a call before 18:00")),
        )

    def collect(self, problems: Problems) -> str:
        return self.query_one("#note", Input).value.strip()

    async def write(self, values: str) -> str:
        return values  # kept with the draft; written when the handover is signed


class FreeEntryForm(FormScreen[Any]):
    """A free item to hand over (becomes a new duty-log entry when signed)."""

    FORM_TITLE = N_("Add an item to hand over")
    SAVE_LABEL = N_("Add")

    def on_mount(self) -> None:
        self.query_one("#body", TextArea).focus()  # write first; the kind is one shift+tab away

    def compose_form(self) -> ComposeResult:
        yield field_row(_("Kind"), kind_select("notice"))
        yield Static(_("What the next shift must know"), classes="hint")
        yield TextArea(id="body", compact=True, show_line_numbers=False, soft_wrap=True)
        yield field_row(_("Note"), Input(id="note", compact=True))

    def collect(self, problems: Problems) -> Any:
        body = self.query_one("#body", TextArea).text.strip()
        check_body(body, problems)
        return free_entry(str(self.query_one("#kind").value), body, self.query_one("#note", Input).value.strip())

    async def write(self, values: Any) -> Any:
        return values


class CloseItemForm(FormScreen[Any]):
    """Close an open item that is done, with its result. Dismisses with the closed OpenItem."""

    FORM_TITLE = N_("Close an open item")
    SAVE_LABEL = N_("Close item")

    def __init__(self, service: Any, actor: Any, item_id: int, body: str) -> None:
        super().__init__(service, actor)
        self.item_id, self.body = item_id, body

    def compose_form(self) -> ComposeResult:
        yield Static(literal(self.body, 300), classes="info")
        yield field_row(_("Result"), Input(id="result", compact=True, placeholder=_("e.g. called back, refund agreed")))

    def collect(self, problems: Problems) -> str:
        text = self.query_one("#result", Input).value.strip()
        if not text:
            problems.add("result", _("Write the result: what was done closes the item."))
        return text

    def store_call(self, values: str) -> StoreCall:
        return StoreCall(Store.close_open_item, (self.item_id, values, self.actor))


def short_label(label: str, width: int = 17) -> str:
    """A checklist line's label cut at a word to fit the label column (the placeholder has it all)."""
    out = ""
    for word in printable(label, 80).split():
        if cell_len(out) + cell_len(word) + (1 if out else 0) > width:
            break
        out = f"{out} {word}".strip()
    return out or set_cell_size(printable(label, width), width).rstrip()


def open_item_id(g: Gathered) -> int | None:
    """The open item a gathered item carries, if any."""
    kind, _, ident = (g.draft.source or "").partition(":")
    return int(ident) if kind == "open_item" and ident.isdigit() else None


def sign_handover(store: Any, out: Any, inc: Any, drafts: list, actor: Any, note: str) -> Any:
    """Record the outgoing shift once, then sign the handover (runs on the store thread)."""
    store.ensure_shift(out.key, out.name, out.start.timestamp(), out.end.timestamp(), actor.name)
    return store.create_handover(out.key, inc.key, drafts, actor, note=note)


class HandoverScreen(FormScreen[Any]):
    """Gathered items, notes, free entries, sign. Dismisses with the signed `Handover`."""

    CSS_PATH: ClassVar[list[str]] = [str(FORMS_CSS), str(Path(__file__).with_name("review.tcss"))]
    FORM_TITLE = N_("Hand over this shift 交接班")
    SAVE_LABEL = N_("Sign handover")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "note", N_("Note on item")),
        Binding("a", "add", N_("Add item")),
        Binding("d", "close_item", N_("Done (close item)")),
    ]

    def __init__(
        self, service: Any, actor: Any, config: Any, *, clock: Callable[[], float], layout: FloorLayout | None = None
    ) -> None:
        super().__init__(service, actor)
        self.add_class("handover-screen")
        self.config = config
        self.floor_layout = layout  # names agents in the gathered items
        self.clock = clock
        self.now = clock()
        self.outgoing, self.incoming = handover_shifts(config.shifts, self.now)
        self.items: list[Gathered] = []
        self.checklist: tuple[str, ...] = tuple(getattr(config, "handover_checklist", ()))
        self.loaded = False

    def form_title(self) -> str:
        return _("Hand over {outgoing} → {incoming} 交接班").format(
            outgoing=self.outgoing.label, incoming=self.incoming.label
        )

    def compose_form(self) -> ComposeResult:
        yield Static(Text(_("Gathering open items…")), id="ho-summary", classes="info")
        yield OptionList(id="ho-items", compact=True)
        yield Static(
            _("n note on item · a add item · d done (close an open item) · ctrl+s sign · esc cancel"), classes="hint"
        )
        yield Static(Text(_("Handover checklist 交接清单: a note on each line"), style="bold"), classes="hint")
        for i, label in enumerate(self.checklist):
            yield field_row(
                short_label(_(label)),
                Input(
                    id=f"ck-{i}",
                    compact=True,
                    placeholder=_("{label}: what the next shift must know").format(label=_(label)),
                ),
                classes="-tight",
            )
        yield field_row(
            _("Handover note"), Input(id="ho-note", compact=True, placeholder=_("optional, for the whole handover"))
        )

    def on_mount(self) -> None:
        self.run_worker(self._load(), group="handover-load", exit_on_error=False)

    async def _load(self) -> None:
        try:
            items = await self.call_store(lambda store: gather(store, self.outgoing, self.now, self.floor_layout))
        except Exception as exc:  # noqa: BLE001 - shown, the screen stays usable
            self.show_error(_("Could not gather open items: {error}").format(error=exc))
            items = []
        self.items = list(items)
        self.loaded = True
        self._render_items()
        self.query_one("#ho-items", OptionList).focus()

    def _render_items(self, keep: int | None = None) -> None:
        ol = self.query_one("#ho-items", OptionList)
        ol.clear_options()
        last_kind = None
        options: list[Option] = []
        for i, g in enumerate(self.items):
            if g.draft.kind != last_kind:
                last_kind = g.draft.kind
                title = KIND_TITLES.get(last_kind, printable(last_kind))
                count = sum(1 for x in self.items if x.draft.kind == last_kind)
                options.append(Option(Text(f"{title} ({count})", style="bold"), id=f"hdr-{i}", disabled=True))
            options.append(Option(item_line(g, self.now), id=f"item-{i}"))
        ol.add_options(options)
        if keep is not None:
            ol.highlighted = ol.get_option_index(f"item-{keep}")
        elif self.items:
            ol.highlighted = ol.get_option_index("item-0")
        n = len(self.items)
        summary = Text(
            ngettext("{n} item to hand over", "{n} items to hand over", n).format(n=n)
            if n
            else _("Nothing open to hand over. Add items with a, or sign an empty handover.")
        )
        summary.append(
            f"  {glyphs.current().separator} " + _("signing as {who}").format(who=printable(str(self.actor))),
            style="dim",
        )
        self.query_one("#ho-summary", Static).update(summary)

    def _selected(self) -> int | None:
        ol = self.query_one("#ho-items", OptionList)
        opt = ol.highlighted_option
        if opt is None or not (opt.id or "").startswith("item-"):
            return None
        return int(opt.id.removeprefix("item-"))

    def action_note(self) -> None:
        i = self._selected()
        if i is None:
            self.show_error(_("Select an item first."))
            return
        g = self.items[i]

        def done(note: str | None) -> None:
            if note is not None:
                self.items[i] = replace(g, draft=replace(g.draft, note=note))
                self._render_items(keep=i)

        self.app.push_screen(ItemNoteForm(self.service, self.actor, g.draft.body, g.draft.note), done)

    def action_add(self) -> None:
        def done(draft: Any) -> None:
            if draft is None:
                return
            self.items.append(Gathered(draft, self.clock(), self.actor.name))
            self.items = sort_gathered(self.items)
            self._render_items(keep=next(i for i, g in enumerate(self.items) if g.draft is draft))

        self.app.push_screen(FreeEntryForm(self.service, self.actor), done)

    def action_close_item(self) -> None:
        i = self._selected()
        oid = open_item_id(self.items[i]) if i is not None else None
        if oid is None:
            self.show_error(_("Select an open item (a follow-up, callback, question or referral) to close."))
            return
        g = self.items[i]

        def done(closed: Any) -> None:
            if closed is not None:
                self.items = [x for x in self.items if x is not g]
                self._render_items()
                self.show_error("")
                self.app.notify(
                    _("Open item #{id} closed: {result}").format(id=oid, result=closed.result), timeout=4, markup=False
                )

        self.app.push_screen(CloseItemForm(self.service, self.actor, oid, g.draft.body), done)

    def collect(self, problems: Problems) -> Any:
        if not self.loaded:
            problems.add("ho-items", _("Still gathering the open items; sign when they are shown."))
        notes = [self.query_one(f"#ck-{i}", Input).value.strip() for i in range(len(self.checklist))]
        for i, (label, note) in enumerate(zip(self.checklist, notes)):
            if not note:
                problems.add(
                    f"ck-{i}",
                    _('Checklist: write a note for {label} ("all fine", "none" will do).').format(label=repr(label)),
                )
        drafts = [g.draft for g in self.items] + checklist_drafts(self.checklist, notes)
        return {"drafts": drafts, "note": self.query_one("#ho-note", Input).value.strip()}

    def store_call(self, values: Any) -> StoreCall:
        return StoreCall(Store.create_handover)  # not used: write() signs in one store-thread call

    async def write(self, values: Any) -> Any:
        return await self.call_store(
            sign_handover, self.outgoing, self.incoming, values["drafts"], self.actor, values["note"]
        )


__all__ = ["CloseItemForm", "FreeEntryForm", "HandoverScreen", "ItemNoteForm", "item_line", "kind_rank"]
