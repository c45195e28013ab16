"""Issue 10, "a shift handover a supervisor can trust": one test (or more) per finding.

Real SQLite files, real subprocesses for the CLI, the Pilot for screens. Every test here
failed before the change it covers (see the commit messages).
"""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static, TextArea

from floorconsole.clock import ManualClock
from floorconsole.config import Config, ShiftDef, load_config
from floorconsole.handover_gather import free_entry, gather, handover_shifts
from floorconsole.identity import Actor, current_actor, effective_os_user
from floorconsole.store import AlreadyClaimed, HandoverItemDraft, NotAllowed, Store, StoreService, ValidationError

LIN = Actor("Lin Mei", "lin", "pts/1")
ZHAO = Actor("Zhao Lei", "zhao", "pts/7")
WU = Actor("Wu Hao", "wu", "pts/9")
DAY_T = datetime(2026, 11, 23, 9, 0).timestamp()
ME = effective_os_user()  # the account the CLI subprocesses run as


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(DAY_T)


@pytest.fixture
def store(tmp_path: Path, clock: ManualClock):
    s = Store(tmp_path / "floor.db", clock=clock)
    yield s
    s.close()


def at(h: int, m: int = 0, day: int = 23) -> float:
    return datetime(2026, 11, day, h, m).timestamp()


def hand_over(store: Store, now: float, actor: Actor, extra: list[HandoverItemDraft] = (), note: str = ""):
    """Gather at `now` and sign from the shift `now` is in to the next one."""
    out, inc = handover_shifts(store._ctx.shifts, now)
    drafts = [g.draft for g in gather(store, out, now)] + list(extra)
    return store.create_handover(out.key, inc.key, drafts, actor, note=note)


def bodies_and_notes(store: Store, now: float) -> list[str]:
    out, _ = handover_shifts(store._ctx.shifts, now)
    return [f"{g.draft.body} | {g.draft.note}" for g in gather(store, out, now)]


def cli(tmp_path: Path, *args: str, config: Path | None = None) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "floorconsole", *args, "--db", str(tmp_path / "floor.db")]
    if config is not None:
        argv += ["--config", str(config)]
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "USER": "mallory", "LOGNAME": "mallory", "SUDO_USER": "mallory"},
    )


# --- 1. open items vanish -------------------------------------------------------------------
def test_free_follow_up_and_difficult_case_are_carried_until_closed(store: Store, clock: ManualClock) -> None:
    clock.t = at(15, 50)
    hand_over(
        store,
        clock.t,
        LIN,
        [
            free_entry("follow-up", "Send Mr Li the warranty form"),
            free_entry("difficult-case", "Caller wants a refund on a 2019 order"),
        ],
    )
    # The evening hands over at 23:50 and the night at 07:50: both items are still carried.
    for now, actor in ((at(23, 50), ZHAO), (at(7, 50, day=24), LIN)):
        clock.t = now
        carried = bodies_and_notes(store, now)
        assert any("Send Mr Li the warranty form" in b for b in carried), carried
        assert any("refund on a 2019 order" in b for b in carried), carried
        hand_over(store, now, actor)
    item = next(i for i in store.list_open_items() if "warranty form" in i.text)
    assert item.kind == "follow-up" and len(item.carried) == 3
    assert item.owner_shift == "2026-11-24 day"  # held by the shift it was last handed to
    # Closed with a result: no longer carried.
    store.close_open_item(item.id, "form sent by post", ZHAO)
    clock.t = at(15, 50, day=24)
    assert not any("warranty form" in b for b in bodies_and_notes(store, clock.t))
    assert store.get_open_item(item.id).result == "form sent by post"


def test_an_open_item_left_out_by_the_caller_is_still_carried(store: Store, clock: ManualClock) -> None:
    store.add_follow_up("Check the IVR message", at(20), LIN)
    ho = store.create_handover("2026-11-23 day", "2026-11-23 evening", [], LIN)  # the caller listed nothing
    assert [i.entry.kind for i in ho.items] == ["follow-up"] and "Check the IVR message" in ho.items[0].entry.body
    assert ho.items[0].source.startswith("open_item:")


