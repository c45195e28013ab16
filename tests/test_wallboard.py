"""The wallboard (issue 12): the payload holds exactly the allowed fields and never a run of
5+ digits, `[wallboard]` and the bind/token rules, and the real server on loopback: the
token, one line on refusal, and no caller digit sequence in the page or the websocket
stream while a real feed file grows. Real subprocesses and sockets, no mocks.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import selectors
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from floorconsole.config import Config, ConfigError, Thresholds
from floorconsole.floor import Floor
from floorconsole.layout import layout_from_dict
from floorconsole.shifts import shift_at_epoch
from floorconsole.views import AgentCounts, FloorModel, FloorUpdate, QueueView, SeatView, queue_view, seat_view
from floorconsole.wallboard import payload
from floorconsole.wallboard.settings import (
    MIN_TOKEN_LEN,
    WallboardSettings,
    check_exposure,
    check_lang,
    default_lang,
    is_loopback,
    settings_from_dict,
)

ROOT = Path(__file__).resolve().parents[1]
LONG_DIGITS = re.compile(r"\d{5,}")
TOKEN = "wb-test-token-0a1b2c3d-XYZ"  # no 5-digit run, so a leak would be a plain substring


# ---- a real feed --------------------------------------------------------------------------
def line(t: float, *fields: str) -> str:
    return "|".join([str(int(t)), *fields]) + "\n"


def shift_start(now: float) -> float:
    return shift_at_epoch(Config().shifts, now).start.timestamp()


def caller(i: int) -> str:
    return f"138{i:08d}"  # an 11-digit mobile number


def shift_feed(now: float, n: int = 12, queues: tuple[str, ...] = ("sales", "support")) -> str:
    """Agents logged in to both queues, `n` answered calls and one abandon per queue; every
    caller has an 11-digit number."""
    start = shift_start(now) + 60
    out = []
    for a in ("SIP/1001", "SIP/1002", "PJSIP/13912345678"):
        for q in queues:
            out.append(line(start, "NONE", q, a, "ADDMEMBER", ""))
    for q_i, q in enumerate(queues):
        for i in range(n):
            t = start + 20 * i + q_i
            cid = f"{q}-{i}"
            out += [
                line(t, cid, q, "NONE", "ENTERQUEUE", "", caller(1000 * q_i + i), "1"),
                line(t + 6, cid, q, "SIP/1001", "CONNECT", "6", f"{cid}.1", "2"),
                line(t + 12, cid, q, "SIP/1001", "COMPLETECALLER", "6", "6", "1"),
            ]
        out += [
            line(start + 5, f"{q}-ab", q, "NONE", "ENTERQUEUE", "", caller(9999), "1"),
            line(start + 50, f"{q}-ab", q, "NONE", "ABANDON", "1", "1", "45"),
        ]
    return "".join(out)


def enter(t: float, cid: str, queue: str, number: str) -> str:
    return line(t, cid, queue, "NONE", "ENTERQUEUE", "", number, "1")


# ---- the payload ----------------------------------------------------------------------------
def model_of(text: str, now: float, layout=None) -> FloorModel:  # noqa: ANN001
    floor = Floor(Thresholds(), layout, window_start=shift_start(now))
    floor.feed(text.encode().splitlines())
    model = FloorModel()
    model.apply(
        FloorUpdate(
            seats={a: seat_view(floor, s, now) for a, s in floor.seats.items()},
            queues={q: queue_view(floor, q, now) for q in floor.queues},
        )
    )
    return model


def all_keys(value, path="") -> set[str]:  # noqa: ANN001
    if isinstance(value, dict):
        return {f"{path}.{k}" for k in value} | {x for k, v in value.items() for x in all_keys(v, f"{path}.{k}")}
    if isinstance(value, list):
        return {x for v in value for x in all_keys(v, f"{path}[]")}
    return set()


def test_payload_has_exactly_the_allowed_fields_and_figures() -> None:
    now = time.time()
    text = shift_feed(now) + enter(now - 42, "w1", "sales", "13800138000")
    data = payload.build(model_of(text, now), now, Thresholds())
    assert set(data) == payload.TOP_FIELDS
    assert set(data["targets"]) == payload.TARGET_FIELDS
    assert [q["name"] for q in data["queues"]] == ["sales", "support"]
    for q in data["queues"]:
        assert set(q) == payload.QUEUE_FIELDS
    sales, support = data["queues"]
    assert sales["waiting"] == 1 and 41 <= sales["longest_wait_s"] <= 43 and sales["wait_alert"]  # past 30 s
    assert support["waiting"] == 0 and support["longest_wait_s"] is None and not support["wait_alert"]
    # 12 answered within 15 s, 1 abandoned: SL 12/13, abandon 1/13 (above the 5 % target)
    assert sales["service_level"] == round(100 * 12 / 13, 1) and sales["abandon_rate"] == round(100 / 13, 1)
    assert sales["abandon_alert"] and not sales["sl_alert"]
    assert (sales["available"], sales["on_call"], sales["wrap_up"], sales["paused"]) == (3, 0, 0, 0)
    assert data["feed"] == "backfilling"  # the model has had no status yet
    assert re.fullmatch(r"\d\d:\d\d:\d\d", data["now"])


def test_agent_names_only_when_the_config_allows() -> None:
    now = time.time()
    layout = layout_from_dict(
        {"seat": [{"id": "A01", "row": "A", "pos": 1, "agent": "SIP/1001", "name": "Xu Jing", "queues": ["sales"]}]}
    )
    model = model_of(shift_feed(now), now, layout)
    hidden = payload.encode(payload.build(model, now, Thresholds()))
    assert "Xu Jing" not in hidden and "SIP/1001" not in hidden and "agents" not in hidden
    shown = payload.build(model, now, Thresholds(), show_agents=True)
    sales = shown["queues"][0]
    assert set(sales) == payload.QUEUE_FIELDS | {"agents"}
    assert {a["name"] for a in sales["agents"]} == {"Xu Jing", "SIP/1002", "PJSIP/•••••••5678"}
    assert all(set(a) == payload.AGENT_FIELDS for a in sales["agents"])


def test_no_run_of_five_digits_whatever_the_floor_holds() -> None:
    """Hotline-numbered queues, phone numbers in agent interfaces, callers waiting for days,
    thresholds with many decimals: still no 5-digit run anywhere in the JSON."""
    now = time.time()
    text = shift_feed(now, queues=("10086", "sales")) + enter(now - 3 * 86400, "old", "10086", "13800000001")
    text += enter(now - 5, "w2", "sales", "+86 138 0013 8000")
    th = Thresholds(sl_target_pct=83.3333333, abandon_target_pct=4.123456789, apology_wait_s=30.000001)
    model = model_of(text, now)
    for show_agents in (False, True):
        encoded = payload.encode(payload.build(model, now, th, show_agents=show_agents))
        assert not LONG_DIGITS.search(encoded), encoded
        assert "•0086" in encoded  # the queue is there, masked like every display path


@settings(max_examples=200, deadline=None)
@given(
    name=st.text(max_size=30),
    agent=st.text(max_size=30),
    waiting=st.integers(0, 10**9),
    age=st.floats(allow_nan=True, allow_infinity=True),
    sl=st.one_of(st.none(), st.floats()),
    ab=st.one_of(st.none(), st.floats()),
    count=st.integers(-5, 10**7),
)
def test_no_digit_run_property(name: str, agent: str, waiting: int, age: float, sl, ab, count: int) -> None:  # noqa: ANN001
    now = 1_780_000_000.0
    model = FloorModel()
    oldest = now - age if age == age and abs(age) < 1e12 else None
    model.queues[name] = QueueView(
        name=name,
        waiting_now=waiting,
        oldest_entered=oldest,
        service_level=sl,
        abandon_rate=ab,
        offered=count,
        answered=count,
    )
    model.counts[name] = AgentCounts(available=count, on_call=count, wrap_up=count, paused=count)
    model.seats[agent] = SeatView(
        agent=agent,
        name=agent,
        seat_id="",
        queues=(name,),
        state="ON_CALL",
        since=now,
        call_start=now,
        pause_reason="",
        answered=count,
        ring_no_answer=0,
    )
    encoded = payload.encode(payload.build(model, now, Thresholds(), show_agents=True))
    assert not LONG_DIGITS.search(encoded)
    json.loads(encoded)


# ---- settings and the bind rule ---------------------------------------------------------------
def test_wallboard_settings_from_toml(tmp_path: Path) -> None:
    (tmp_path / "wb.token").write_text(TOKEN + "\n")
    s = settings_from_dict(
        {
            "wallboard": {
                "bind": "0.0.0.0",
                "port": 9000,
                "token_file": "wb.token",
                "show_agents": True,
                "lang": "zh-CN",
                "max_rate_hz": 2,
            }
        },
        tmp_path,
    )
    assert (s.bind, s.port, s.token, s.show_agents, s.lang, s.max_rate_hz) == (
        "0.0.0.0",
        9000,
        TOKEN,
        True,
        "zh_CN",
        2.0,
    )
    assert TOKEN not in repr(s) and TOKEN not in str(s)
    assert settings_from_dict({}, tmp_path) == WallboardSettings()
    assert WallboardSettings().show_agents is False and WallboardSettings().bind == "127.0.0.1"
    for bad in (
        {"port": 70000},
        {"show_agents": "yes"},
        {"lang": "fr"},
        {"colour": 1},
        {"token": "a", "token_file": "b"},
        {"token_file": "missing.token"},
        {"max_rate_hz": 0},
    ):
        with pytest.raises(ConfigError):
            settings_from_dict({"wallboard": bad}, tmp_path)


def test_lang_default_follows_the_locale() -> None:
    assert default_lang({"LANG": "zh_CN.UTF-8"}) == "zh_CN"
    assert default_lang({"LANG": "en_GB.UTF-8"}) == "en"
    assert default_lang({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US"}) == "zh_CN"
    assert default_lang({}) == "en"
    assert check_lang("zh_CN.UTF-8") == "zh_CN" and check_lang("en_US") == "en"


def test_bind_rules() -> None:
    for host in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"):
        assert is_loopback(host), host
        assert check_exposure(WallboardSettings(bind=host)) is None
    for host in ("0.0.0.0", "::", "", "192.168.1.20", "no-such-host.invalid"):
        assert not is_loopback(host), host
        assert "without a token" in (check_exposure(WallboardSettings(bind=host)) or "")
        assert check_exposure(WallboardSettings(bind=host, token="x" * MIN_TOKEN_LEN)) is None
    short = check_exposure(WallboardSettings(bind="0.0.0.0", token="hunter2"))
    assert short and "too short" in short and "hunter2" not in short


# ---- the real server -----------------------------------------------------------------------
def start_wallboard(
    tmp_path: Path, *extra: str, env_extra: dict | None = None, config: str | None = None
) -> tuple[subprocess.Popen, int]:
    """`floorconsole wallboard` on the feed in `tmp_path`, on a free loopback port."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env_extra or {})}
    env.pop("FLOORCONSOLE_WALLBOARD_TOKEN", None) if not env_extra else None
    argv = [sys.executable, "-m", "floorconsole", "--db", str(tmp_path / "floor.db")]
    if config is not None:
        (tmp_path / "config.toml").write_text(config)
        argv += ["--config", str(tmp_path / "config.toml")]
    argv += ["wallboard", "--feed", str(tmp_path / "queue_log"), "--port", "0", *extra]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    port = read_port(proc)
    return proc, port


