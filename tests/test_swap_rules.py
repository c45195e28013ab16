"""The swap rules, each refusal with its reason and message: same job and level, 2 a month,
none consecutive, no back-to-back shifts for either side, no leave or holiday duty on the
days, a rostered shift only; and the two approvals (two different people, neither a party,
the configured shift leads)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from floorconsole.config import DEFAULT_SHIFTS, Agent, Holiday, Person
from floorconsole.roster.model import ApprovedLeave, ApprovedSwap, RosterEntry
from floorconsole.roster.registers import Reason
from floorconsole.roster.swap_rules import SwapAsk, SwapCalendar, check_swap, check_swap_approval

SH = ZoneInfo("Asia/Shanghai")
AGENTS = (
    Agent("Xu Jing", "hotline", 2, lead="li"),
    Agent("Ma Wei", "hotline", 2, lead="wang"),
    Agent("Zhang Ting", "hotline", 3),
    Agent("Liu Qiang", "complaints", 2),
)
D1, D2 = date(2026, 11, 24), date(2026, 11, 26)


def roster(*extra: RosterEntry, drop: tuple[tuple[str, date], ...] = ()) -> tuple[RosterEntry, ...]:
    """Day shifts from the 20th to the 30th; Xu Jing is off on the 26th, Ma Wei on the 24th."""
    out = []
    for i in range(20, 31):
        d = date(2026, 11, i)
        for name in ("Xu Jing", "Ma Wei", "Zhang Ting", "Liu Qiang"):
            if (name, d) in (("Xu Jing", D2), ("Ma Wei", D1), *drop):
                continue
            out.append(RosterEntry(d, name, "day", "A"))
    return (*out, *extra)


def ask(**kw) -> SwapAsk:  # noqa: ANN003
    values = {
        "person": "Xu Jing",
        "day": D1,
        "shift": "day",
        "cover": "Ma Wei",
        "payback_day": D2,
        "payback_shift": "day",
        "asked_at": datetime(2026, 11, 20, 9, tzinfo=SH),
    }
    values.update(kw)
    return SwapAsk(**values)  # type: ignore[arg-type]


def cal(**kw) -> SwapCalendar:  # noqa: ANN003
    values = {"shifts": DEFAULT_SHIFTS, "agents": AGENTS, "roster": roster(), "zone": SH}
    values.update(kw)
    return SwapCalendar(**values)  # type: ignore[arg-type]


def refused(a: SwapAsk, c: SwapCalendar | None = None):  # noqa: ANN201
    return check_swap(a, c or cal())


def test_a_good_swap_passes() -> None:
    assert refused(ask()) is None


def test_same_job_and_skill_level_only() -> None:
    r = refused(ask(cover="Liu Qiang"))
    assert r.reason is Reason.JOB_DIFFERS
    assert r.message == "A swap is only between the same job: Xu Jing is hotline, Liu Qiang is complaints"
    r = refused(ask(cover="Zhang Ting"))
    assert r.reason is Reason.LEVEL_DIFFERS
    assert r.message == "A swap is only between the same skill level: Xu Jing is level 2, Zhang Ting is level 3"
    r = refused(ask(cover="Guo Lei"))
    assert r.reason is Reason.UNKNOWN_AGENT
    assert r.message == 'Guo Lei has no job and skill level in the config: add [agents."Guo Lei"] with job and level'


def test_at_most_two_swaps_per_person_per_month() -> None:
    others = (
        ApprovedSwap("Ma Wei", date(2026, 11, 2), "evening", "Zhang Ting", date(2026, 11, 3), "day"),
        ApprovedSwap("Zhang Ting", date(2026, 11, 10), "day", "Ma Wei", date(2026, 11, 12), "evening"),
    )
    r = refused(ask(), cal(others=others))
    assert r.reason is Reason.TOO_MANY_SWAPS
    assert r.message == "Ma Wei already has 2 swaps in 2026-11: at most 2 per person per month"
    # another month's swaps do not count
    october = tuple(
        ApprovedSwap(o.person, o.day.replace(month=10), o.shift, o.cover, o.payback_day, "day") for o in others
    )
    assert refused(ask(), cal(others=october)) is None


def test_no_consecutive_swaps() -> None:
    other = ApprovedSwap("Xu Jing", D1 - timedelta(days=1), "day", "Zhang Ting", date(2026, 11, 28), "day")
    r = refused(ask(), cal(others=(other,)))
    assert r.reason is Reason.CONSECUTIVE_SWAP
    assert r.message == "Xu Jing already swaps on 2026-11-23: no consecutive swaps"
    apart = ApprovedSwap("Xu Jing", D1 - timedelta(days=2), "day", "Zhang Ting", date(2026, 11, 28), "day")
    assert refused(ask(), cal(others=(apart,))) is None


def test_neither_side_may_work_back_to_back_shifts_because_of_it() -> None:
    # Xu Jing is on the night shift (00:00-08:00) of the 26th: paying back the day shift that
    # follows it is 连班 for the one who swaps.
    r = refused(ask(), cal(roster=roster(RosterEntry(D2, "Xu Jing", "night", "A"))))
    assert r.reason is Reason.BACK_TO_BACK
    assert r.message == (
        "Xu Jing would work back-to-back shifts: the day shift of 2026-11-26 and the night shift of 2026-11-26 "
        "(不允许连班)"
    )


def test_the_cover_back_to_back() -> None:
    # Ma Wei is on the night shift of the 24th: covering the day shift after it is 连班.
    r = refused(ask(), cal(roster=roster(RosterEntry(D1, "Ma Wei", "night", "A"))))
    assert r.reason is Reason.BACK_TO_BACK and r.message.startswith("Ma Wei would work back-to-back shifts")
    # an evening shift the day before ends at midnight: eight hours' rest, not back-to-back
    assert refused(ask(), cal(roster=roster(RosterEntry(D1 - timedelta(days=1), "Ma Wei", "evening", "A")))) is None


def test_only_a_rostered_shift_is_swapped_and_the_roster_must_be_there() -> None:
    r = refused(ask(shift="evening"))
    assert r.reason is Reason.NOT_ROSTERED
    assert r.message == "Xu Jing is not rostered on the evening shift of 2026-11-24: only a rostered shift is swapped"
    r = refused(ask(), cal(roster=()))
    assert r.reason is Reason.NO_ROSTER
    assert r.message == "There is no roster for 2026-11-24: import it first, the back-to-back rule needs it"


def test_no_swap_on_a_leave_day_or_for_holiday_duty() -> None:
    r = refused(ask(), cal(leave=(ApprovedLeave("Ma Wei", D2, "day", "ordinary"),)))
    assert r.reason is Reason.LEAVE_DAY
    assert r.message == "Ma Wei has leave on 2026-11-26: no swap on a leave day, no leave on a swap day"
    holiday = Holiday(D1, "Test holiday", duty=("Xu Jing",))
    r = refused(ask(), cal(holidays=(holiday,)))
    assert r.reason is Reason.HOLIDAY_DUTY
    assert r.message == (
        "Xu Jing is on holiday duty on 2026-11-24 Test holiday: no swap for those on holiday duty (节假日当班)"
    )


def test_bad_input_and_started_shifts() -> None:
    assert refused(ask(cover="Xu Jing")).reason is Reason.SAME_PERSON
    assert refused(ask(shift="late")).reason is Reason.UNKNOWN_SHIFT
    assert refused(ask(payback_day=D1)).reason is Reason.BAD_INPUT
    r = refused(ask(cover="Zhang Ting", day=D1), cal(agents=(*AGENTS[:2], Agent("Zhang Ting", "hotline", 2))))
    assert r.reason is Reason.ALREADY_ROSTERED
    assert r.message == (
        "Zhang Ting is already rostered on the day shift of 2026-11-24, which overlaps the day shift of 2026-11-24"
    )
    r = refused(ask(asked_at=datetime(2026, 11, 24, 8, 0, tzinfo=SH)))
    assert r.reason is Reason.SHIFT_STARTED
    assert r.message == "The day shift of 2026-11-24 started at 2026-11-24 08:00: a swap is agreed before it"
    assert refused(ask(asked_at=datetime(2026, 11, 24, 7, 59, 59, tzinfo=SH))) is None


# -- approvals ------------------------------------------------------------------------------------
LI = Person("li", "Li Na", "supervisor")
WANG = Person("wang", "Wang Fang", "supervisor")
ZHAO = Person("zhao", "Zhao Lei", "supervisor")


def test_two_different_leads_each_as_themselves() -> None:
    a = ask()
    assert check_swap_approval(a, LI, "li", [], AGENTS) is None
    r = check_swap_approval(a, LI, "li", ["li"], AGENTS)
    assert r.reason is Reason.SAME_APPROVER
    assert r.message == "Li Na has already approved this swap: the second approval is the other shift lead's"
    assert check_swap_approval(a, WANG, "wang", ["li"], AGENTS) is None
    assert check_swap_approval(a, ZHAO, "zhao", ["li", "wang"], AGENTS).reason is Reason.CLOSED


def test_the_configured_leads_must_be_the_approvers() -> None:
    a = ask()
    # Zhao first: both leads are still needed and only one slot is left
    r = check_swap_approval(a, ZHAO, "zhao", [], AGENTS)
    assert r.reason is Reason.WRONG_LEAD
    assert r.message == "The swap needs the approval of both sides' shift leads (li, wang); Zhao Lei is neither's"
    # without configured leads any two signers do
    plain = tuple(Agent(x.name, x.job, x.level) for x in AGENTS)
    assert check_swap_approval(a, ZHAO, "zhao", [], plain) is None


def test_who_may_not_approve() -> None:
    a = ask()
    assert check_swap_approval(a, None, "guest", [], AGENTS).reason is Reason.APPROVER_UNKNOWN
    r = check_swap_approval(a, Person("q", "Qi", "quality_inspector"), "q", [], AGENTS)
    assert (
        r.reason is Reason.APPROVER_ROLE
        and r.message == "Qi is a quality_inspector, who may not approve leave or swaps"
    )
    r = check_swap_approval(a, Person("ma", "Ma Wei", "supervisor"), "ma", [], ())
    assert r.reason is Reason.PARTY_APPROVES
    assert r.message == "Ma Wei is a party to this swap and cannot approve it"
