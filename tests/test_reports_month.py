"""A simulated month: a generated feed and records written through the Store produce the
monthly service-quality report, the coverage table and the work reports; every figure is
checked against one computed here, straight from what was generated (not by the report's
own functions). Local times throughout: October 2026 holds Europe's DST change."""

from __future__ import annotations

import random
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from floorconsole.cli import main
from floorconsole.clock import ManualClock
from floorconsole.config import Config
from floorconsole.identity import Actor
from floorconsole.layout import FloorLayout, SeatPlace
from floorconsole.reports.coverage import build_coverage, coverage_document
from floorconsole.reports.monthly import build_monthly, mark_sent, monthly_document
from floorconsole.reports.periods import month_period
from floorconsole.reports.render import render
from floorconsole.reports.worklog import build_work_report, work_document
from floorconsole.roster.model import AttendanceFlag
from floorconsole.store import ComplaintDraft, Store

ME = Actor("Lin Mei", "lin", "pts/1")
QA = Actor("Zhou Qing", "zhou", "pts/2")
AGENTS = [f"SIP/100{i}" for i in range(1, 7)]
NAMES = {"SIP/1001": "张伟", "SIP/1002": "王芳", "SIP/1003": "Liu Bo"}
QUEUES = ("sales", "support")
DIMS = ("service_language", "attitude", "tone", "needs", "composure")
SL_S = 15


def at(d: int, h: int, m: int = 0, month: int = 10) -> float:
    """Local time in October 2026 (September/November with `month`)."""
    return datetime(2026, month, d, h, m).astimezone().timestamp()


def week_index(d: date) -> int:
    """Weeks of October 2026 run Monday to Sunday; the 1st (a Thursday) opens week 0."""
    return (d.day - 1 + date(2026, 10, 1).weekday()) // 7


@dataclass
class Call:
    callid: str
    queue: str
    entered: float
    outcome: str  # answered | abandoned | exited
    wait: int
    agent: str = ""
    talk: int = 0


def generate_calls() -> list[Call]:
    """A few calls in every hour from 07:00 to 21:00 local, all October, plus a margin of
    calls on 30 September and 1 November that the month must not count."""
    rng = random.Random(13)
    calls: list[Call] = []
    days = [(9, 30)] + [(10, d) for d in range(1, 32)] + [(11, 1)]
    n = 0
    for month, day in days:
        for hour in range(7, 21):
            for _ in range(rng.randint(0, 4)):
                n += 1
                entered = datetime(2026, month, day, hour, rng.randint(0, 58), rng.randint(0, 59)).astimezone()
                r = rng.random()
                outcome = "answered" if r < 0.8 else "abandoned" if r < 0.93 else "exited"
                call = Call(f"170000{n}.{n}", rng.choice(QUEUES), entered.timestamp(), outcome, rng.randint(1, 60))
                if outcome == "answered":
                    call.agent, call.talk = rng.choice(AGENTS), rng.randint(30, 900)
                calls.append(call)
    return calls


def feed_lines(calls: list[Call]) -> list[str]:
    start = at(30, 6, month=9)
    lines = [(start, f"{int(start)}|NONE|NONE|NONE|QUEUESTART|")]
    for q in QUEUES:
        for a in AGENTS:
            lines.append((start + 1, f"{int(start) + 1}|MANAGER|{q}|{a}|ADDMEMBER|"))
    for c in calls:
        t = int(c.entered)
        lines.append((t, f"{t}|{c.callid}|{c.queue}|NONE|ENTERQUEUE||1380000{t % 10000:04d}|1"))
        if c.outcome == "answered":
            lines.append((t + c.wait, f"{t + c.wait}|{c.callid}|{c.queue}|{c.agent}|CONNECT|{c.wait}|u{c.callid}|2"))
            end = t + c.wait + c.talk
            lines.append((end, f"{end}|{c.callid}|{c.queue}|{c.agent}|COMPLETECALLER|{c.wait}|{c.talk}|1"))
        else:
            verb = "ABANDON" if c.outcome == "abandoned" else "EXITWITHTIMEOUT"
            lines.append((t + c.wait, f"{t + c.wait}|{c.callid}|{c.queue}|NONE|{verb}|1|1|{c.wait}"))
    lines.sort(key=lambda x: x[0])
    return [text for _, text in lines]


