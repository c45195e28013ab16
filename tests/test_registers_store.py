"""The registers in the records: the store checks the rules on entry and at each approval and
refuses with the rule's reason; requests, approvals and withdrawals are appended rows on the
record chain, audited; a swap needs two different OS users' approvals; `approved_leave` and
`approved_swaps` are what the roster reads; m007 on an existing database."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from floorconsole.clock import ManualClock
from floorconsole.config import Agent, Holiday, Person
from floorconsole.identity import Actor
from floorconsole.roster.model import ApprovedLeave, ApprovedSwap, RosterEntry
from floorconsole.roster.registers import Reason
from floorconsole.store import NotAllowed, Store
from floorconsole.store.registers import RegisterRefused, RegisterSettings

PEOPLE = (
    Person("li", "Li Na", "supervisor"),
    Person("wang", "Wang Fang", "supervisor"),
    Person("zhou", "Zhou Min", "manager"),
    Person("qian", "Qian Hua", "centre_head"),
    Person("wall", "Wallboard", "viewer"),
)
LI = Actor("Li Na", "li", "pts/1")
WANG = Actor("Wang Fang", "wang", "pts/2")
ZHOU = Actor("Zhou Min", "zhou", "pts/3")
QIAN = Actor("Qian Hua", "qian", "pts/4")
WALL = Actor("Wallboard", "wall", "pts/5")
AGENTS = (Agent("Xu Jing", "hotline", 2, lead="li"), Agent("Ma Wei", "hotline", 2, lead="wang"))
SETTINGS = RegisterSettings(AGENTS, (Holiday(date(2026, 12, 25), "Test holiday", ("Ma Wei",)),))
D1, D2 = date(2026, 11, 24), date(2026, 11, 26)


def roster(start: date, end: date) -> list[RosterEntry]:
    """Both on days, Xu Jing off on the 26th, Ma Wei off on the 21st, 24th and 30th."""
    off = {("Xu Jing", D2), *(("Ma Wei", date(2026, 11, i)) for i in (21, 24, 30))}
    out = []
    for i in range(1, 31):
        d = date(2026, 11, i)
        if start <= d <= end:
            out += [RosterEntry(d, n, "day", "A") for n in ("Xu Jing", "Ma Wei") if (n, d) not in off]
    return out


def local(*args: int) -> float:
    return datetime(*args).astimezone().timestamp()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(local(2026, 11, 20, 9, 0))


@pytest.fixture
def store(tmp_path: Path, clock: ManualClock):  # noqa: ANN201
    s = Store(tmp_path / "f.db", clock=clock, people=PEOPLE, registers=SETTINGS)
    s.roster_source = roster
    yield s
    s.close()


def refusal(exc: pytest.ExceptionInfo[RegisterRefused]) -> Reason:
    return exc.value.refusal.reason


def test_leave_is_entered_approved_at_its_level_and_read_by_the_roster(store: Store, clock: ManualClock) -> None:
    one = store.request_leave("Xu Jing", "ordinary", D1, "day", LI, reason="family")
    assert (one.status, one.level, one.leave_type, one.entered_by) == (
        "waiting",
        "department_head",
        "ordinary",
        "Li Na",
    )
    assert store.approved_leave(D1, D1) == []
    with pytest.raises(RegisterRefused, match="approved by the department head") as exc:
        store.approve_leave(one.id, WANG)  # a supervisor is not a department head
    assert refusal(exc) is Reason.APPROVER_LEVEL
    approved = store.approve_leave(one.id, ZHOU)
    assert approved.status == "approved" and approved.approvals[0].name == "Zhou Min"
    assert store.approved_leave(D1, D1) == [ApprovedLeave("Xu Jing", D1, "day", "ordinary")]
    with pytest.raises(RegisterRefused, match="already approved") as exc:
        store.approve_leave(one.id, QIAN)
    assert refusal(exc) is Reason.CLOSED

    three = store.request_leave("Ma Wei", "ordinary", date(2026, 11, 27), "day", LI, last_day=date(2026, 11, 29))
    assert three.level == "centre_head"
    with pytest.raises(RegisterRefused, match=r"Leave of 3 day\(s\) is approved by the centre head"):
        store.approve_leave(three.id, ZHOU)
    store.approve_leave(three.id, QIAN)
    assert [a.day.day for a in store.approved_leave(date(2026, 11, 28), date(2026, 11, 30))] == [28, 29]

    store.withdraw_leave(three.id, "back early", LI)
    assert store.approved_leave(date(2026, 11, 28), date(2026, 11, 30)) == []
    assert [r.status for r in store.list_leave()] == ["approved", "withdrawn"]
    actions = [a.action for a in store.list_audit()]
    assert actions.count("leave.request") == 2 and actions.count("leave.approve") == 2 and "leave.withdraw" in actions
    assert store.verify().ok


def test_the_store_refuses_leave_with_the_rules_reason(store: Store, clock: ManualClock) -> None:
    clock.set(local(2026, 11, 23, 8, 0, 1))  # a second past a day ahead
    with pytest.raises(RegisterRefused) as exc:
        store.request_leave("Xu Jing", "ordinary", D1, "day", LI)
    assert refusal(exc) is Reason.ORDINARY_NOTICE
    assert (
        str(exc.value) == "Ordinary leave is asked a day ahead: by 2026-11-23 08:00 for the shift at 2026-11-24 08:00"
    )
    assert store.list_leave() == []  # nothing written
    clock.set(local(2026, 11, 23, 8, 0, 0))
    assert store.request_leave("Xu Jing", "ordinary", D1, "day", LI).status == "waiting"
    with pytest.raises(RegisterRefused) as exc:
        store.request_leave("Ma Wei", "ordinary", date(2026, 12, 25), "day", LI)
    assert refusal(exc) is Reason.HOLIDAY_DUTY


def test_only_a_signer_enters_leave(store: Store) -> None:
    with pytest.raises(NotAllowed, match="viewer"):
        store.request_leave("Xu Jing", "ordinary", D1, "day", WALL)


def test_a_swap_needs_two_different_leads_each_as_themselves(store: Store) -> None:
    swap = store.request_swap("Xu Jing", D1, "day", "Ma Wei", D2, "day", LI, reason="wedding")
    assert swap.status == "waiting" and store.approved_swaps(D1, D2) == []
    store.approve_swap(swap.id, LI)
    with pytest.raises(RegisterRefused, match="already approved this swap") as exc:
        # the same OS user again, whatever name is passed
        store.approve_swap(swap.id, Actor("Somebody Else", "li", "pts/7"))
    assert refusal(exc) is Reason.SAME_APPROVER
    with pytest.raises(RegisterRefused, match="shift leads") as exc:
        store.approve_swap(swap.id, ZHOU)  # a manager, but neither side's configured lead
    assert refusal(exc) is Reason.WRONG_LEAD
    done = store.approve_swap(swap.id, Actor("typed name ignored", "wang", "pts/2"))
    assert done.status == "approved"
    assert [a.name for a in done.approvals] == ["Li Na", "Wang Fang"]  # configured names, not typed ones
    assert store.approved_swaps(D1, D1) == [ApprovedSwap("Xu Jing", D1, "day", "Ma Wei", D2, "day")]
    assert store.approved_swaps(date(2026, 12, 1), date(2026, 12, 31)) == []
    # and now no leave on the swap or pay-back day
    with pytest.raises(RegisterRefused) as exc:
        store.request_leave("Ma Wei", "ordinary", D1, "day", LI)
    assert refusal(exc) is Reason.SWAP_DAY
    assert store.verify().ok


def test_the_rules_are_checked_again_at_approval(store: Store) -> None:
    swap = store.request_swap("Xu Jing", D1, "day", "Ma Wei", D2, "day", LI)
    leave = store.request_leave("Ma Wei", "ordinary", date(2026, 11, 28), "day", LI)
    store.approve_leave(leave.id, ZHOU)
    # a second swap for Ma Wei that month, not consecutive, is fine; a third is not
    store.request_swap("Xu Jing", date(2026, 11, 21), "day", "Ma Wei", D2, "day", LI)
    with pytest.raises(RegisterRefused) as exc:
        store.request_swap("Xu Jing", date(2026, 11, 30), "day", "Ma Wei", D2, "day", LI)
    assert refusal(exc) is Reason.TOO_MANY_SWAPS
    store.withdraw_swap(swap.id, "agreed otherwise", WANG)
    with pytest.raises(RegisterRefused, match="withdrawn"):
        store.approve_swap(swap.id, LI)


def test_without_a_roster_a_swap_cannot_be_checked(store: Store) -> None:
    store.roster_source = None
    with pytest.raises(RegisterRefused, match="no roster for 2026-11-24") as exc:
        store.request_swap("Xu Jing", D1, "day", "Ma Wei", D2, "day", LI)
    assert refusal(exc) is Reason.NO_ROSTER


def test_register_rows_are_append_only_and_on_the_chain(store: Store, tmp_path: Path) -> None:
    swap = store.request_swap("Xu Jing", D1, "day", "Ma Wei", D2, "day", LI)
    store.approve_swap(swap.id, LI)
    store.request_leave("Xu Jing", "ordinary", date(2026, 11, 28), "day", LI)
    conn = sqlite3.connect(tmp_path / "f.db", isolation_level=None)
    for sql in (
        "UPDATE swap_requests SET cover = 'someone'",
        "DELETE FROM register_events",
        "UPDATE leave_requests SET person = 'x'",
    ):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    links = conn.execute("SELECT tbl FROM ledger WHERE tbl IN ('swap_requests', 'register_events')").fetchall()
    assert sorted(t for (t,) in links) == ["register_events", "swap_requests"]
    conn.close()
    assert store.verify().ok


def test_m007_is_applied_to_an_existing_database(tmp_path: Path, clock: ManualClock) -> None:
    db = tmp_path / "f.db"
    Store(db, clock=clock).close()
    conn = sqlite3.connect(db, isolation_level=None)
    for table in ("leave_requests", "swap_requests", "register_events"):  # as a database before m007
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm007_registers'")
    conn.close()
    store = Store(db, clock=clock, people=PEOPLE, registers=SETTINGS)
    assert store.request_leave("Xu Jing", "sick", D1, "day", LI, doctor_note=True).leave_type == "sick"
    assert store.verify().ok
    store.close()


def populate_registers(store: Store) -> None:
    """One row in each register table on a legacy store (no [people]: anyone signs), for the
    store-wide append-only and head tests (tests/test_store_append_only.py)."""
    register_writes(lambda name, *a, **kw: getattr(store, name)(*a, **kw), store)


def register_writes(call: Callable[..., Any], store: Store) -> None:
    """Every register write method, through `call(name, *args)`, on a legacy store: entries
    and withdrawals go in; approvals are refused (without [people] nobody has a role) after
    their BEGIN IMMEDIATE (tests/test_store_transactions.py)."""
    far = date(2027, 1, 12)
    lin = Actor("Li Na", "lina", "pts/1")
    store.registers = RegisterSettings(AGENTS)
    store.roster_source = lambda lo, hi: [
        RosterEntry(far, "Xu Jing", "day", "A"),
        RosterEntry(far + timedelta(days=2), "Ma Wei", "day", "A"),
    ]
    leave = call("request_leave", "Xu Jing", "sick", far + timedelta(days=5), "day", lin, doctor_note=True)
    with pytest.raises(RegisterRefused, match="not a configured person"):
        call("approve_leave", leave.id, lin)
    call("withdraw_leave", leave.id, "well again", lin)
    swap = call("request_swap", "Xu Jing", far, "day", "Ma Wei", far + timedelta(days=2), "day", lin)
    with pytest.raises(RegisterRefused, match="not a configured person"):
        call("approve_swap", swap.id, lin)
    call("withdraw_swap", swap.id, "agreed otherwise", lin)


@pytest.mark.parametrize("day", [date(2026, 3, 29), date(2026, 10, 25)])
def test_a_day_ahead_on_the_floors_clock_across_dst(tmp_path: Path, day: date) -> None:
    """In Europe/Berlin (the process's zone, as the composition root sets it): ordinary leave
    for the day shift of a DST-change day is due by 08:00 the day before, 23 or 25 hours."""
    from zoneinfo import ZoneInfo

    import time_machine

    berlin = ZoneInfo("Europe/Berlin")
    eve = datetime(day.year, day.month, day.day - 1, 8, 0, tzinfo=berlin)
    with time_machine.travel(eve, tick=False):
        clock = ManualClock(eve.timestamp())
        store = Store(tmp_path / "f.db", clock=clock, people=PEOPLE, registers=SETTINGS)
        assert store.request_leave("Xu Jing", "ordinary", day, "day", LI).status == "waiting"
        clock.set(eve.timestamp() + 1)
        with pytest.raises(RegisterRefused) as exc:
            store.request_leave("Ma Wei", "ordinary", day, "day", LI)
        assert refusal(exc) is Reason.ORDINARY_NOTICE
        assert f"by {eve:%Y-%m-%d} 08:00 for the shift at {day.isoformat()} 08:00" in str(exc.value)
        clock.set(datetime(day.year, day.month, day.day, 7, 0, tzinfo=berlin).timestamp())
        assert store.request_leave("Ma Wei", "urgent", day, "day", LI).status == "waiting"
        with pytest.raises(RegisterRefused, match="already has leave on the day shift") as exc:
            store.request_leave("Ma Wei", "urgent", day, "day", LI)  # entered twice
        assert refusal(exc) is Reason.LEAVE_DAY
        clock.advance(1)
        with pytest.raises(RegisterRefused, match="an hour before"):
            store.request_leave("Zhang Ting", "urgent", day, "day", LI)
        store.close()