def test_a_questioned_item_is_carried_until_closed(store: Store, clock: ManualClock) -> None:
    clock.t = at(15, 50)
    ho = hand_over(store, clock.t, LIN, [free_entry("notice", "Queue 2 closes at 18:00 today")])
    clock.t = at(16, 5)
    store.question_item(ho.id, ho.items[0].id, "Which number do callers get after 18:00?", ZHAO)
    store.answer_item(ho.id, ho.items[0].id, "The main line; IVR says so", LIN)
    store.receive_handover(ho.id, ZHAO)
    for now, actor in ((at(23, 50), ZHAO), (at(7, 50, day=24), WU)):
        clock.t = now
        carried = bodies_and_notes(store, now)
        q = [b for b in carried if "Which number do callers get after 18:00?" in b]
        assert q and "The main line; IVR says so" in q[0], carried
        hand_over(store, now, actor)


# --- 2. callbacks can never be closed ----------------------------------------------------------
def test_a_promised_callback_is_closed_with_a_result_from_the_cli(
    tmp_path: Path, store: Store, clock: ManualClock
) -> None:
    esc = store.raise_escalation("c-3", "SIP/1003", "support", "router broken", LIN)
    store.resolve_escalation(esc.id, "callback", LIN, due=at(12), note="engineer slot")
    clock.t = at(15, 50)
    assert any(
        b.startswith(f"Callback for escalation #{esc.id}, due 2026-11-23 12:00 (OVERDUE)")
        for b in bodies_and_notes(store, clock.t)
    )
    store.close()

    listed = cli(tmp_path, "followups", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)["open_items"]
    assert [(i["kind"], i["escalation_id"]) for i in items] == [("callback", esc.id)]
    done = cli(tmp_path, "followups", "done", str(items[0]["id"]), "--result", "called back, engineer Tue 10:00")
    assert done.returncode == 0, done.stderr
    assert "closed" in done.stdout
    again = cli(tmp_path, "followups", "done", str(items[0]["id"]), "--result", "twice")
    assert again.returncode == 1 and "already closed" in again.stderr
    assert "no open items" in cli(tmp_path, "followups", "list").stdout
    assert "called back, engineer Tue 10:00" in cli(tmp_path, "followups", "list", "--all").stdout

    reopened = Store(tmp_path / "floor.db", clock=clock)
    try:
        assert not any("Callback" in b for b in bodies_and_notes(reopened, clock.t))
        assert reopened.list_follow_ups(open_only=True) == []  # the follow-up is marked done with it
    finally:
        reopened.close()


def test_open_item_counts(store: Store, clock: ManualClock) -> None:
    store.add_follow_up("overdue one", at(8, 30), LIN)
    store.add_follow_up("due this shift", at(14), LIN)
    store.add_follow_up("due tomorrow", at(10, day=24), LIN)
    store.raise_escalation("c-1", "SIP/1", "q", "angry", LIN)
    c = store.open_item_counts()
    assert (c.open, c.overdue, c.due_this_shift, c.escalations) == (3, 1, 1, 1)


def test_a_referral_stays_open_until_the_department_answers(store: Store) -> None:
    esc = store.raise_escalation("c-9", "SIP/1009", "sales", "wrong invoice", LIN)
    store.resolve_escalation(esc.id, "referred", LIN, department="Billing")
    item = next(i for i in store.list_open_items() if i.kind == "referral")
    assert "Billing" in item.text and item.escalation_id == esc.id


# --- 3. no receipt before the boundary -----------------------------------------------------------
EARLY_SHIFTS = (
    ShiftDef("night", "21:30", "05:30"),
    ShiftDef("day", "05:30", "13:30"),
    ShiftDef("evening", "13:30", "21:30"),
)


