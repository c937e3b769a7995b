"""Browser tests: headless Chromium (Playwright's sync API) against pytest-django's ``live_server``.

- ``browser`` (session): one Chromium for the whole run, the system's ``/usr/bin/chromium``
  (Playwright's own browser download is not used). Missing: skipped on a laptop, a failure
  under ``CI=true`` (``skip_or_fail``).
- ``page`` (per test): a fresh context (no cookies, English, 1280 px wide) on the live
  server. A test fails if the page throws a JavaScript error or the server answers 5xx.
  When the test fails, the page as it was is saved as ``FAILED.png`` and ``FAILED.html``.
- ``sign_in(page, user)``: signs in through /accounts/login/ as a person would.
- ``shot("what")``: a full-page screenshot, ``test-results/e2e/<test>/<nn>-<what>.png``
  (gitignored), one per important step, so that a run can be looked at afterwards.

Tests here are marked ``e2e`` and ``django_db(transaction=True)`` (``live_server``
serves from another thread, which must see the test's committed rows).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from casework.models import User
from tests.conftest import skip_or_fail
from tests.e2e.menu import open_user_menu

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# the test's own database queries (SynchronousOnlyOperation). Set before any test runs.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "e2e"
# Generous for a loaded CI machine; a passing step takes milliseconds.
TIMEOUT_MS = 10_000
PASSWORD = "password"  # the personas' password (tests/conftest.py)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test, so that ``page`` knows at teardown whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is not installed (Debian: apt-get install chromium; or make chromium)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError as exc:  # pragma: no cover - it is in requirements-dev.txt
        skip_or_fail(f"playwright is not installed: {exc}")
    expect.set_options(timeout=TIMEOUT_MS)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    except Exception as exc:
        playwright.stop()
        skip_or_fail(f"Chromium at {CHROMIUM} does not start: {exc}")
    yield chromium
    chromium.close()
    playwright.stop()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:100]


@pytest.fixture
def shots_dir(request: pytest.FixtureRequest) -> Path:
    """This test's screenshot folder, emptied first (a rerun does not mix its pictures with the last one's)."""
    folder = RESULTS / _slug(request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def page(browser: Browser, live_server: Any, request: pytest.FixtureRequest, shots_dir: Path) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-CA",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} from {response.request.method} {response.url}")
            if response.status >= 500
            else None
        ),
    )
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        try:
            page.screenshot(path=shots_dir / "FAILED.png", full_page=True)
            (shots_dir / "FAILED.html").write_text(page.content(), encoding="utf-8")
        except Exception:  # noqa: S110 - the test's own failure is what matters
            pass
    context.close()
    if problems and not (failed is not None and failed.failed):
        pytest.fail("The browser saw problems:\n" + "\n".join(problems))


@pytest.fixture
def shot(page: Page, shots_dir: Path) -> Callable[[str], Path]:
    """``shot("order issued")``: a full-page screenshot of this step, numbered in the order taken."""
    taken = 0

    def take(what: str) -> Path:
        nonlocal taken
        taken += 1
        path = shots_dir / f"{taken:02d}-{_slug(what)}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


@pytest.fixture
def sign_in() -> Callable[[Page, User], Page]:
    """Sign in through the sign-in page as ``user`` (password: the personas'), landing on the investigations."""

    def sign_in_as(page: Page, user: User, password: str = PASSWORD) -> Page:
        from playwright.sync_api import expect

        page.goto("/accounts/login/")
        expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/investigations/$"))
        open_user_menu(page)  # signing out is in the header's user menu
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        expect(page.get_by_role("navigation", name="Main navigation")).to_contain_text(user.username)
        page.keyboard.press("Escape")
        return page

    return sign_in_as
