"""Patrol notes (checklist findings with deductions), praise, and quality inspections."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from floorconsole.i18n import _
from floorconsole.identity import Actor
from floorconsole.store import validate
from floorconsole.store.context import Ctx
from floorconsole.store.errors import ValidationError
from floorconsole.store.models import SCORE_DIMENSIONS, Inspection, PatrolFinding, PatrolNote, Praise
from floorconsole.store.rows import SqlValue, append_row, dict_rows, who

# Praise that names nothing (DOMAIN.md: "vague praise is worse than none").
_VAGUE = {
    "good",
    "good job",
    "great",
    "great job",
    "nice",
    "well done",
    "excellent",
    "ok",
    "fine",
    "good work",
    "great work",
    "keep it up",
    "thanks",
    "thank you",
    "awesome",
    "very good",
    "好",
    "很好",
    "不错",
    "表现好",
    "表现很好",
    "优秀",
    "棒",
    "很棒",
    "辛苦了",
    "继续保持",
}
_MIN_PRAISE_CHARS = 8  # Latin text; CJK carries more per character (see _too_short)


def _too_short(text: str) -> bool:
    cjk = sum(1 for ch in text if "\u3000" <= ch <= "\u9fff")
    return cjk < 4 and len(text) < _MIN_PRAISE_CHARS


def _is_vague(text: str) -> bool:
    core = re.sub(r"[\s!！.。,，~]+", " ", text.lower()).strip()
    return core in _VAGUE or _too_short(core)


def add_patrol_note(
    ctx: Ctx,
    agent: str,
    actor: Actor,
    seat: str | None = None,
    items: Sequence[str] = (),
    text: str = "",
    follow_up: bool = False,
) -> PatrolNote:
    """Append a patrol note (inside write_tx); deductions come from the checklist table now,
    so a later change to the table does not rewrite past findings."""
    agent = validate.text("agent", agent, max_len=100)
    seat = validate.optional("seat", seat, max_len=40)
    text = validate.text("text", text, required=False)
    by_code = {c.code: c for c in ctx.checklist}
    findings = []
    for code in items:
        item = by_code.get(code)
        if item is None:
            raise ValidationError(
                _("unknown checklist item {code}; known codes: {codes}").format(
                    code=repr(code), codes=", ".join(sorted(by_code))
                )
            )
        findings.append(PatrolFinding(item.code, item.label, item.deduction, item.sensitive))
    if len({f.code for f in findings}) != len(findings):
        raise ValidationError(_("a checklist item is listed twice"))
    if not findings and not text:
        raise ValidationError(_("a patrol note needs at least one checklist item or some text"))
    t = float(ctx.clock())
    total = sum(f.deduction for f in findings)
    items_json = json.dumps([f.__dict__ for f in findings], ensure_ascii=False, sort_keys=True)
    fields = {
        "time": t,
        "shift": ctx.shift_key(t),
        "agent": agent,
        "seat": seat,
        "items_json": items_json,
        "deduction_total": total,
        "text": text,
        "follow_up": bool(follow_up),
        **who(actor),
    }
    rid = append_row(ctx.conn, "patrol_notes", fields)
    return _note({"id": rid, **fields})


def _note(r: dict) -> PatrolNote:
    items = tuple(PatrolFinding(**d) for d in json.loads(r["items_json"]))
    return PatrolNote(
        r["id"],
        r["time"],
        r["shift"],
        r["agent"],
        r["seat"],
        items,
        int(r["deduction_total"]),
        r["text"],
        bool(r["follow_up"]),
        r["actor"],
        r["os_user"],
        r["terminal"],
    )


def _filters(shift: str | None, since: float | None, agent: str | None) -> tuple[str, list[SqlValue]]:
    where: list[str] = ["1=1"]
    params: list[SqlValue] = []
    for col, val, op in (("shift", shift, "="), ("time", since, ">="), ("agent", agent, "=")):
        if val is not None:
            where.append(f"{col} {op} ?")
            params.append(val)
    return " AND ".join(where), params


def list_patrol_notes(
    ctx: Ctx,
    shift: str | None = None,
    since: float | None = None,
    agent: str | None = None,
    follow_up_only: bool = False,
) -> list[PatrolNote]:
    """Patrol notes oldest first."""
    where, params = _filters(shift, since, agent)
    if follow_up_only:
        where += " AND follow_up = 1"
    return [_note(r) for r in dict_rows(ctx.conn, f"SELECT * FROM patrol_notes WHERE {where} ORDER BY id", params)]


def add_praise(ctx: Ctx, agent: str, what: str, why: str, actor: Actor, seat: str | None = None) -> Praise:
    """Append praise naming who, what and why (inside write_tx); vague praise is refused."""
    agent = validate.text("who (agent)", agent, max_len=100)
    what = validate.text("what they did", what)
    why = validate.text("why it is praised", why)
    seat = validate.optional("seat", seat, max_len=40)
    for label, value in (("what they did", what), ("why it is praised", why)):
        if _is_vague(value):
            raise ValidationError(
                _(
                    "praise: '{label}' is too vague ({value}); say specifically what happened and why it deserves praise"
                ).format(label=label, value=repr(value))
            )
    if what.lower() == why.lower():
        raise ValidationError(_("praise: 'why' must say more than repeating 'what'"))
    t = float(ctx.clock())
    shift = ctx.shift_key(t)
    fields = {"time": t, "shift": shift, "agent": agent, "seat": seat, "what": what, "why": why, **who(actor)}
    rid = append_row(ctx.conn, "praise", fields)
    return Praise(rid, t, shift, agent, seat, what, why, actor.name)


def list_praise(
    ctx: Ctx, shift: str | None = None, since: float | None = None, agent: str | None = None
) -> list[Praise]:
    """Praise entries oldest first."""
    where, params = _filters(shift, since, agent)
    rows = dict_rows(ctx.conn, f"SELECT * FROM praise WHERE {where} ORDER BY id", params)
    return [
        Praise(r["id"], r["time"], r["shift"], r["agent"], r["seat"], r["what"], r["why"], r["actor"]) for r in rows
    ]


def add_inspection(
    ctx: Ctx, agent: str, call_id: str, scores: Mapping[str, int], comment: str, actor: Actor
) -> Inspection:
    """Append a quality inspection of one call (inside write_tx); all five scores 1-5."""
    agent = validate.text("agent", agent, max_len=100)
    call_id = validate.text("call id", call_id, max_len=100)
    comment = validate.text("comment", comment, required=False)
    missing = [d for d in SCORE_DIMENSIONS if d not in scores]
    extra = [d for d in scores if d not in SCORE_DIMENSIONS]
    if missing or extra:
        raise ValidationError(
            _("scores must be exactly {dimensions}").format(dimensions=", ".join(SCORE_DIMENSIONS))
            + (_("; missing {dimensions}").format(dimensions=", ".join(missing)) if missing else "")
            + (f"; unknown {', '.join(extra)}" if extra else "")
        )
    clean: dict[str, int] = {}
    for dim in SCORE_DIMENSIONS:
        v = scores[dim]
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 5:
            raise ValidationError(
                _("score {dimension} must be a whole number from 1 to 5, got {value}").format(
                    dimension=dim, value=repr(v)
                )
            )
        clean[dim] = v
    t = float(ctx.clock())
    shift = ctx.shift_key(t)
    fields = {"time": t, "shift": shift, "agent": agent, "call_id": call_id, **clean, "comment": comment, **who(actor)}
    rid = append_row(ctx.conn, "inspections", fields)
    return Inspection(rid, t, shift, agent, call_id, clean, comment, actor.name)


def list_inspections(ctx: Ctx, agent: str | None = None, since: float | None = None) -> list[Inspection]:
    """Inspections oldest first."""
    where, params = _filters(None, since, agent)
    rows = dict_rows(ctx.conn, f"SELECT * FROM inspections WHERE {where} ORDER BY id", params)
    return [
        Inspection(
            r["id"],
            r["time"],
            r["shift"],
            r["agent"],
            r["call_id"],
            {d: int(r[d]) for d in SCORE_DIMENSIONS},
            r["comment"],
            r["actor"],
        )
        for r in rows
    ]