class Host(App[None]):
    def __init__(self, make: Callable[[], Any]) -> None:
        super().__init__()
        self.make = make

    def on_mount(self) -> None:
        self.push_screen(self.make())


async def until(pilot: Pilot, cond: Callable[[], bool], what: str = "") -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + 10
    while not cond():
        assert loop.time() < end, f"timed out: {what}"
        await pilot.pause(0.05)
    await pilot.pause()


def plain(widget: Any) -> str:
    r = widget.render()
    return r.plain if hasattr(r, "plain") else str(r)


def test_incoming_reviews_and_signs_receipt_before_the_boundary(tmp_path: Path) -> None:
    from screens.review_screen import ReviewScreen

    db = tmp_path / "floor.db"
    t = ManualClock(at(5, 21))
    store = Store(db, shifts=EARLY_SHIFTS, clock=t)
    out, inc = handover_shifts(EARLY_SHIFTS, t.t)
    assert (out.key, inc.key) == ("2026-11-22 night", "2026-11-23 day")
    ho = store.create_handover(out.key, inc.key, [free_entry("equipment", "Headset 14 crackles")], LIN)
    t.t = at(5, 22)
    assert [h.id for h in store.handovers_waiting_for(ZHAO)] == [ho.id]
    assert store.handovers_waiting_for(LIN) == []
    assert [h.id for h in store.handovers_signed_not_received(LIN)] == [ho.id]
    store.close()

    config = Config(supervisor="Zhao Lei", db_path=db, shifts=EARLY_SHIFTS)
    service = StoreService(db, shifts=EARLY_SHIFTS, clock=lambda: at(5, 22))

    async def run() -> None:
        app = Host(lambda: ReviewScreen(service, ZHAO, config, clock=lambda: at(5, 22)))
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.loaded, "review")
            review = app.screen
            assert review.handover is not None and review.handover.id == ho.id
            assert "No handover" not in plain(review.query_one("#rv-status", Static))
            await pilot.press("space")
            await until(pilot, lambda: review.handover.items[0].state == "acknowledged", "ack")
            await pilot.press("S")
            await until(pilot, lambda: app.screen.query("#form-save"), "confirm")
            await pilot.press("ctrl+s")
            await until(pilot, lambda: review.handover.received is not None, "receipt")

    try:
        asyncio.run(run())
    finally:
        service.close()
    with Store(db, shifts=EARLY_SHIFTS) as s:
        got = s.get_handover(ho.id)
        assert (got.received.name, got.received.time) == ("Zhao Lei", at(5, 22))
        assert s.handovers_signed_not_received(LIN) == []


# --- 4. the outgoing supervisor acknowledged her own items -----------------------------------------
def test_the_signer_cannot_acknowledge_question_or_receive_her_own_handover(store: Store) -> None:
    ho = store.create_handover("2026-11-23 day", "2026-11-23 evening", [free_entry("notice", "n1")], LIN)
    for call in (
        lambda: store.acknowledge_item(ho.id, ho.items[0].id, LIN),
        lambda: store.question_item(ho.id, ho.items[0].id, "?", LIN),
        lambda: store.receive_handover(ho.id, LIN),
    ):
        with pytest.raises(NotAllowed, match="handed handover 1 over"):
            call()
    got = store.get_handover(ho.id)
    assert got.items[0].events == () and got.received is None


def test_the_signers_review_at_the_boundary_is_read_only(tmp_path: Path) -> None:
    from screens.review_screen import ReviewScreen

    db = tmp_path / "floor.db"
    with Store(db, clock=lambda: at(15, 58)) as s:
        ho = s.create_handover("2026-11-23 day", "2026-11-23 evening", [free_entry("notice", "n1")], LIN)
    config = Config(supervisor="Lin Mei", db_path=db)
    service = StoreService(db, clock=lambda: at(16, 1))

    async def run() -> None:
        app = Host(lambda: ReviewScreen(service, LIN, config, clock=lambda: at(16, 1)))
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.loaded, "review")
            review = app.screen
            assert review.handover.id == ho.id and review.mine
            assert "you may not leave" in plain(review.query_one("#rv-status", Static))
            await pilot.press("space")
            await pilot.press("A")
            await pilot.pause(0.3)
            assert app.screen is review  # no confirmation offered
            assert "only the incoming supervisor" in plain(review.query_one("#rv-error", Static))

    try:
        asyncio.run(run())
    finally:
        service.close()
    with Store(db) as s:
        assert s.get_handover(ho.id).items[0].events == ()


