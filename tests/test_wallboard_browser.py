"""The wallboard in a real browser: headless Chromium (Debian's `chromium` and its
`chromedriver`, driven by Selenium; nothing downloaded) loads the page from a real
`floorconsole wallboard` process, sees the figures change as lines are appended to the
real feed file, and a screenshot goes to docs/screenshots/wallboard.png.

Skipped, with the reason, when chromium or chromedriver is not installed (.ci/run installs
them when it runs as root with apt available).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from support.waiting import wait_for
from test_wallboard import LONG_DIGITS, TOKEN, caller, enter, line, shift_feed, start_wallboard, stop

ROOT = Path(__file__).resolve().parents[1]
# The README's picture is refreshed only when asked (FLOORCONSOLE_SCREENSHOTS=1), so a test
# run never leaves the work tree changed; otherwise the screenshot is taken all the same.
SCREENSHOT = ROOT / "docs" / "screenshots" / "wallboard.png"


def find_browser() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


def open_browser(width: int = 1600, height: int = 900):  # noqa: ANN201
    """Headless Chromium under Selenium, or a skip saying what is missing."""
    found = find_browser()
    if found is None:
        pytest.skip(
            "chromium and chromedriver are not installed (apt-get install chromium chromium-driver); "
            ".ci/run installs them when run as root"
        )
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (pip install -e '.[test]')")
    browser, driver = found
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={width},{height}",
        "--no-proxy-server",
        "--lang=en-US",
    ):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)


def figure(drv, queue: str, field: str) -> str:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    els = drv.find_elements(By.CSS_SELECTOR, f'[data-queue="{queue}"] [data-field="{field}"] .value')
    return els[0].text if els else ""


def fig_class(drv, queue: str, field: str) -> str:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    els = drv.find_elements(By.CSS_SELECTOR, f'[data-queue="{queue}"] [data-field="{field}"]')
    return els[0].get_attribute("class") if els else ""


def test_the_board_in_a_browser_follows_the_feed(tmp_path: Path) -> None:
    drv = open_browser()
    now = time.time()
    feed = tmp_path / "queue_log"
    text = shift_feed(now, n=14, queues=("sales", "support", "vip"))
    # a paused agent, someone in wrap-up, an agent on a call in vip
    text += line(now - 300, "NONE", "support", "SIP/1002", "PAUSE", "lunch")
    text += enter(now - 200, "v1", "vip", caller(777)) + line(
        now - 190, "v1", "vip", "SIP/1001", "CONNECT", "10", "v1.1", "2"
    )
    feed.write_text(text)
    (tmp_path / "wb.token").write_text(TOKEN)
    proc, port = start_wallboard(tmp_path, "--token-file", str(tmp_path / "wb.token"), "--lang", "en")
    try:
        drv.get(f"http://127.0.0.1:{port}/?token={TOKEN}")
        wait_for(lambda: figure(drv, "sales", "waiting") == "0", timeout=30, what="the board shows sales")
        assert figure(drv, "vip", "on_call") == "1"
        assert figure(drv, "support", "paused") == "1"
        assert figure(drv, "sales", "longest_wait") == "—"
        # callers arrive: the page follows the file
        with open(feed, "a") as f:
            f.write(enter(time.time() - 47, "n1", "sales", "13800138000"))
            f.write(enter(time.time() - 3, "n2", "sales", "13912345678"))
            f.write(enter(time.time() - 8, "n3", "support", "+86 138 0013 8000"))
        wait_for(lambda: figure(drv, "sales", "waiting") == "2", timeout=20, what="two waiting in sales")
        assert figure(drv, "support", "waiting") == "1"
        # the longest wait ticks in the page and is past the 30 s apology threshold: red
        first = figure(drv, "sales", "longest_wait")
        assert re.fullmatch(r"0:4\d|0:5\d", first), first
        assert "alert" in fig_class(drv, "sales", "longest_wait")
        wait_for(lambda: figure(drv, "sales", "longest_wait") != first, timeout=5, what="the wait ticking")
        # service level above target shows green; the abandon rate above 5 % red
        assert "ok" in fig_class(drv, "sales", "service_level") and re.fullmatch(
            r"\d+\.\d", figure(drv, "sales", "service_level")
        )
        assert "alert" in fig_class(drv, "sales", "abandon_rate")
        # one is answered: the figures move again
        with open(feed, "a") as f:
            f.write(line(time.time(), "n1", "sales", "SIP/1002", "CONNECT", "47", "n1.1", "2"))
        wait_for(lambda: figure(drv, "sales", "waiting") == "1", timeout=20, what="one answered")
        wait_for(
            lambda: figure(drv, "sales", "on_call") == "2", timeout=20, what="a second agent on a call"
        )  # 1001 in vip
        wait_for(
            lambda: "alert" not in fig_class(drv, "sales", "longest_wait"),
            timeout=5,
            what="the waiting caller left is young",
        )
        html = drv.page_source
        assert not LONG_DIGITS.search(html)
        for number in ("13800138000", "13912345678", "8000", caller(777)):
            assert number not in html
        time.sleep(0.5)  # let the clock tick once more for the picture
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOT if os.environ.get("FLOORCONSOLE_SCREENSHOTS") == "1" else tmp_path / "wallboard.png"
        assert drv.save_screenshot(str(shot)) and shot.stat().st_size > 1000
    finally:
        drv.quit()
        stop(proc)
    assert SCREENSHOT.stat().st_size > 10_000


def test_a_wrong_token_shows_no_figures_in_the_browser(tmp_path: Path) -> None:
    drv = open_browser(800, 600)
    (tmp_path / "queue_log").write_text(shift_feed(time.time()))
    (tmp_path / "wb.token").write_text(TOKEN)
    proc, port = start_wallboard(tmp_path, "--token-file", str(tmp_path / "wb.token"))
    try:
        drv.get(f"http://127.0.0.1:{port}/?token=not-the-token-at-all")
        assert "403" in drv.page_source and "sales" not in drv.page_source
    finally:
        drv.quit()
        stop(proc)
