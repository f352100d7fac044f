"""The web leaderboard in a real browser: headless Chromium (Debian's chromium and
chromium-driver, which .ci/run installs) driven by Selenium against the real aiohttp app on a
loopback port. The page loads, shows the right names in the right order, renders hostile names
as text (no script runs, the DOM holds the literal text), and fits a phone's screen with no
horizontal scroll. Screenshots are saved under test-artifacts/ (ignored by git)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import Dojo
from tests.web_support import HIDDEN, IMAGE, SCRIPT, VISIBLE, page_on, seed, web_client

CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _missing() -> str | None:
    if _chromium() is None:
        return "no chromium on PATH (apt-get install chromium chromium-driver; .ci/run does)"
    if not CHROMEDRIVER.exists():
        return f"no {CHROMEDRIVER} (apt-get install chromium-driver; .ci/run does)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=str(_missing()))


@pytest.fixture
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    binary = _chromium()
    assert binary is not None
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", "--window-size=1280,1000"):  # fmt: skip
        options.add_argument(argument)
    # An explicit driver path: Selenium Manager (which would download one) never runs.
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _screenshot(driver: object, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    assert driver.save_screenshot(str(path))  # type: ignore[attr-defined]
    print(f"screenshot: {path}")
    return path


def _board_names(driver: object, board: str) -> list[str]:
    from selenium.webdriver.common.by import By

    cells = driver.find_elements(By.CSS_SELECTOR, f"#{board} td.name")  # type: ignore[attr-defined]
    return [cell.get_attribute("textContent") for cell in cells]


async def _open(driver: object, url: str) -> None:
    """Selenium blocks: load in a thread so the aiohttp app on this loop can answer."""
    import asyncio

    await asyncio.to_thread(driver.get, url)  # type: ignore[attr-defined]


async def test_the_page_in_chromium_shows_names_in_order_and_hostile_names_as_text(
    sqlite_dojo: Dojo, browser: object
) -> None:
    import asyncio

    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    await seed(sqlite_dojo)
    path = await page_on(sqlite_dojo)
    driver = browser
    async with web_client(sqlite_dojo) as client:
        await _open(driver, str(client.make_url(path)))
        assert "Web study group" in driver.title  # type: ignore[attr-defined]
        expected = [display for _, display, _ in VISIBLE]
        for board in ("week", "month", "all"):
            names = await asyncio.to_thread(_board_names, driver, board)
            assert names == expected, board
        text = await asyncio.to_thread(
            lambda: driver.find_element(By.TAG_NAME, "body").text  # type: ignore[attr-defined]
        )
        for _, display, _ in HIDDEN:
            assert display not in text
        # The hostile names are text in the DOM, not elements: no <script> or <img> of theirs,
        # no alert, and the onerror payload never ran (it would have changed the title).
        assert driver.find_elements(By.TAG_NAME, "script") == []  # type: ignore[attr-defined]
        assert driver.find_elements(By.TAG_NAME, "img") == []  # type: ignore[attr-defined]
        assert driver.title != "pwned"  # type: ignore[attr-defined]
        with pytest.raises(NoAlertPresentException):
            driver.switch_to.alert.text  # type: ignore[attr-defined]  # noqa: B018
        assert SCRIPT in text and IMAGE in text
        # The style sheet loaded under the strict CSP (a table with fixed layout).
        layout = driver.execute_script(  # type: ignore[attr-defined]
            "return getComputedStyle(document.querySelector('table')).tableLayout"
        )
        assert layout == "fixed"
        shot = _screenshot(driver, "web-board-desktop.png")
        assert shot.stat().st_size > 5_000


async def test_the_page_fits_a_phone_without_horizontal_scroll(
    sqlite_dojo: Dojo, browser: object
) -> None:
    import asyncio

    from selenium.webdriver.common.by import By

    await seed(sqlite_dojo)
    path = await page_on(sqlite_dojo)
    driver = browser
    driver.set_window_size(390, 844)  # type: ignore[attr-defined]
    # The viewport itself is 390 px wide, whatever the window's borders take.
    inner = driver.execute_script("return window.innerWidth")  # type: ignore[attr-defined]
    if inner != 390:
        width = 390 + (390 - inner)
        driver.set_window_size(width, 844)  # type: ignore[attr-defined]
    async with web_client(sqlite_dojo) as client:
        await _open(driver, str(client.make_url(path)))
        scroll, viewport = driver.execute_script(  # type: ignore[attr-defined]
            "return [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert viewport == 390
        assert scroll <= viewport, f"the page scrolls sideways: {scroll} px in {viewport} px"
        # The board is readable: every row's name cell is on screen and at least 100 px wide,
        # its text at least 14 px.
        cells = driver.find_elements(By.CSS_SELECTOR, "#week td.name")  # type: ignore[attr-defined]
        assert len(cells) == len(VISIBLE)
        for cell in cells:
            box = cell.rect
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport
            assert box["width"] >= 100
        size = driver.execute_script(  # type: ignore[attr-defined]
            "return parseFloat(getComputedStyle(document.querySelector('td.name')).fontSize)"
        )
        assert size >= 14
        names = await asyncio.to_thread(_board_names, driver, "week")
        assert names == [display for _, display, _ in VISIBLE]
        _screenshot(driver, "web-board-phone.png")