# --- 5. a signature is a typed name ----------------------------------------------------------------
def test_one_os_account_cannot_sign_both_sides_under_two_names(store: Store) -> None:
    ho = store.create_handover("2026-11-23 day", "2026-11-23 evening", [free_entry("notice", "n1")], LIN)
    other_name_same_account = Actor("Zhao Lei", "lin", "pts/3")
    with pytest.raises(NotAllowed):
        store.receive_handover(ho.id, other_name_same_account)
    with pytest.raises(NotAllowed):
        store.acknowledge_item(ho.id, ho.items[0].id, other_name_same_account)
    assert store.get_handover(ho.id).received is None


PEOPLE_TOML = """
[people.lin]
name = "Lin Mei"
role = "supervisor"
[people.zhao]
name = "Zhao Lei"
role = "supervisor"
[people.wu]
name = "Wu Hao"
role = "viewer"
"""


def test_only_configured_signers_sign_and_under_their_configured_name(tmp_path: Path) -> None:
    path = tmp_path / "floorconsole.toml"
    path.write_text(PEOPLE_TOML)
    config = load_config(path)
    assert [(p.os_user, p.name, p.role) for p in config.people] == [
        ("lin", "Lin Mei", "supervisor"),
        ("zhao", "Zhao Lei", "supervisor"),
        ("wu", "Wu Hao", "viewer"),
    ]
    with Store.from_config(config, tmp_path / "floor.db", clock=lambda: DAY_T) as store:
        drafts = [free_entry("notice", "n1")]
        with pytest.raises(NotAllowed, match=rf"add \[people.mallory\].*{path}"):
            store.create_handover("2026-11-23 day", "2026-11-23 evening", drafts, Actor("Lin Mei", "mallory", "-"))
        with pytest.raises(NotAllowed, match="viewer"):
            store.create_handover("2026-11-23 day", "2026-11-23 evening", drafts, WU)
        ho = store.create_handover("2026-11-23 day", "2026-11-23 evening", drafts, Actor("Typed Name", "lin", "-"))
        assert ho.handed.name == "Lin Mei"  # the configured name, not the typed one
        with pytest.raises(NotAllowed, match="viewer"):
            store.receive_handover(ho.id, WU)
        assert store.receive_handover(ho.id, ZHAO).received.name == "Zhao Lei"


def test_the_actor_is_the_effective_os_user_not_the_environment(monkeypatch, tmp_path: Path) -> None:
    for var in ("USER", "LOGNAME", "LNAME", "USERNAME", "SUDO_USER"):
        monkeypatch.setenv(var, "mallory")
    real = pwd.getpwuid(os.geteuid()).pw_name
    assert current_actor(Config(supervisor="x")).os_user == real
    path = tmp_path / "c.toml"
    path.write_text(f'[people.{real}]\nname = "Real Person"\nrole = "supervisor"\n')
    actor = current_actor(load_config(path), name="Typed Name")
    assert (actor.name, actor.os_user) == ("Real Person", real)


def test_cli_refuses_an_unknown_os_user_naming_the_config_key(tmp_path: Path) -> None:
    config = tmp_path / "floorconsole.toml"
    config.write_text(PEOPLE_TOML)
    with Store(tmp_path / "floor.db", clock=lambda: DAY_T) as s:
        s.add_follow_up("Check the IVR", DAY_T + 3600, LIN)
        oid = s.list_open_items()[0].id
    proc = cli(tmp_path, "followups", "done", str(oid), "--result", "done", config=config)
    assert proc.returncode == 1
    assert f"add [people.{ME}]" in proc.stderr and str(config) in proc.stderr


