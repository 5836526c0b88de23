"""Fixtures for the console's browser tests.

One `muster serve` process per session (fresh data dir, free port, known admin login), one headless Chromium
driven by Selenium, and a screenshot in `.artifacts/` of every failing test.
"""
from __future__ import annotations

import collections
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ARTIFACTS = HERE / ".artifacts"
ADMIN_EMAIL = "tenant@muster.test"
ADMIN_PASSWORD = "console-secret-123"
LISTEN_RE = re.compile(r"http listening on (\S+):(\d+)")
SYSADMIN_RE = re.compile(r"system administrator: (\S+) with password (\S+)")


class MusterServer:
    """A running `muster serve`; its output is drained by a thread into `.artifacts/server.log`."""

    def __init__(self, binary: Path, data_dir: Path):
        self.binary, self.data_dir = binary, data_dir
        self.base_url = ""
        self.proc: subprocess.Popen | None = None
        self.tail_lines: collections.deque[str] = collections.deque(maxlen=60)
        self.listening = threading.Event()
        # The system administrator's login, printed once at the first start.
        self.sysadmin: tuple[str, str] | None = None

    def start(self) -> None:
        env = dict(os.environ, MUSTER_ADMIN_EMAIL=ADMIN_EMAIL, MUSTER_ADMIN_PASSWORD=ADMIN_PASSWORD)
        cmd = [str(self.binary), "serve", "--data-dir", str(self.data_dir), "--host", "127.0.0.1", "--http-port", "0",
               "--mqtt-port", "0", "--mqtts-port", "0", "--coap-port", "0"]
        ARTIFACTS.mkdir(exist_ok=True)
        self.log = open(ARTIFACTS / "server.log", "w", encoding="utf-8", errors="replace")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=env, cwd=str(self.data_dir))
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.listening.wait(0.1):
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"muster exited with {self.proc.returncode} before listening\n{self.tail()}")
        raise RuntimeError(f"muster did not print 'http listening on' within 30 s\n{self.tail()}")

    def _drain(self) -> None:
        for raw in iter(self.proc.stdout.readline, b""):
            line = raw.decode("utf-8", errors="replace")
            self.tail_lines.append(line.rstrip("\n"))
            self.log.write(line)
            self.log.flush()
            system = SYSADMIN_RE.search(line)
            if system:
                self.sysadmin = (system.group(1), system.group(2))
            match = LISTEN_RE.search(line)
            if match and not self.listening.is_set():
                self.base_url = f"http://127.0.0.1:{int(match.group(2))}"
                self.listening.set()

    def tail(self) -> str:
        return "\n".join(self.tail_lines)

    def stop(self) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                return None
        return self.proc.returncode


def pytest_sessionstart(session):
    """Failure screenshots of an earlier run are removed, so that `.artifacts/` shows this run's only."""
    for old in ARTIFACTS.glob("*.png"):
        old.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def server():
    binary = Path(os.environ.get("MUSTER_BIN", str(REPO / ".build" / "debug" / "muster")))
    if not binary.exists():
        pytest.fail(f"server binary {binary} does not exist (run `swift build`, or set MUSTER_BIN)", pytrace=False)
    data_dir = Path(tempfile.mkdtemp(prefix="muster-console-"))
    instance = MusterServer(binary, data_dir)
    try:
        instance.start()
    except RuntimeError as error:
        instance.stop()
        pytest.fail(str(error), pytrace=False)
    yield instance
    status = instance.stop()
    if status == 0:
        shutil.rmtree(data_dir, ignore_errors=True)
    assert status == 0, f"muster exited with {status} after SIGTERM\n{instance.tail()}"


@pytest.fixture(scope="session")
def base_url(server) -> str:
    return server.base_url


