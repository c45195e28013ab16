"""Wallboard: feed append -> visible in the browser (target p95 <= 1 s), and what ten tabs
on a 5,000-seat floor cost the server (CPU, RSS).

A real `floorconsole wallboard` process follows a real queue_log file holding a
5,000-seat floor (20 queues); a writer subprocess keeps the floor busy at `--rate` lines a
second. Headless Chromium (Debian's chromium + chromedriver, via Selenium) opens the board.
A probe caller is appended to (then abandoned from) the `probe` queue again and again; the
page is watched on every animation frame until its "waiting" figure shows it, and the
latency is browser-shown time - append time (same machine, same wall clock). Phase 1 runs
with one tab, phase 2 with `--tabs` tabs open. The server's CPU (utime+stime from /proc)
and RSS are read over each phase; a websocket client counts pushes and payload bytes.

    .venv/bin/python benchmarks/wallboard.py [--seats 5000] [--tabs 10] [--rate 200] [--samples 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from floorconsole.config import Config
from floorconsole.shifts import shift_at_epoch

ROOT = Path(__file__).resolve().parents[1]
QUEUES = [f"q{i:02d}" for i in range(20)]

WRITER = r"""
import sys, time
path, rate, seats = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
queues = [f"q{i:02d}" for i in range(20)]
f = open(path, "ab", buffering=0)
t0 = time.monotonic()
open_call = {}
i = 0
while True:
    due = t0 + i / rate * 3  # three lines per step
    delay = due - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    a = i % seats
    agent, q, now = f"SIP/{1000 + a}", queues[a % 20], int(time.time())
    out = []
    if a in open_call:
        out.append(f"{now}|{open_call.pop(a)}|{q}|{agent}|COMPLETECALLER|3|20|1\n")
    cid = f"load-{i}"
    out.append(f"{now}|{cid}|{q}|NONE|ENTERQUEUE||1380013{i % 10000:04d}|1\n")
    out.append(f"{now}|{cid}|{q}|{agent}|CONNECT|3|{cid}.1|2\n")
    open_call[a] = cid
    f.write("".join(out).encode())
    i += 1