# --- 7. claimed escalations cannot be released or passed on ------------------------------------------
def test_a_claim_is_released_or_passed_with_a_reason(store: Store) -> None:
    esc = store.raise_escalation("c-1", "SIP/1001", "sales", "refund", LIN)
    store.claim_escalation(esc.id, LIN)
    with pytest.raises(AlreadyClaimed):
        store.claim_escalation(esc.id, ZHAO)
    with pytest.raises(NotAllowed):
        store.pass_escalation(esc.id, "wu", "not mine to pass", ZHAO)
    with pytest.raises(ValidationError):
        store.pass_escalation(esc.id, "zhao", "", LIN)  # a reason is required
    passed = store.pass_escalation(esc.id, "zhao", "my shift ends", LIN)
    assert (passed.claimed_by, passed.claimed_by_os_user) == ("zhao", "zhao")
    assert store.resolve_escalation(esc.id, "resolved", ZHAO).outcome_by == "Zhao Lei"

    esc2 = store.raise_escalation("c-2", "SIP/1002", "sales", "rude agent", LIN)
    store.claim_escalation(esc2.id, LIN)
    released = store.release_escalation(esc2.id, "needs the billing team's supervisor", LIN)
    assert released.claimed_by is None and released.status == "open"
    assert store.claim_escalation(esc2.id, WU).claimed_by == "Wu Hao"
    audit = [(a.action, a.detail) for a in store.list_audit() if a.action in ("escalation.pass", "escalation.release")]
    assert audit == [
        ("escalation.pass", "to zhao (zhao): my shift ends"),
        ("escalation.release", "needs the billing team's supervisor"),
    ]


def test_escalations_cli_release_pass_and_priority_order(tmp_path: Path) -> None:
    with Store(tmp_path / "floor.db", clock=lambda: DAY_T) as s:
        s.raise_escalation("c-1", "SIP/1", "q", "old P2", LIN, priority=2, raised_at=DAY_T - 600)
        s.raise_escalation("c-2", "SIP/2", "q", "new P1", LIN, priority=1, raised_at=DAY_T - 60)
        s.raise_escalation("c-3", "SIP/3", "q", "old P1", LIN, priority=1, raised_at=DAY_T - 300)
    listed = cli(tmp_path, "escalations", "list").stdout.splitlines()
    assert [line.split()[-2:] for line in listed] == [["old", "P1"], ["new", "P1"], ["old", "P2"]]
    assert cli(tmp_path, "escalations", "claim", "1").returncode == 0
    rel = cli(tmp_path, "escalations", "release", "1", "--reason", "going to a meeting")
    assert rel.returncode == 0, rel.stderr
    assert cli(tmp_path, "escalations", "claim", "1").returncode == 0
    passed = cli(tmp_path, "escalations", "pass", "1", "--to", "zhao", "--reason", "shift ends")
    assert passed.returncode == 0, passed.stderr
    assert "passed to zhao" in passed.stdout
    again = cli(tmp_path, "escalations", "release", "1", "--reason", "not mine any more")
    assert again.returncode == 1 and "held by zhao" in again.stderr