def pct(num: int, den: int) -> str:
    return "—" if den == 0 else f"{100.0 * num / den:.1f}%"


def expected_kpis(calls: list[Call]) -> list[str]:
    """offered, answered, abandoned, exited, SL, abandon rate (DOMAIN.md's definitions)."""
    answered = [c for c in calls if c.outcome == "answered"]
    abandoned = sum(1 for c in calls if c.outcome == "abandoned")
    exited = sum(1 for c in calls if c.outcome == "exited")
    finished = len(answered) + abandoned + exited
    within = sum(1 for c in answered if c.wait <= SL_S)
    return [
        str(len(calls)),
        str(len(answered)),
        str(abandoned),
        str(exited),
        pct(within, finished),
        pct(abandoned, finished),
    ]


def in_october(t: float) -> bool:
    return datetime.fromtimestamp(t).month == 10 and datetime.fromtimestamp(t).year == 2026


CHECKLIST = {
    i["code"]: i
    for i in tomllib.loads((Path(__file__).parents[1] / "data" / "patrol_checklist.toml").read_text())["item"]
}
PATROL = [  # (day, hour, agent, items, text)
    (2, 9, "SIP/1001", ["uniform"], ""),
    (2, 10, "SIP/1002", ["uniform", "phone"], ""),
    (9, 14, "SIP/1001", ["desk"], "cup on the console"),
    (15, 11, "SIP/1003", ["phone"], ""),
    (25, 10, "SIP/1004", [], "reminded about the headset"),  # the DST day in Europe
    (31, 20, "SIP/1002", ["uniform"], ""),
]
PATROL_OUTSIDE = [(30, 10, "SIP/1001", ["phone"], "", 9)]  # 30 September
PRAISE = [
    (5, 11, "SIP/1005", "Calmed a caller whose order was lost twice", "Kept the customer, who thanked us by name")
]
INSPECTIONS = [  # (day, hour, agent, scores)
    (1, 10, "SIP/1001", (5, 4, 4, 3, 2)),
    (6, 10, "SIP/1001", (4, 4, 5, 3, 3)),
    (6, 11, "SIP/1002", (3, 3, 3, 2, 2)),
    (13, 10, "SIP/1003", (5, 5, 5, 5, 5)),
    (20, 10, "SIP/1002", (4, 3, 4, 3, 3)),
    (27, 15, "SIP/1005", (2, 3, 4, 4, 1)),
    *[(d, 9, "SIP/1004", (4, 4, 4, 4, 4)) for d in (2, 7, 12, 19, 23, 28)],  # six: above target
]
INSPECTION_OUTSIDE = (1, 10, "SIP/1006", (5, 5, 5, 5, 5), 11)  # 1 November: SIP/1006 has none in October
FLAGS = [
    AttendanceFlag("SIP/1001", "late", "2026-10-05 day", at(5, 8, 25), 25),
    AttendanceFlag("SIP/1002", "late", "2026-10-12 day", at(12, 8, 30), 30),
    AttendanceFlag("SIP/1002", "off_post", "2026-10-12 day", at(12, 14), 40),
    AttendanceFlag(
        "SIP/1003", "off_post", "2026-10-20 day", at(20, 11), 22, True, "Lin Mei", "sent to recover after a hard call"
    ),
    AttendanceFlag("SIP/1004", "long_meal", "2026-10-21 day", at(21, 12), 75),
    AttendanceFlag("SIP/1001", "late", "2026-11-02 day", at(2, 8, 30, month=11), 30),  # November
]


