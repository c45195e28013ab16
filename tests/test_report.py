"""Shift report: numbers from a simulated day agree with the stats fold; every format; CLI."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from floorconsole.cli import main
from floorconsole.config import Config, Thresholds, os_account
from floorconsole.identity import Actor
from floorconsole.replay import fold_files
from floorconsole.report import build_report, resolve_shift, summarize_feed
from floorconsole.report_output import render
from floorconsole.simulator import simulator_for
from floorconsole.store import ComplaintDraft, HandoverItemDraft, Store

DAY_START = datetime(2026, 11, 23, 8, 0).timestamp()
DAY_END = datetime(2026, 11, 23, 16, 0).timestamp()
KEY = "2026-11-23 day"
ME = Actor("Lin Mei", "lin", "pts/1")
NEXT = Actor("Zhao Lei", "zhao", "pts/7")


@pytest.fixture(scope="module")
def feed(tmp_path_factory) -> Path:
    """A simulated floor from 07:00 to 17:00 (the day shift plus an hour either side)."""
    path = tmp_path_factory.mktemp("feed") / "queue_log"
    sim = simulator_for(seed=11)
    t0 = datetime(2026, 11, 23, 7, 0).timestamp()
    with open(path, "w") as f:
        for line in sim.lines_between(t0, DAY_END + 3600):
            f.write(line + "\n")
    return path


def raw_counts(path: Path, start: float, end: float) -> dict[str, int]:
    """An independent count straight from the lines (DOMAIN.md's verbs): a call counts in
    the window its ENTERQUEUE is in, its outcome with it (an orphan, by its own time)."""
    out = {"offered": 0, "answered": 0, "abandoned": 0, "exited": 0}
    verbs = {
        "ENTERQUEUE": "offered",
        "CONNECT": "answered",
        "ABANDON": "abandoned",
        "EXITWITHTIMEOUT": "exited",
        "EXITWITHKEY": "exited",
        "EXITEMPTY": "exited",
    }
    entered: dict[str, int] = {}
    for line in path.read_text().splitlines():
        p = line.split("|")
        if p[4] == "ENTERQUEUE":
            entered[p[1]] = int(p[0])
        when = entered.get(p[1], int(p[0]))
        if start <= when < end and p[4] in verbs:
            out[verbs[p[4]]] += 1
    return out


def test_report_numbers_agree_with_the_stats_fold(feed: Path) -> None:
    th = Thresholds()
    summary = summarize_feed([feed], th, DAY_START, DAY_END)
    ref = fold_files([feed], th, window_start=DAY_START, window_end=DAY_END)  # what `stats` folds
    names = sorted(q for q in ref.queues if q != "NONE")
    assert [m.queue for m in summary.queues] == names
    for m in summary.queues:
        r = ref.measures(m.queue, DAY_END)
        assert m == r
    total = ref.measures_total(DAY_END)
    assert summary.total == total
    assert total.offered > 1000  # a real day, not an empty window
    raw = raw_counts(feed, DAY_START, DAY_END)
    assert (total.offered, total.answered, total.abandoned, total.exited) == tuple(raw.values())
    # Eight full hours, adding up to the shift.
    assert len(summary.hours) == 8
    assert sum(h.measures.offered for h in summary.hours) == total.offered
    assert sum(h.measures.answered_within_sl for h in summary.hours) == total.answered_within_sl
    assert all(h.peak_waiting >= 0 for h in summary.hours) and max(h.peak_waiting for h in summary.hours) > 0
    for h in summary.hours:
        assert h.measures.offered == raw_counts(feed, h.start, h.start + 3600)["offered"]


def test_peak_waiting_counts_callers_waiting_at_once(tmp_path: Path) -> None:
    t = datetime(2026, 11, 23, 9, 0).timestamp()
    lines = [f"{int(t) + i}|c{i}|sales|NONE|ENTERQUEUE||100{i}|1" for i in range(3)]
    lines += [f"{int(t) + 10}|c0|sales|NONE|ABANDON|1|1|10"]
    lines += [f"{int(t) + 3700}|d1|support|NONE|ENTERQUEUE||2001|1"]
    feed = tmp_path / "q"
    feed.write_text("\n".join(lines) + "\n")
    s = summarize_feed([feed], Thresholds(), DAY_START, DAY_END)
    peaks = {datetime.fromtimestamp(h.start).hour: h.peak_waiting for h in s.hours}
    assert peaks[9] == 3
    assert peaks[10] == 3  # two still in sales plus one in support


def records(db: Path) -> None:
    clock_t = [DAY_START + 3600]
    store = Store(db, clock=lambda: clock_t[0])
    store.ensure_shift(KEY, "day", DAY_START, DAY_END, "Lin Mei")
    e = store.raise_escalation("c-1", "SIP/1001", "sales", "[bold]refund[/bold] | now", ME, caller="+8613812345679")
    store.resolve_escalation(e.id, "callback", ME, due=DAY_END + 3600, note="engineer visit")
    store.record_complaint(
        ComplaintDraft(
            problem="Router broken twice",
            wants="A new router",
            customer_name="Li Wei",
            phone="13812345679",
            agent="SIP/1001",
            company_at_fault=True,
            apology_given=True,
            reported_to="Manager Wang",
        ),
        ME,
        e.id,
    )
    store.add_patrol_note("SIP/1002", ME, items=["phone"], text='=HYPERLINK("x")', follow_up=True)
    store.add_praise("SIP/1003", "calmed an angry caller about a lost parcel", "kept the customer with us", ME)
    clock_t[0] = DAY_END - 600
    ho = store.create_handover(KEY, "2026-11-23 evening", [HandoverItemDraft("notice", "New policy Monday")], ME)
    clock_t[0] = DAY_END + 60
    store.acknowledge_item(ho.id, ho.items[0].id, NEXT)
    store.close()


def test_report_sections_and_formats(tmp_path: Path, feed: Path) -> None:
    db = tmp_path / "r.db"
    records(db)
    config = Config(supervisor="Lin Mei", db_path=db)
    store = Store(db)
    shift = resolve_shift(config, KEY, DAY_END + 7200)
    report = build_report(store, config, shift, DAY_END + 7200, feed_paths=[feed], findings=True)
    md = render(report, "md")
    assert f"| All queues | {report.feed.total.offered:d} |" in md
    # calls needing an apology, under the rule in force (issue 10)
    assert "needing apology" in md and "apology after 6 rings (30 s, hotline rule)" in md
    assert report.feed.total.answered_past_apology > 0
    assert (
        md.split("| All queues |")[1].split("\n")[0].rstrip(" |").endswith(str(report.feed.total.answered_past_apology))
    )
    assert "•" in md and "13812345679" not in md and "8613812345679" not in md
    assert "\\[bold\\]refund\\[/bold\\] \\| now" in md  # literal: brackets and pipe escaped
    assert "callback due 2026-11-23 17:00; engineer visit" in md
    assert "Li Wei" in md and "callback due 2026-11-23 17:00" in md
    assert "Lin Mei" in md and "NOT RECEIVED" in md
    assert f"seq {store.head().seq}, sha256 {store.head().hash}" in md
    assert "calmed an angry caller" in md
    rows = list(csv.reader(io.StringIO(render(report, "csv"))))
    assert rows[2][:1] == ["## Queue KPIs"]
    kpi_total = next(r for r in rows if r and r[0] == "All queues")
    assert kpi_total[1] == str(report.feed.total.offered)
    assert any(c.startswith("'=HYPERLINK") for r in rows for c in r)  # formula kept as text
    page = render(report, "html")
    assert (
        page.count("<svg") == 1
        and "<script" not in page.lower()
        and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
    assert "[bold]refund[/bold] | now" in page
    only = render(report, "md", complaints_only=True)
    assert "Daily complaint summary" in only and "Queue KPIs" not in only and "Li Wei" in only
    store.close()


def run_cli(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_report_cli_writes_each_format_and_audits(tmp_path: Path, feed: Path, capsys) -> None:
    db = tmp_path / "r.db"
    records(db)
    for fmt in ("md", "csv", "html"):
        out = tmp_path / f"rep.{fmt}"
        code, _, err = run_cli(
            capsys,
            "report",
            "--db",
            str(db),
            "--shift",
            KEY,
            "--format",
            fmt,
            "--out",
            str(out),
            "--feed",
            str(feed),
            "--as",
            "Zhao Lei",
        )
        assert code == 0, err
        assert out.exists() and (out.stat().st_mode & 0o777) == 0o600
    code, text, _ = run_cli(capsys, "report", "--db", str(db), "--shift", KEY, "--complaints-only")
    assert code == 0 and "Daily complaint summary" in text and "Queue KPIs" not in text
    audit = (
        sqlite3.connect(db)
        .execute("SELECT action, actor, target, detail FROM audit WHERE action = 'report.export'")
        .fetchall()
    )
    assert len(audit) == 4 and audit[0][1] == "Zhao Lei" and audit[0][2] == f"shift:{KEY}"
    assert "complaint summary as md to stdout" in audit[-1][3]
    code, _, err = run_cli(capsys, "report", "--db", str(db), "--shift", "2026-11-23 lunch")
    assert code == 2 and "no shift named" in err
    code, _, err = run_cli(capsys, "report", "--db", str(db), "--feed", str(tmp_path / "missing"))
    assert code == 1 and "not found" in err


def test_report_without_feed_says_so(tmp_path: Path, capsys) -> None:
    db = tmp_path / "r.db"
    records(db)
    code, text, _ = run_cli(capsys, "report", "--db", str(db), "--shift", KEY)
    assert code == 0 and "no feed file given or configured" in text


def test_report_agrees_with_floorconsole_stats_json(tmp_path: Path, capsys) -> None:
    """A feed holding exactly the day shift: `stats --json` on the file is the reference."""
    feed = tmp_path / "day_queue_log"
    sim = simulator_for(seed=23)
    with open(feed, "w") as f:
        for line in sim.lines_between(DAY_START, DAY_END):
            f.write(line + "\n")
    code, out, err = run_cli(capsys, "stats", "--feed", str(feed), "--json")
    assert code == 0, err
    ref = json.loads(out)["queues"]
    db = tmp_path / "r.db"
    Store(db).close()  # the report reads an existing database (a missing one is refused)
    code, text, err = run_cli(capsys, "report", "--db", str(db), "--shift", KEY, "--format", "csv", "--feed", str(feed))
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(text)))
    start = rows.index(
        [
            "queue",
            "offered",
            "answered",
            "abandoned",
            "exited",
            "SL",
            "abandon rate",
            "ASA",
            "AHT",
            "peak wait",
            "needing apology",
        ]
    )
    got = {r[0]: r for r in rows[start + 1 :] if r and r[0] in ref}
    assert set(got) == set(ref)
    for q, r in ref.items():
        fmt = lambda v, suffix: "—" if v is None else f"{v:.{1 if suffix == '%' else 0}f}{suffix}"  # noqa: E731
        assert got[q][1:5] == [str(r["offered"]), str(r["answered"]), str(r["abandoned"]), str(r["exited"])]
        assert got[q][5:10] == [
            fmt(r["service_level"], "%"),
            fmt(r["abandon_rate"], "%"),
            fmt(r["asa_s"], "s"),
            fmt(r["aht_s"], "s"),
            fmt(r["max_wait_s"], "s"),
        ]
    # And exactly, number for number, through the report's own data.
    config = Config(db_path=db)
    store = Store(db)
    rep = build_report(store, config, resolve_shift(config, KEY, DAY_END), DAY_END, feed_paths=[feed])
    store.close()
    for m in rep.feed.queues:
        r = ref[m.queue]
        assert (m.offered, m.answered, m.abandoned, m.exited, m.answered_within_sl) == (
            r["offered"],
            r["answered"],
            r["abandoned"],
            r["exited"],
            r["answered_within_sl"],
        )
        for key, v in (
            ("service_level", m.service_level),
            ("abandon_rate", m.abandon_rate),
            ("asa_s", m.asa_s),
            ("aht_s", m.aht_s),
            ("max_wait_s", m.max_wait_s),
        ):
            assert r[key] == pytest.approx(v, abs=0.01) if v is not None else r[key] is None


def test_report_names_agents_from_the_layout(tmp_path: Path, feed: Path) -> None:
    from floorconsole.layout import FloorLayout, SeatPlace

    db = tmp_path / "r.db"
    records(db)
    config = Config(supervisor="Lin Mei", db_path=db)
    layout = FloorLayout(
        tuple(
            SeatPlace(f"A0{i}", "A", i, f"SIP/100{i}", name, ("sales",))
            for i, name in ((1, "Wang Fang"), (2, "Li Wei"), (3, "Zhou Bo"))
        )
    )
    store = Store(db)
    shift = resolve_shift(config, KEY, DAY_END + 7200)
    md = render(
        build_report(store, config, shift, DAY_END + 7200, feed_paths=[feed], layout=layout, findings=True), "md"
    )
    for named in ("Wang Fang (SIP/1001)", "Li Wei (SIP/1002)", "Zhou Bo (SIP/1003)"):
        assert named in md  # escalations, patrol findings, praise
    plain = render(build_report(store, config, shift, DAY_END + 7200, feed_paths=[feed]), "md")
    assert "Wang Fang" not in plain and "SIP/1001" in plain


# --- issue 9 item 14: feed/user text is inert in the Markdown report and in --json ---

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "[click me](javascript:alert(1))",
    "**urgent** `rm -rf` ![x](http://evil/x.png)",
]


def test_markdown_report_escapes_html_and_markdown_in_user_text(tmp_path: Path, capsys) -> None:
    db = tmp_path / "r.db"
    with Store(db) as store:
        for i, reason in enumerate(HOSTILE):
            store.raise_escalation(f"c{i}", "SIP/1001", "sales", reason, ME)
        store.add_entry("notice", "# not a heading\n- nor a list", ME)
    code, out, _ = run_cli(capsys, "--db", str(db), "report", "--format", "md", "--shift", "current")
    assert code == 0
    for raw in ("<script", "<img", "<iframe", "[click me](", "**urgent**", "![x]("):
        assert raw not in out, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "\\[click me\\](javascript:alert(1))" in out


def test_json_output_escapes_c1_controls_and_bidi_overrides(tmp_path: Path, capsys) -> None:
    import json

    db = tmp_path / "r.db"
    body = "refund \u202eevil\u202c and \x85next \u2066iso\u2069 \x9b31m"
    with Store(db) as store:
        store.add_entry("notice", body, ME)
        store.raise_escalation("c1", "SIP/1001", "sales", body, ME)
    for argv in (["log", "list", "--json"], ["escalations", "list", "--json"]):
        code, out, _ = run_cli(capsys, "--db", str(db), *argv)
        assert code == 0
        for ch in "\u202e\u202c\x85\u2066\u2069\x9b":
            assert ch not in out, (argv, hex(ord(ch)))
        assert "\\u202e" in out and "\\u0085" in out
        rows = json.loads(out)
        assert (rows[0].get("body") or rows[0].get("reason")) == body  # same value, escaped


def test_stats_json_escapes_controls_from_the_feed(tmp_path: Path, capsys) -> None:
    feed = tmp_path / "queue_log"
    feed.write_text("1795000000|c1|sal\u202ees|NONE|ENTERQUEUE||13800000004|1\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "stats", "--feed", str(feed), "--json")
    assert code == 0 and "\u202e" not in out and "sal\\u202ees" in out


def test_report_has_the_duty_log_and_inspections_and_a_bom_csv(tmp_path: Path, capsys) -> None:
    """Issue 10: the report carries the shift's duty log and quality inspections (the fifth
    score is adaptability, 接待客户应变能力), and its CSV opens in Excel on Chinese Windows."""
    db = tmp_path / "r.db"
    records(db)
    store = Store(db, clock=lambda: DAY_START + 7200)
    first = store.add_entry("equipment", "耳机 A07 有杂音，已报修", ME)
    store.correct_entry(first.seq, "耳机 A08 有杂音，已报修", ME)
    store.add_inspection(
        "SIP/1004",
        "c-77",
        dict(service_language=5, attitude=4, tone=4, needs=3, composure=2),
        "slow to adapt when the caller changed topic",
        ME,
    )
    store.close()
    config = Config(supervisor="Lin Mei", db_path=db)
    store = Store(db)
    report = build_report(store, config, resolve_shift(config, KEY, DAY_END + 7200), DAY_END + 7200)
    store.close()
    for fmt in ("md", "csv", "html"):
        text = render(report, fmt)
        assert "Duty log" in text and "耳机 A07 有杂音，已报修" in text and "#1" in text, fmt
        assert "Quality inspections" in text and "Adaptability 接待客户应变能力" in text, fmt
        assert "slow to adapt" in text and "Composure" not in text, fmt
    text = render(report, "csv")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    cols = next(r for r in rows if r and r[0] == "agent" and "total" in r)
    row = next(r for r in rows if r and "c-77" in r)
    assert row[cols.index("Adaptability 接待客户应变能力")] == "2" and row[cols.index("total")] == "18"
    out = tmp_path / "rep.csv"
    code, _, err = run_cli(capsys, "report", "--db", str(db), "--shift", KEY, "--format", "csv", "--out", str(out))
    assert code == 0, err
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_findings_against_a_person_stay_out_of_the_shared_report(tmp_path: Path, feed: Path) -> None:
    """Praise in public, correct in private (DOMAIN.md): the shared report counts the patrol
    findings and leaves them out; a supervisor asks for them with --findings, a viewer cannot."""
    db = tmp_path / "r.db"
    records(db)
    config = Config(supervisor="Lin Mei", db_path=db)
    with Store(db) as store:
        shift = resolve_shift(config, KEY, DAY_END + 7200)
        shared = build_report(store, config, shift, DAY_END + 7200, feed_paths=[feed])
        full = build_report(store, config, shift, DAY_END + 7200, feed_paths=[feed], findings=True)
    for fmt in ("md", "csv", "html"):
        text = render(shared, fmt)
        assert "HYPERLINK" not in text and "kept out of this shared report" in text
        assert "calmed an angry caller" in text  # praise stays public
        assert "HYPERLINK" in render(full, fmt)
    me = os_account()
    cfg = tmp_path / "viewer.toml"
    cfg.write_text(f'[store]\ndb = "{db}"\n[people.{me}]\nname = "Guest"\nrole = "viewer"\n')
    assert main(["--config", str(cfg), "report", "--shift", KEY, "--findings"]) == 2
    cfg.write_text(f'[store]\ndb = "{db}"\n[people.{me}]\nname = "Lin Mei"\nrole = "supervisor"\n')
    out = tmp_path / "full.md"
    assert main(["--config", str(cfg), "report", "--shift", KEY, "--findings", "--out", str(out)]) == 0
    assert "HYPERLINK" in out.read_text()
    with Store(db) as store:
        (audit,) = [a for a in store.list_audit() if a.action == "report.export"][-1:]
        assert "with patrol findings" in audit.detail