# --- 8. the note, the counts ----------------------------------------------------------------------------
def test_acknowledged_counts_agree_and_the_note_is_on_the_review(tmp_path: Path) -> None:
    from screens.review_screen import ReviewScreen

    db = tmp_path / "floor.db"
    with Store(db, clock=lambda: at(15, 50)) as s:
        ho = s.create_handover(
            "2026-11-23 day",
            "2026-11-23 evening",
            [free_entry("notice", f"n{i}") for i in range(3)],
            LIN,
            note="Busy day; printer 2 jammed twice",
        )
        for item in ho.items:
            s.acknowledge_item(ho.id, item.id, ZHAO)
        s.question_item(ho.id, ho.items[2].id, "jammed how?", ZHAO)  # acknowledged, then questioned
    listed = cli(tmp_path, "handover", "list")
    assert "items 3 (acked 2)" in listed.stdout, listed.stdout
    assert "Items: 3 (2 acknowledged, 1 questioned)" in cli(tmp_path, "handover", "show", "1").stdout

    config = Config(supervisor="Zhao Lei", db_path=db)
    service = StoreService(db, clock=lambda: at(16, 5))

    async def run() -> None:
        app = Host(lambda: ReviewScreen(service, ZHAO, config, clock=lambda: at(16, 5)))
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.loaded, "review")
            status = plain(app.screen.query_one("#rv-status", Static))
            assert "2/3 acknowledged" in status
            assert "Busy day; printer 2 jammed twice" in status

    try:
        asyncio.run(run())
    finally:
        service.close()


# --- the answer to a question -------------------------------------------------------------------------
def test_the_outgoing_side_answers_from_the_cli_and_the_incoming_side_sees_it(tmp_path: Path) -> None:
    from screens.review_screen import ReviewScreen

    db = tmp_path / "floor.db"
    outgoing = Actor("Lin Mei", ME, "pts/1")  # the CLI runs as this account
    with Store(db, clock=lambda: at(15, 50)) as s:
        ho = s.create_handover(
            "2026-11-23 day", "2026-11-23 evening", [free_entry("notice", "Queue 2 closes at 18:00 today")], outgoing
        )
        s.question_item(ho.id, ho.items[0].id, "Which number after 18:00?", ZHAO)
        with pytest.raises(NotAllowed):
            s.answer_item(ho.id, ho.items[0].id, "not mine to answer", ZHAO)
    people = tmp_path / "people.toml"
    people.write_text(f'[people.{ME}]\nname = "Lin Mei"\nrole = "supervisor"\n')
    ans = cli(tmp_path, "handover", "answer", "1", "1", "--text", "The main line; the IVR announces it", config=people)
    assert ans.returncode == 0, ans.stderr
    # Signed as the configured person of the OS account (the subprocess's $USER says mallory).
    assert f"answered by Lin Mei ({ME}@" in cli(tmp_path, "handover", "show", "1").stdout

    config = Config(supervisor="Zhao Lei", db_path=db)
    service = StoreService(db, clock=lambda: at(16, 5))

    async def run() -> None:
        app = Host(lambda: ReviewScreen(service, ZHAO, config, clock=lambda: at(16, 5)))
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.loaded, "review")
            ol = app.screen.query_one("#rv-items", OptionList)
            texts = [o.prompt.plain for o in ol.options if isinstance(o.prompt, object) and hasattr(o.prompt, "plain")]
            assert any("The main line; the IVR announces it" in t for t in texts), texts

    try:
        asyncio.run(run())
    finally:
        service.close()


def test_gathering_again_in_the_same_shift_does_not_duplicate_an_open_item(store: Store, clock: ManualClock) -> None:
    store.add_follow_up("Call Mr Li back", at(17), LIN)
    clock.t = at(15, 50)
    hand_over(store, clock.t, LIN)
    carried = [b for b in bodies_and_notes(store, clock.t) if "Call Mr Li back" in b]
    assert len(carried) == 1, carried