@dataclass
class Month:
    db: Path
    feed: Path
    calls: list[Call]
    escalations: list[tuple[float, str, str | None]]  # raised_at, agent, outcome
    complaints: list[tuple[float, bool, bool]]  # time, company at fault, apology


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Month:
    base = tmp_path_factory.mktemp("month")
    calls = generate_calls()
    feed = base / "queue_log"
    feed.write_text("\n".join(feed_lines(calls)) + "\n")
    clock = ManualClock(at(1, 8))
    db = base / "floor.db"
    store = Store(db, clock=clock)
    for day, hour, agent, items, text in PATROL:
        clock.set(at(day, hour))
        store.add_patrol_note(agent, ME, items=items, text=text)
    for day, hour, agent, items, text, mon in PATROL_OUTSIDE:
        clock.set(at(day, hour, month=mon))
        store.add_patrol_note(agent, ME, items=items, text=text)
    for day, hour, agent, what, why in PRAISE:
        clock.set(at(day, hour))
        store.add_praise(agent, what, why, ME)
    for day, hour, agent, scores in INSPECTIONS:
        clock.set(at(day, hour))
        store.add_inspection(agent, f"c-{day}-{hour}", dict(zip(DIMS, scores)), "", QA)
    day, hour, agent, scores, mon = INSPECTION_OUTSIDE
    clock.set(at(day, hour, month=mon))
    store.add_inspection(agent, "c-nov", dict(zip(DIMS, scores)), "", QA)
    escalations: list[tuple[float, str, str | None]] = []
    complaints: list[tuple[float, bool, bool]] = []
    rng = random.Random(5)
    for i, c in enumerate(x for x in calls if x.outcome == "answered" and rng.random() < 0.02):
        clock.set(c.entered + c.wait + 60)
        e = store.raise_escalation(
            c.callid, c.agent, c.queue, "customer insists on a supervisor", ME, raised_at=clock()
        )
        outcome = ("resolved", "callback", "referred", None)[i % 4]
        clock.advance(300)
        if outcome == "callback":
            store.resolve_escalation(e.id, "callback", ME, due=clock() + 3600)
        elif outcome == "referred":
            store.resolve_escalation(e.id, "referred", ME, department="billing")
        elif outcome == "resolved":
            store.resolve_escalation(e.id, "resolved", ME)
        escalations.append((e.raised_at, c.agent, outcome))
        if i % 3 == 0:
            fault = i % 2 == 0
            store.record_complaint(
                ComplaintDraft(
                    problem="Router broken twice",
                    wants="A new router",
                    customer_name="李伟",
                    phone="13812345679",
                    product="Router X",
                    agent=c.agent,
                    company_at_fault=fault,
                    apology_given=fault,
                    reported_to="Manager Wang" if fault else "",
                ),
                ME,
                e.id,
            )
            complaints.append((clock(), fault, fault))
    clock.set(at(14, 10))
    store.add_entry("equipment", "CRM lookups timed out 10:05-10:20", ME)
    store.add_entry("difficult-case", "Caller asks for a refund of a bundle bought in a shop", ME)
    clock.set(at(15, 9))
    store.add_entry("equipment", "Headset B03 crackles", ME)
    store.close()
    return Month(db, feed, calls, escalations, complaints)


def open_store(m: Month, t: float) -> Store:
    return Store(m.db, clock=ManualClock(t))


def layout() -> FloorLayout:
    return FloorLayout(tuple(SeatPlace(f"S{i}", "A", i, a, NAMES.get(a, a), ("sales",)) for i, a in enumerate(AGENTS)))


# ----------------------------------------------------------------------------- monthly


def monthly_doc(m: Month, findings: bool = False):  # noqa: ANN201
    now = at(3, 9, month=11)
    with open_store(m, now) as store:
        report = build_monthly(
            store, Config(), 2026, 10, now, FLAGS, feed_paths=[m.feed], layout=layout(), findings=findings
        )
    return report, monthly_document(report)