class Rest:
    """The REST API as the tenant admin (for checks behind the browser's back)."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        response = requests.post(f"{base_url}/api/auth/login", json={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD}, timeout=10)
        response.raise_for_status()
        self.headers = {"X-Authorization": f"Bearer {response.json()['token']}"}

    def get(self, path: str, **params):
        response = requests.get(f"{self.base_url}{path}", headers=self.headers, params=params, timeout=10)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: dict):
        response = requests.post(f"{self.base_url}{path}", headers=self.headers, json=body, timeout=30)
        assert response.status_code == 200, f"POST {path}: {response.status_code} {response.text}"
        return response.json()


@pytest.fixture(scope="session")
def rest(base_url) -> Rest:
    return Rest(base_url)


def _chromium() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,800", "--lang=en-US", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(15)
    driver.set_script_timeout(15)
    return driver


@pytest.fixture(scope="session")
def driver():
    instance = _chromium()
    yield instance
    instance.quit()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        browser = item.funcargs.get("driver") or item.funcargs.get("console")
        browser = getattr(browser, "driver", browser)
        if browser is not None:
            ARTIFACTS.mkdir(exist_ok=True)
            path = ARTIFACTS / f"{item.name}.png"
            try:
                browser.save_screenshot(str(path))
                report.sections.append(("screenshot", str(path)))
                logs = browser.get_log("browser")
                if logs:
                    report.sections.append(("browser console", "\n".join(str(entry) for entry in logs[-30:])))
            except Exception as error:  # the browser may be gone
                report.sections.append(("screenshot", f"failed: {error}"))
        server = item.funcargs.get("server")
        if server is not None:
            report.sections.append(("muster server output", server.tail()))


# ---- helpers every browser test file shares ----------------------------------------------------------------------

from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

WAIT = 15  # seconds: every wait is bounded
RENDERS = "return (document.getElementById('app') || {dataset: {}}).dataset.renders || '0'"


def wait(driver, timeout=WAIT):
    """A bounded wait that retries when the console re-rendered the elements it was looking at."""
    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,))


def visible(driver, css):
    return wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))


def clickable(driver, css):
    return wait(driver).until(EC.element_to_be_clickable((By.CSS_SELECTOR, css)))


def text_of(driver, css, pattern):
    """Waits until a displayed `css` element's text matches `pattern` and returns that text."""
    regex = re.compile(pattern)

    def check(d):
        for element in d.find_elements(By.CSS_SELECTOR, css):
            if element.is_displayed() and regex.search(element.text):
                return element.text
        return False

    return wait(driver).until(check, f"no {css} matching {pattern!r}")


def click_link(driver, container_css, text):
    """Clicks the link `text` inside `container_css`, finding both again if the list re-renders meanwhile."""
    def attempt(d):
        d.find_element(By.CSS_SELECTOR, container_css).find_element(By.LINK_TEXT, text).click()
        return True
    wait(driver).until(attempt)


SCREENSHOTS = os.environ.get("MUSTER_CONSOLE_SCREENSHOTS")


def shot(driver, name, height=800, scroll_to=None):
    """Saves a README screenshot (1280 wide) when MUSTER_CONSOLE_SCREENSHOTS is set."""
    if not SCREENSHOTS:
        return
    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
    driver.set_window_size(1280, height)
    driver.execute_script("document.getElementById('toasts').replaceChildren(); document.activeElement.blur();"
                          "const e = arguments[0] && document.querySelector(arguments[0]);"
                          "if (e) e.scrollIntoView(); else window.scrollTo(0, 0);", scroll_to)
    driver.save_screenshot(str(Path(SCREENSHOTS) / f"{name}.png"))
    driver.set_window_size(1280, 800)


def wait_rendered(driver):
    """Waits until the console has finished rendering its current route."""
    wait(driver).until(lambda d: d.execute_script(
        "const app = document.getElementById('app'); return app.getAttribute('aria-busy') === 'false' && app.dataset.renders")
                       and d.find_elements(By.ID, "logout"))


def go(driver, base_url, route):
    """Opens `#/route` and waits until the console has rendered it (again, when it is already shown)."""
    if not driver.current_url.startswith(base_url):
        driver.get(f"{base_url}/#/{route}")
    else:
        before = driver.execute_script(RENDERS)
        driver.execute_script(
            "if (location.hash === arguments[0]) window.dispatchEvent(new HashChangeEvent('hashchange'));"
            "else location.hash = arguments[0];", f"#/{route}")
        wait(driver).until(lambda d: d.execute_script(RENDERS) != before)
    wait_rendered(driver)


def log_in(driver, email=ADMIN_EMAIL, password=ADMIN_PASSWORD):
    email_input = visible(driver, "input[name=username]")
    email_input.clear()
    email_input.send_keys(email)
    password_input = driver.find_element(By.CSS_SELECTOR, "input[name=password]")
    password_input.clear()
    password_input.send_keys(password, Keys.ENTER)


@pytest.fixture
def console(driver, base_url):
    """The browser, logged in (through the form when needed, e.g. after the login test logged out)."""
    driver.get(f"{base_url}/")
    if driver.find_elements(By.CSS_SELECTOR, "form.login-card") or not driver.find_elements(By.ID, "logout"):
        log_in(driver)
    visible(driver, "#logout")
    return driver