# --- the hand-over screen: checklist, closing an open item, the add-item form -------------------------
def test_hand_over_screen_needs_a_checklist_note_and_closes_an_open_item(tmp_path: Path) -> None:
    from screens.handover_screen import FreeEntryForm, HandoverScreen

    db = tmp_path / "floor.db"
    with Store(db, clock=lambda: at(10)) as s:
        s.add_follow_up("Call Mr Li back", at(12), LIN)
        s.add_follow_up("Send the form", at(18), LIN)
    config = Config(supervisor="Lin Mei", db_path=db, handover_checklist=("Equipment status", "Physical items counted"))
    service = StoreService(db, clock=lambda: at(15, 50))

    async def run() -> None:
        app = Host(lambda: HandoverScreen(service, LIN, config, clock=lambda: at(15, 50)))
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, HandoverScreen) and app.screen.loaded, "gathered")
            screen = app.screen
            assert [g.draft.body.partition(": ")[0] for g in screen.items] == [
                "Follow-up, due 2026-11-23 12:00 (OVERDUE)",
                "Follow-up, due 2026-11-23 18:00",
            ]
            # The add-item form opens on the text, not on the Kind dropdown.
            await pilot.press("a")
            await until(pilot, lambda: isinstance(app.screen, FreeEntryForm), "add form")
            assert isinstance(app.focused, TextArea)
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is screen, "back")
            # d on the overdue callback: closed with its result, no longer handed over.
            ol = screen.query_one("#ho-items", OptionList)
            ol.focus()
            ol.highlighted = ol.get_option_index("item-0")
            await pilot.press("d")
            await until(pilot, lambda: app.screen.query("#result"), "close form")
            app.screen.query_one("#result", Input).insert_text_at_cursor("called back at 11:40")
            await pilot.press("enter")
            await until(pilot, lambda: app.screen is screen and len(screen.items) == 1, "closed")
            # Signing without the checklist notes is refused, with the line named.
            await pilot.press("ctrl+s")
            await pilot.pause(0.2)
            assert app.screen is screen and "Physical items counted" in plain(screen.query_one("#form-error", Static))
            screen.query_one("#ck-0", Input).value = "all fine"
            screen.query_one("#ck-1", Input).value = "3 keys, 1 badge"
            await pilot.press("ctrl+s")
            await until(pilot, lambda: app.screen is not screen, "signed")

    try:
        asyncio.run(run())
    finally:
        service.close()
    with Store(db) as s:
        ho = s.get_handover(1)
        assert [i.entry.body for i in ho.items][-2:] == [
            "Equipment status: all fine",
            "Physical items counted: 3 keys, 1 badge",
        ]
        assert [i.entry.kind for i in ho.items][-2:] == ["equipment", "general"]
        assert not any("Call Mr Li back" in i.entry.body for i in ho.items)
        closed = s.list_open_items(include_closed=True)[0]
        assert (closed.result, closed.closed.name) == ("called back at 11:40", "Lin Mei")


def test_take_over_screen_passes_the_claim_on(tmp_path: Path) -> None:
    from screens.forms.takeover_screen import PassOnForm, TakeoverScreen

    db = tmp_path / "floor.db"
    with Store(db, clock=lambda: at(10)) as s:
        esc = s.raise_escalation("c-1", "SIP/1001", "sales", "refund", LIN, caller="13812345679")
    service = StoreService(db, clock=lambda: at(10, 5))
    results: list[Any] = []

    class TakeoverHost(App[None]):
        def on_mount(self) -> None:
            self.push_screen(TakeoverScreen(service, LIN, esc.id, clock=lambda: at(10, 5)), results.append)

    async def run() -> None:
        app = TakeoverHost()
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, TakeoverScreen) and app.screen.claimed, "claimed")
            await pilot.press("ctrl+r")
            await until(pilot, lambda: isinstance(app.screen, PassOnForm), "pass form")
            app.screen.query_one("#pass-to", Input).value = "zhao"
            app.screen.query_one("#pass-reason", Input).value = "my shift ends"
            await pilot.press("ctrl+s")
            await until(pilot, lambda: results, "dismissed")

    try:
        asyncio.run(run())
    finally:
        service.close()
    assert results[0]["escalation"].claimed_by == "zhao"
    with Store(db) as s:
        assert [a.detail for a in s.list_audit(action="escalation.pass")] == ["to zhao (zhao): my shift ends"]