def test_monthly_sl_and_abandon_by_week_match_the_generated_calls(month: Month) -> None:
    _, doc = monthly_doc(month)
    oct_calls = [c for c in month.calls if in_october(c.entered)]
    by_week: dict[int, list[Call]] = defaultdict(list)
    for c in oct_calls:
        by_week[week_index(datetime.fromtimestamp(c.entered).date())].append(c)
    table = doc.table("Service level and abandon by week")
    assert len(table.rows) == 5 + 1  # five weeks touch October 2026, then the month
    for i, row in enumerate(table.rows[:-1]):
        assert row[0].startswith(f"W{i + 1} ")
        assert row[1:7] == expected_kpis(by_week[i]), row[0]
    assert table.rows[-1][1:7] == expected_kpis(oct_calls)
    assert len(oct_calls) > 500  # a real month, not an empty window
    queues = doc.table("Queues this month")
    for row in queues.rows:
        assert row[1:7] == expected_kpis([c for c in oct_calls if c.queue == row[0]])


def test_monthly_patrol_praise_complaints_escalations_and_flags(month: Month) -> None:
    report, doc = monthly_doc(month)
    # patrol findings by item: counts and deductions from the checklist table, no names
    per_item: Counter[str] = Counter(code for _, _, _, items, _ in PATROL for code in items)
    rows = {r[0]: r for r in doc.table("Patrol findings by item").rows}
    for code, n in per_item.items():
        label = f"{CHECKLIST[code]['label']} {CHECKLIST[code]['label_zh']}"
        agents = {a for _, _, a, items, _ in PATROL if code in items}
        assert rows[label][1:] == [str(n), str(n * CHECKLIST[code]["deduction"]), str(len(agents))]
    assert sum(1 for p in PATROL if not p[3]) == int(next(r for k, r in rows.items() if k.startswith("other"))[1])
    # findings against a person stay out of the shared report
    by_agent = doc.table("Patrol findings by agent")
    assert by_agent.rows == [] and f"{len(PATROL)} finding(s)" in by_agent.note
    assert not any(t.title == "Attendance flags by person" for t in doc.tables)
    text = render(doc, "md")
    assert "cup on the console" not in text
    # praise in public
    assert [r[2] for r in doc.table("Praise").rows] == [p[3] for p in PRAISE]
    # complaints and escalations by week
    weeks = doc.table("Complaints and escalations by week").rows
    esc_oct = [e for e in month.escalations if in_october(e[0])]
    com_oct = [c for c in month.complaints if in_october(c[0])]
    assert weeks[-1][1:] == [
        str(len(com_oct)),
        str(sum(1 for c in com_oct if c[1])),
        str(sum(1 for c in com_oct if c[2])),
        str(len(esc_oct)),
        *(str(sum(1 for e in esc_oct if e[2] == o)) for o in ("resolved", "callback", "referred", None)),
    ]
    for i, row in enumerate(weeks[:-1]):
        assert row[4] == str(sum(1 for e in esc_oct if week_index(datetime.fromtimestamp(e[0]).date()) == i))
    assert len(doc.table("Complaints").rows) == len(com_oct)
    assert "李伟" not in text and "13812345679" not in text  # customer data left out
    per_agent = Counter(a for _, a, _ in esc_oct)
    assert {r[0]: int(r[1]) for r in doc.table("Escalations per agent").rows} == {
        (f"{NAMES[a]} ({a})" if a in NAMES else a): n for a, n in per_agent.items()
    }
    # attendance flags: October's, an allowed one not counted
    flags = {r[0]: r[1:] for r in doc.table("Attendance flags").rows}
    assert flags["late 20 min or more"] == ["2", "0", "55", "2"]
    assert flags["off post 20 min or more"] == ["1", "1", "40", "1"]
    assert flags["meal pause over 1 hour"] == ["1", "0", "75", "1"]
    assert "logged in, not rostered" not in flags
    # the duty log by kind
    kinds = {r[0]: r[1] for r in doc.table("Duty log entries by kind").rows}
    assert kinds["Equipment 设备情况"] == "2" and kinds["Difficult cases 疑难问题"] == "1"
    assert "not marked as sent" in doc.intro[0] and "2026-11-22" in doc.intro[0]
    assert report.due == date(2026, 11, 22)