"""


def backfill(path: Path, seats: int, now: float) -> None:
    start = shift_at_epoch(Config().shifts, now).start.timestamp() + 60
    lines = []
    for a in range(seats):
        agent = f"SIP/{1000 + a}"
        lines.append(f"{int(start)}|NONE|{QUEUES[a % 20]}|{agent}|ADDMEMBER|\n")
        if a % 50 == 0:
            lines.append(f"{int(start)}|NONE|probe|{agent}|ADDMEMBER|\n")
    span = max(60.0, now - 120 - start)
    for i in range(seats * 4):  # about four finished calls a seat so far this shift
        t = int(start + span * i / (seats * 4))
        a = i % seats
        q, agent, cid = QUEUES[a % 20], f"SIP/{1000 + a}", f"old-{i}"
        lines += [
            f"{t}|{cid}|{q}|NONE|ENTERQUEUE||1391234{i % 10000:04d}|1\n",
            f"{t + 5}|{cid}|{q}|{agent}|CONNECT|5|{cid}.1|2\n",
            f"{t + 60}|{cid}|{q}|{agent}|COMPLETEAGENT|5|55|1\n",
        ]
    path.write_text("".join(lines))


def proc_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss_mb(pid: int) -> float:
    m = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(m.group(1)) / 1024 if m else float("nan")


def percentile(values: list[float], pct: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(pct / 100 * len(s)) - 1))]


WATCH_JS = """
const [expected, done] = [arguments[0], arguments[arguments.length - 1]];
const t0 = performance.now();
function look() {
  const el = document.querySelector('[data-queue="probe"] [data-field="waiting"] .value');
  if (el && el.textContent === expected) { done(Date.now()); return; }
  if (performance.now() - t0 > 20000) { done(-1); return; }
  requestAnimationFrame(look);
}
look();
"""


def measure(drv, feed: Path, samples: int, state: dict) -> list[float]:  # noqa: ANN001
    out = []
    for _ in range(samples):
        k = state["n"]
        state["n"] += 1
        t_write = time.time()
        with open(feed, "a") as f:
            if k % 2 == 0:
                f.write(f"{int(t_write)}|probe-{k}|probe|NONE|ENTERQUEUE||13800000000|1\n")
                expected = "1"
            else:
                f.write(f"{int(t_write)}|probe-{k - 1}|probe|NONE|ABANDON|1|1|2\n")
                expected = "0"
        shown = drv.execute_async_script(WATCH_JS, expected)
        if shown < 0:
            print(f"  probe {k}: not shown within 20 s", file=sys.stderr)
            continue
        out.append(shown / 1000 - t_write)
        time.sleep(0.7)
    return out


class PushCounter:
    """A websocket client on the board: pushes and bytes received."""

    def __init__(self, url: str) -> None:
        self.url, self.count, self.bytes, self.last = url, 0, 0, ""
        self._stop = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)
        self.thread.start()

    async def _run(self) -> None:
        import aiohttp

        async with aiohttp.ClientSession(trust_env=False) as s, s.ws_connect(self.url) as ws:
            while not self._stop.is_set():
                try:
                    msg = await ws.receive(timeout=0.5)
                except TimeoutError:
                    continue
                if msg.type != aiohttp.WSMsgType.TEXT:
                    return
                self.count += 1
                self.bytes += len(msg.data.encode())
                self.last = msg.data

    def stop(self) -> None:
        self._stop.set()
        self.thread.join(5)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seats", type=int, default=5000)
    ap.add_argument("--tabs", type=int, default=10)
    ap.add_argument("--rate", type=float, default=200.0, help="background feed lines a second")
    ap.add_argument("--samples", type=int, default=20, help="probes per phase")
    args = ap.parse_args(argv)
    browser, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (browser and driver):
        print("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")
        return 2
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        feed = tmp_path / "queue_log"
        t = time.monotonic()
        backfill(feed, args.seats, time.time())
        print(
            f"floor: {args.seats} seats, {len(QUEUES)} queues, backfill {feed.stat().st_size / 1e6:.1f} MB "
            f"written in {time.monotonic() - t:.1f} s; background load {args.rate:.0f} lines/s"
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("FLOORCONSOLE_WALLBOARD_TOKEN", None)
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "floorconsole",
                "--db",
                str(tmp_path / "floor.db"),
                "wallboard",
                "--feed",
                str(feed),
                "--port",
                "0",
                "--lang",
                "en",
            ],
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        assert server.stderr is not None
        line = server.stderr.readline()
        m = re.search(r":(\d+)/", line)
        if not m:
            print("wallboard did not start:", line, server.stderr.read())
            return 1
        url = f"http://127.0.0.1:{m.group(1)}/"
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(feed), str(args.rate), str(args.seats)])
        options = webdriver.ChromeOptions()
        options.binary_location = browser
        for arg in (
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--window-size=1600,900",
            "--no-proxy-server",
            "--disable-background-timer-throttling",
            "--disable-renderer-backgrounding",
            "--disable-backgrounding-occluded-windows",
        ):
            options.add_argument(arg)
        drv = webdriver.Chrome(service=Service(executable_path=driver), options=options)
        drv.set_script_timeout(30)
        counter = None
        try:
            t = time.monotonic()
            drv.get(url)
            drv.execute_async_script(WATCH_JS, "0")
            print(
                f"board up with the whole floor {time.monotonic() - t:.1f} s after the page was opened "
                f"(backfill of the shift included)"
            )
            counter = PushCounter(url.replace("http", "ws") + "ws")
            state = {"n": 0}
            results = {}
            for phase, tabs in (("1 tab", 1), (f"{args.tabs} tabs", args.tabs)):
                if tabs > 1:
                    first = drv.current_window_handle
                    for _ in range(tabs - 1):
                        drv.switch_to.new_window("tab")
                        drv.get(url)
                    drv.switch_to.window(first)
                    time.sleep(2)
                cpu0, wall0, pushes0, bytes0 = proc_cpu_s(server.pid), time.monotonic(), counter.count, counter.bytes
                lat = measure(drv, feed, args.samples, state)
                cpu1, wall1 = proc_cpu_s(server.pid), time.monotonic()
                span = wall1 - wall0
                results[phase] = (
                    lat,
                    (cpu1 - cpu0) / span * 100,
                    proc_rss_mb(server.pid),
                    (counter.count - pushes0) / span,
                    (counter.bytes - bytes0) / max(1, counter.count - pushes0),
                )
            print(
                f"\n{'phase':<9} {'n':>3} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'server CPU':>10} "
                f"{'RSS MB':>7} {'pushes/s':>8} {'payload B':>9}"
            )
            for phase, (lat, cpu, rss, rate, size) in results.items():
                if not lat:
                    print(f"{phase:<9} no probe was shown")
                    continue
                print(
                    f"{phase:<9} {len(lat):>3} {percentile(lat, 50) * 1000:>7.0f} {percentile(lat, 95) * 1000:>7.0f} "
                    f"{max(lat) * 1000:>7.0f} {cpu:>9.1f}% {rss:>7.0f} {rate:>8.1f} {size:>9.0f}"
                )
            worst = max((percentile(lat, 95) for lat, *_ in results.values() if lat), default=float("inf"))
            print(f"\ntarget p95 <= 1000 ms: {'met' if worst <= 1.0 else 'MISSED'} (worst p95 {worst * 1000:.0f} ms)")
        finally:
            if counter is not None:
                counter.stop()
            drv.quit()
            writer.kill()
            server.terminate()
            server.wait(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