# --- migration: a file from before open items --------------------------------------------------------------
def test_open_follow_ups_of_an_older_file_become_open_items(tmp_path: Path, monkeypatch) -> None:
    from floorconsole.store import migrations as schema
    from floorconsole.store.chain import row_hash
    from floorconsole.store.db import write_tx

    def old_append(conn, table: str, fields: dict) -> None:  # noqa: ANN001 - as rows were written before m003
        row = {"id": conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0], **fields}
        row["hash"] = row_hash(table, row)
        conn.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))

    monkeypatch.setattr(
        schema.migrations,
        "_migrations",
        [m for m in schema.migrations._migrations if m.name in ("m001_records", "m002_handover_heads")],
    )
    with Store(tmp_path / "floor.db", clock=lambda: DAY_T) as s, write_tx(s.conn):
        for text in ("old callback", "done already"):
            old_append(
                s.conn,
                "follow_ups",
                {
                    "escalation_id": None,
                    "entry_seq": None,
                    "text": text,
                    "due": DAY_T + 3600,
                    **{"actor": "Lin Mei", "os_user": "lin", "terminal": "-"},
                    "time": DAY_T,
                },
            )
        old_append(
            s.conn,
            "follow_up_done",
            {"follow_up_id": 2, "actor": "Lin Mei", "os_user": "lin", "terminal": "-", "time": DAY_T, "note": ""},
        )
    monkeypatch.undo()
    with Store(tmp_path / "floor.db", clock=lambda: DAY_T) as s:
        assert [(i.text, i.source) for i in s.list_open_items()] == [("old callback", "follow_up:1")]
        assert s.verify().ok


# --- every form field is reachable at 80x24 ------------------------------------------------------------------
def test_every_field_of_the_tall_forms_scrolls_into_view_at_80x24(tmp_path: Path) -> None:
    from screens.forms.takeover_screen import TakeoverScreen
    from screens.handover_screen import HandoverScreen

    db = tmp_path / "floor.db"
    with Store(db, clock=lambda: at(10)) as s:
        esc = s.raise_escalation("c-1", "SIP/1001", "sales", "refund", LIN, caller="13812345679")
        for i in range(6):
            s.add_follow_up(f"Follow-up {i}", at(18), LIN)
    config = Config(supervisor="Lin Mei", db_path=db)
    service = StoreService(db, clock=lambda: at(15, 50))

    async def check(make: Callable[[], Any], ready: Callable[[Any], bool]) -> None:
        app = Host(make)
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: ready(app.screen), "form ready")
            body = app.screen.query_one("#form-body")
            from textual.widgets import Select

            # a Select's own drop-down list is hidden until opened: the Select is the field
            fields = [
                w
                for w in body.query("Input, TextArea, RadioSet, OptionList, Select")
                if w.focusable and not any(isinstance(a, Select) for a in w.ancestors)
            ]
            assert fields
            for w in fields:
                w.focus()
                await pilot.pause(0.1)
                assert body.region.contains_region(
                    w.region.intersection(body.region) if w.region.height > 3 else w.region
                ), f"{w.id} is not visible: {w.region} vs {body.region}"
                assert w.region.height > 0, w.id

    try:
        asyncio.run(
            check(
                lambda: TakeoverScreen(service, LIN, esc.id, clock=lambda: at(15, 50)),
                lambda s: isinstance(s, TakeoverScreen) and s.claimed,
            )
        )
        asyncio.run(
            check(
                lambda: HandoverScreen(service, LIN, config, clock=lambda: at(15, 50)),
                lambda s: isinstance(s, HandoverScreen) and s.loaded,
            )
        )
    finally:
        service.close()


def test_open_items_text_for_the_header(store: Store) -> None:
    from floorconsole.handover_gather import open_items_text

    assert open_items_text(store.open_item_counts()) is None
    store.add_follow_up("overdue one", at(8, 30), LIN)
    store.add_follow_up("due this shift", at(14), LIN)
    assert open_items_text(store.open_item_counts()) == "open items 2 (1 overdue, 1 due this shift)"