def test_monthly_with_findings_names_them(month: Month) -> None:
    _, doc = monthly_doc(month, findings=True)
    rows = doc.table("Patrol findings by agent").rows
    assert len(rows) == len(PATROL)
    assert any("cup on the console" in r[4] for r in rows)
    people = doc.table("Attendance flags by person").rows
    assert len(people) == 5  # October's five, the allowed one with who allowed it and why
    assert any("sent to recover" in r[5] for r in people)


def test_marked_as_sent_is_recorded_and_audited(month: Month, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    db.write_bytes(month.db.read_bytes())
    m = Month(db, month.feed, month.calls, month.escalations, month.complaints)
    report, _ = monthly_doc(m)
    with open_store(m, at(20, 10, month=11)) as store:
        sent = mark_sent(store, ME, report, "Director Zhou", "xlsx", "monthly.xlsx")
        assert (sent.kind, sent.period, sent.sent_to) == ("monthly", "2026-10", "Director Zhou")
        audit = store.list_audit(action="report.sent")
        assert [a.target for a in audit] == ["monthly:2026-10"] and "Director Zhou" in audit[0].detail
        assert store.verify().ok
    _, doc = monthly_doc(m)
    assert "sent to Director Zhou" in doc.intro[0]


# ----------------------------------------------------------------------------- coverage


def test_coverage_per_agent_week_and_dimension(month: Month) -> None:
    now = at(3, 9, month=11)
    with open_store(month, now) as store:
        inspections = store.list_inspections(since=month_period(2026, 10).start)
    cov = build_coverage(inspections, AGENTS, month_period(2026, 10), now, NAMES)
    doc = coverage_document(cov)
    rows = {r[0]: r for r in doc.table("Inspections per agent").rows}
    heads = doc.table("Inspections per agent").columns
    oct_ins = [i for i in INSPECTIONS]
    for agent in AGENTS:
        label = f"{NAMES[agent]} ({agent})" if agent in NAMES else agent
        mine = [i for i in oct_ins if i[2] == agent]
        row = rows[label]
        assert row[1] == str(len(mine))
        weeks = [str(sum(1 for i in mine if week_index(date(2026, 10, i[0])) == w)) for w in range(5)]
        assert row[2:7] == weeks
        status = "none yet" if not mine else "within target" if len(mine) <= 5 else "above target"
        assert row[heads.index("target 1–5")] == status
        for k, dim in enumerate(DIMS):
            col = heads.index(doc.table("Monthly summary by dimension").rows[k][0])
            expect = "—" if not mine else f"{sum(i[3][k] for i in mine) / len(mine):.2f}"
            assert row[col] == expect, (agent, dim)
    # per agent and week: each week an agent was inspected, that week's means
    per_week = {(r[0], r[1][:2]): r for r in doc.table("Weekly summary per agent").rows}
    expect_weeks = Counter(
        (f"{NAMES[i[2]]} ({i[2]})" if i[2] in NAMES else i[2], f"W{week_index(date(2026, 10, i[0])) + 1}")
        for i in oct_ins
    )
    assert {k: int(r[2]) for k, r in per_week.items()} == dict(expect_weeks)
    r1004 = per_week[("SIP/1004", "W2")]  # W2 is 5-11 October: the 7th only
    assert r1004[2] == "1" and r1004[3:8] == ["4.00"] * 5
    # who has none yet: listed first and in their own table (SIP/1006's is in November)
    assert [r[0] for r in doc.table("Not inspected yet this month").rows] == ["SIP/1006"]
    assert doc.table("Inspections per agent").rows[0][0] == "SIP/1006"
    # per dimension, by week and for the month
    weekly = doc.table("Weekly summary by dimension").rows
    for w, row in enumerate(weekly):
        mine = [i for i in oct_ins if week_index(date(2026, 10, i[0])) == w]
        assert row[1] == str(len(mine)) and row[2] == str(len({i[2] for i in mine}))
        for k in range(5):
            assert row[3 + k] == ("—" if not mine else f"{sum(i[3][k] for i in mine) / len(mine):.2f}")
    monthly = doc.table("Monthly summary by dimension").rows
    assert monthly[4][0].startswith("Adaptability") and "接待客户应变能力" in monthly[4][0]
    for k in range(5):
        assert monthly[k][1] == f"{sum(i[3][k] for i in oct_ins) / len(oct_ins):.2f}"
        assert monthly[k][2] == str(sum(1 for i in oct_ins if i[3][k] <= 2))


def test_coverage_text_keeps_cjk_columns_aligned(month: Month) -> None:
    from rich.cells import cell_len

    now = at(3, 9, month=11)
    with open_store(month, now) as store:
        inspections = store.list_inspections()
    doc = coverage_document(build_coverage(inspections, AGENTS, month_period(2026, 10), now, NAMES))
    text = render(doc, "text")
    assert isinstance(text, str)
    lines = text.splitlines()
    start = lines.index("Inspections per agent")
    header, rule = lines[start + 3], lines[start + 4]
    body = lines[start + 5 : start + 5 + len(AGENTS)]
    assert any("张伟" in line for line in body)
    # every column starts at the same terminal cell in every line: the rule's gaps mark them
    gaps = [i for i, ch in enumerate(rule) if ch == " " and rule[i - 1] == "-"]
    for line in [header, *body]:
        cells_before = [cell_len(line[: _index_at_cell(line, g)]) for g in gaps]
        assert cells_before == gaps, line
        assert all(line[_index_at_cell(line, g)] == " " for g in gaps), line


def _index_at_cell(line: str, cell: int) -> int:
    """The index of the character at terminal cell `cell` (wide characters take two)."""
    from rich.cells import cell_len

    n = 0
    for i, ch in enumerate(line):
        if n >= cell:
            return i
        n += cell_len(ch)
    return len(line)


# ----------------------------------------------------------------------------- work reports


def test_daily_work_report(month: Month) -> None:
    now = at(14, 18)
    with open_store(month, now) as store:
        work = build_work_report(store, Config(), "daily", date(2026, 10, 14), now, feed_paths=[month.feed])
    doc = work_document(work)
    assert [r[2] for r in doc.table("System problems").rows] == ["CRM lookups timed out 10:05-10:20"]
    assert len(doc.table("Difficult cases").rows) == 1
    day_calls = [c for c in month.calls if datetime.fromtimestamp(c.entered).date() == date(2026, 10, 14)]
    (row,) = doc.table("Workload by day").rows
    kp = expected_kpis(day_calls)
    assert row[0] == "2026-10-14" and row[1:5] == [kp[0], kp[1], kp[4], kp[5]]
    esc = [e for e in month.escalations if datetime.fromtimestamp(e[0]).date() == date(2026, 10, 14)]
    assert row[6] == str(len(esc))
    # busy/idle per queue by hour: every (hour, queue) with a call, its counts
    hours = doc.table("Busy and idle by hour").rows
    expect: dict[tuple[str, str], list[Call]] = defaultdict(list)
    for c in day_calls:
        h = datetime.fromtimestamp(c.entered).hour
        expect[(f"{h:02d}:00–{(h + 1) % 24:02d}:00", c.queue)].append(c)
    got = {(r[0], r[2]): r for r in hours}
    assert set(got) == set(expect)
    for key, calls in expect.items():
        kp = expected_kpis(calls)
        assert got[key][3:8] == [kp[0], kp[1], kp[2], kp[4], kp[5]], key
        talk = sum(c.talk for c in calls)
        assert got[key][8] == f"{talk / 3600:.1f}"
        assert got[key][9] in ("busy", "normal", "quiet")
        if kp[4] != "—" and float(kp[4][:-1]) < 80:
            assert got[key][9] == "busy"
    shifts = {(r[0], r[1]) for r in doc.table("Busy and idle by shift").rows}
    assert ("day", "sales") in shifts and ("night", "support") in shifts


def test_weekly_work_report_per_day(month: Month) -> None:
    now = at(18, 18)
    with open_store(month, now) as store:
        work = build_work_report(store, Config(), "weekly", date(2026, 10, 14), now, feed_paths=[month.feed])
    doc = work_document(work)
    assert "2026-W42" in doc.title
    rows = doc.table("Workload by day").rows
    assert [r[0] for r in rows] == [(date(2026, 10, 12) + timedelta(days=i)).isoformat() for i in range(7)]
    for r in rows:
        d = date.fromisoformat(r[0])
        assert r[1] == str(sum(1 for c in month.calls if datetime.fromtimestamp(c.entered).date() == d))
    assert len(doc.table("System problems").rows) == 2


# ----------------------------------------------------------------------------- CLI and xlsx


def test_cli_monthly_xlsx_has_the_expected_cells(month: Month, tmp_path: Path) -> None:
    out = tmp_path / "monthly.xlsx"
    db = tmp_path / "copy.db"
    db.write_bytes(month.db.read_bytes())
    args = ["--db", str(db), "report", "monthly", "--month", "2026-10", "--feed", str(month.feed)]
    assert main([*args, "--format", "xlsx", "-o", str(out), "--as", "Lin Mei"]) == 0
    assert out.stat().st_mode & 0o777 == 0o600
    wb = load_workbook(out)
    ws = wb["Service level and abandon by"]
    assert [c.value for c in ws[3]][:7] == ["week", "offered", "answered", "abandoned", "exited", "SL", "abandon rate"]
    oct_calls = [c for c in month.calls if in_october(c.entered)]
    first_week = [c for c in oct_calls if week_index(datetime.fromtimestamp(c.entered).date()) == 0]
    kp = expected_kpis(first_week)
    row = [c.value for c in ws[4]]
    assert row[0].startswith("W1 ")
    assert row[1:5] == [int(x) for x in kp[:4]]  # numbers, not text
    assert row[5] == pytest.approx(float(kp[4][:-1]) / 100, abs=0.0006)
    assert ws.cell(4, 6).number_format == "0.0%"
    last = [c.value for c in ws[4 + 5]]
    assert last[0] == "Month" and last[1] == len(oct_calls)
    summary = wb.worksheets[0]
    assert summary["A1"].value == "Monthly service-quality analysis report: 2026-10"
    with Store(db) as store:
        assert [a.target for a in store.list_audit(action="report.export")] == ["monthly:2026-10"]
    # marking it sent from the CLI
    assert main([*args, "--mark-sent", "--sent-to", "Director Zhou", "--as", "Lin Mei"]) == 0
    with Store(db) as store:
        assert [s.sent_to for s in store.list_reports_sent("monthly", "2026-10")] == ["Director Zhou"]


def test_cli_coverage_csv_and_refusals(month: Month, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "copy.db"
    db.write_bytes(month.db.read_bytes())
    args = ["--db", str(db), "report", "coverage", "--month", "2026-10", "--feed", str(month.feed)]
    assert main([*args, "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("\ufeff")
    # without a layout, who is covered comes from the feed: every agent who answered a call
    section = out.split("## Not inspected yet this month")[1].split("## ")[0]
    assert section.splitlines()[1:3] == ["agent", "SIP/1006"]
    assert ",'-" not in out  # "nothing" is not guarded as a formula
    assert main([*args, "--day", "2026-10-01"]) == 2
    assert "--day does not go with report coverage" in capsys.readouterr().err
    assert main([*args, "--format", "xlsx"]) == 2
    assert "give -o FILE" in capsys.readouterr().err
    assert main(["--db", str(db), "report", "coverage", "--month", "2026-13"]) == 2
    assert "2026-13" in capsys.readouterr().err
    assert main(["--db", str(db), "report", "daily", "--mark-sent"]) == 2