def read_port(proc: subprocess.Popen, timeout: float = 30.0) -> int:
    sel = selectors.DefaultSelector()
    assert proc.stderr is not None
    sel.register(proc.stderr, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        if not sel.select(timeout=0.2):
            if proc.poll() is not None:
                break
            continue
        text = proc.stderr.readline()
        if not text:
            break
        seen.append(text)
        m = re.search(r"serving http://[^ ]*:(\d+)/", text)
        if m:
            proc.seen_stderr = "".join(seen)  # type: ignore[attr-defined]
            return int(m.group(1))
    proc.kill()
    raise AssertionError(f"the wallboard did not start: {''.join(seen)}")


def stop(proc: subprocess.Popen) -> tuple[str, str]:
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    err = getattr(proc, "seen_stderr", "") + err
    assert proc.returncode == 0, err
    return out, err


def http_get(url: str, headers: dict | None = None) -> tuple[int, str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def test_refuses_a_lan_address_without_a_token_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "queue_log").write_text("")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("FLOORCONSOLE_WALLBOARD_TOKEN", None)
    for argv in (["--bind", "0.0.0.0"], ["--bind", "::"]):
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "floorconsole",
                "--db",
                str(tmp_path / "f.db"),
                "wallboard",
                "--feed",
                str(tmp_path / "queue_log"),
                "--port",
                "0",
                *argv,
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert r.returncode == 2
        assert r.stderr.count("\n") == 1 and "refusing to listen" in r.stderr and "Traceback" not in r.stderr
    (tmp_path / "short.token").write_text("hunter2")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "floorconsole",
            "--db",
            str(tmp_path / "f.db"),
            "wallboard",
            "--feed",
            str(tmp_path / "queue_log"),
            "--bind",
            "0.0.0.0",
            "--token-file",
            str(tmp_path / "short.token"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert r.returncode == 2 and "too short" in r.stderr and "hunter2" not in r.stderr


def test_the_token_guards_the_board_and_never_shows_in_output(tmp_path: Path) -> None:
    now = time.time()
    (tmp_path / "queue_log").write_text(shift_feed(now))
    (tmp_path / "wb.token").write_text(TOKEN)
    proc, port = start_wallboard(tmp_path, "--token-file", str(tmp_path / "wb.token"))
    try:
        base = f"http://127.0.0.1:{port}"
        for path in ("/", "/snapshot.json", "/ws"):
            assert http_get(base + path)[0] == 403
            assert http_get(base + path + "?token=wrong-token-wrong-token")[0] == 403
            assert http_get(base + path + "?token=" + TOKEN[:-1])[0] == 403
        status, html = http_get(base + "/?token=" + TOKEN)
        assert status == 200 and "<html" in html and TOKEN not in html
        assert http_get(base + "/snapshot.json", {"Authorization": f"Bearer {TOKEN}"})[0] == 200
        assert http_get(base + "/snapshot.json", {"X-Wallboard-Token": TOKEN})[0] == 200
        assert http_get(base + "/static/wallboard.js")[0] == 200  # code, no data: no token needed
        assert http_get(base + "/static/../snapshot.json")[0] in (403, 404)
    finally:
        out, err = stop(proc)
    assert TOKEN not in out + err
    assert "?token=<token>" in err


def test_a_config_token_is_required_on_loopback_too(tmp_path: Path) -> None:
    (tmp_path / "queue_log").write_text(shift_feed(time.time()))
    proc, port = start_wallboard(tmp_path, config=f'[wallboard]\ntoken = "{TOKEN}"\nlang = "zh_CN"\n')
    try:
        assert http_get(f"http://127.0.0.1:{port}/snapshot.json")[0] == 403
        status, html = http_get(f"http://127.0.0.1:{port}/?token={TOKEN}")
        assert status == 200 and 'lang="zh-CN"' in html and "服务水平" in html
    finally:
        stop(proc)


async def ws_collect(url: str, until, timeout: float = 30.0) -> list[str]:  # noqa: ANN001
    """Messages of the board's websocket until `until(messages)` holds."""
    import aiohttp

    messages: list[str] = []
    async with aiohttp.ClientSession(trust_env=False) as session, session.ws_connect(url) as ws:
        deadline = time.monotonic() + timeout
        while not until(messages):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"not reached in {timeout} s; last: {messages[-1:]}")
            msg = await ws.receive(timeout=left)
            if msg.type != aiohttp.WSMsgType.TEXT:
                raise AssertionError(f"websocket ended: {msg}")
            messages.append(msg.data)
    return messages


def test_no_caller_digits_reach_the_page_or_the_stream_as_the_feed_grows(tmp_path: Path) -> None:
    now = time.time()
    feed = tmp_path / "queue_log"
    feed.write_text(shift_feed(now))
    proc, port = start_wallboard(tmp_path, "--lang", "en", config="[wallboard]\nshow_agents = true\n")
    numbers = [caller(i) for i in range(2000)] + ["13800138000", "8613912345678"]
    try:
        base = f"http://127.0.0.1:{port}"
        pages = [http_get(base + p)[1] for p in ("/", "/static/wallboard.js", "/static/wallboard.css")]

        def waiting(n: int):  # noqa: ANN202
            def ok(messages: list[str]) -> bool:
                return bool(messages) and any(
                    q["name"] == "sales" and q["waiting"] == n for q in json.loads(messages[-1])["queues"]
                )

            return ok

        async def scenario() -> list[str]:
            first = await ws_collect(base.replace("http", "ws") + "/ws", waiting(0))
            with open(feed, "a") as f:
                for i, number in enumerate(("13800138000", "8613912345678", "+86 139 1234 5678")):
                    f.write(enter(time.time() - i, f"new{i}", "sales", number))
            grown = await ws_collect(base.replace("http", "ws") + "/ws", waiting(3))
            return first + grown

        messages = asyncio.run(scenario())
        snapshot = http_get(base + "/snapshot.json")[1]
    finally:
        stop(proc)
    for text in [*pages, *messages, snapshot]:
        assert not LONG_DIGITS.search(text), text[:300]
        for number in numbers:
            assert number not in text
    last = json.loads(messages[-1])
    assert all(set(q) == payload.QUEUE_FIELDS | {"agents"} for q in last["queues"])
