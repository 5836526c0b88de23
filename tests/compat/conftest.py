"""Session fixtures for the ThingsBoard-SDK compatibility suite.

Starts the Muster binary once per test session on a free port with a fresh data directory, and hands the tests
SDK clients that are logged in as the tenant administrator.
"""
from __future__ import annotations

import collections
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO / ".build" / "debug" / "muster"

ADMIN_EMAIL = "tenant@muster.test"
ADMIN_PASSWORD = "tenant-secret-123"

LISTEN_RE = re.compile(r"http listening on (\S+):(\d+)")
COAP_LISTEN_RE = re.compile(r"coap listening on (\S+):(\d+)")
MQTT_LISTEN_RE = re.compile(r"mqtt listening on (\S+):(\d+)")
# `mqtts listening on HOST:PORT (made a self-signed certificate PATH)` on the first start, `(self-signed certificate
# PATH)` later, `(certificate PATH)` with --tls-cert/--tls-key; PATH may be relative to the server's working directory.
MQTTS_LISTEN_RE = re.compile(r"mqtts listening on (\S+):(\d+) "
                             r"\((?:made a self-signed certificate|self-signed certificate|certificate) (.+)\)\s*$")
STARTUP_TIMEOUT = 30.0
SHUTDOWN_TIMEOUT = 10.0
LOG_TAIL_LINES = 60


class MusterServer:
    """A running `muster serve` process whose output is drained by a thread into a log file."""

    def __init__(self, binary: Path, data_dir: Path, log_path: Path, extra_args: tuple[str, ...] = ()):
        self.binary = binary
        self.extra_args = list(extra_args)
        self.data_dir = data_dir
        self.log_path = log_path
        self.base_url: str | None = None
        self.coap_port: int | None = None
        self._coap_listening = threading.Event()
        self.mqtt_port: int | None = None
        self._mqtt_listening = threading.Event()
        self.mqtts_port: int | None = None
        self.mqtts_cert: Path | None = None
        self._mqtts_listening = threading.Event()
        self.proc: subprocess.Popen | None = None
        self._tail: collections.deque[str] = collections.deque(maxlen=LOG_TAIL_LINES)
        self._listening = threading.Event()
        self._reader: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        env = dict(os.environ)
        env["MUSTER_ADMIN_EMAIL"] = ADMIN_EMAIL
        env["MUSTER_ADMIN_PASSWORD"] = ADMIN_PASSWORD
        cmd = [str(self.binary), "serve", "--data-dir", str(self.data_dir),
               "--host", "127.0.0.1", "--http-port", "0",
               "--coap-port", "0", "--mqtt-port", "0", "--mqtts-port", "0"] + self.extra_args
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w", encoding="utf-8", errors="replace")
        self._log.write("$ " + " ".join(cmd) + "\n")
        self._log.flush()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=env, cwd=str(self.data_dir))
        self._reader = threading.Thread(target=self._drain, name="muster-stdout", daemon=True)
        self._reader.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self._listening.wait(0.1):
                return
            if self.proc.poll() is not None:
                self._reader.join(2)
                raise RuntimeError(f"muster exited with status {self.proc.returncode} before listening\n"
                                   + self.tail())
        raise RuntimeError(f"muster did not print 'http listening on HOST:PORT' within {STARTUP_TIMEOUT:.0f} s\n"
                           + self.tail())

    def _drain(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for raw in iter(self.proc.stdout.readline, b""):
            line = raw.decode("utf-8", errors="replace")
            with self._lock:
                self._tail.append(line.rstrip("\n"))
                self._log.write(line)
                self._log.flush()
            if not self._mqtt_listening.is_set():
                m = MQTT_LISTEN_RE.search(line)
                if m:
                    self.mqtt_port = int(m.group(2))
                    self._mqtt_listening.set()
            if not self._mqtts_listening.is_set():
                m = MQTTS_LISTEN_RE.search(line)
                if m:
                    self.mqtts_port = int(m.group(2))
                    cert = Path(m.group(3))
                    # the process runs with cwd=data_dir (see start()), so a relative path is relative to it
                    self.mqtts_cert = cert if cert.is_absolute() else (self.data_dir / cert)
                    self._mqtts_listening.set()
            if not self._coap_listening.is_set():
                m = COAP_LISTEN_RE.search(line)
                if m:
                    self.coap_port = int(m.group(2))
                    self._coap_listening.set()
            if not self._listening.is_set():
                m = LISTEN_RE.search(line)
                if m:
                    self.base_url = f"http://127.0.0.1:{int(m.group(2))}"
                    self._listening.set()
        with self._lock:
            self._log.flush()

    def tail(self) -> str:
        with self._lock:
            lines = list(self._tail)
        return f"--- last {len(lines)} lines of server output ({self.log_path}) ---\n" + "\n".join(lines)

    def stop(self) -> int | None:
        """SIGTERM, wait; returns the exit status, or None if it had to be killed."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(SHUTDOWN_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                if self._reader:
                    self._reader.join(2)
                self._log.close()
                return None
        if self._reader:
            self._reader.join(5)
        self._log.close()
        return self.proc.returncode


_server: MusterServer | None = None


def server_binary() -> Path:
    binary = Path(os.environ.get("MUSTER_BIN", str(DEFAULT_BIN)))
    if not binary.exists():
        pytest.fail(f"server binary {binary} does not exist (build it, or set MUSTER_BIN)", pytrace=False)
    return binary


def log_dir() -> Path:
    return Path(os.environ.get("MUSTER_COMPAT_LOG_DIR", str(Path(__file__).resolve().parent / ".logs")))


def start_server(name: str, *args: str, data_dir: Path | None = None) -> MusterServer:
    """A server of the test's own (`muster serve ARGS`, its log `<log dir>/NAME.log`), started, or the test fails
    with its output. Stop it with `stop()` (0 when it shut down cleanly)."""
    server = MusterServer(server_binary(), data_dir or Path(tempfile.mkdtemp(prefix=f"{name}-")),
                          log_dir() / f"{name}.log", extra_args=args)
    try:
        server.start()
    except RuntimeError as e:
        server.stop()
        pytest.fail(str(e), pytrace=False)
    return server


def admin_headers(base: str) -> dict:
    """The tenant admin's `X-Authorization` header at `base`, from `POST /api/auth/login`."""
    import requests

    reply = requests.post(f"{base}/api/auth/login", json={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
                          timeout=30)
    assert reply.status_code == 200, reply.text
    return {"X-Authorization": f"Bearer {reply.json()['token']}"}


@pytest.fixture(scope="session")
def muster_server():
    global _server
    binary = server_binary()
    data_dir = Path(tempfile.mkdtemp(prefix="muster-compat-"))
    # The shared server's failure limiters are off: many tests send wrong secrets (and some wrong passwords) on
    # purpose, and their count must never turn an unrelated test's request into a 429. The limiters are tested on
    # servers of their own (test_provisioning_muster.py; the login limiter in Tests/MusterAppTests).
    # MUSTER_COMPAT_DATABASE_URL (an empty PostgreSQL database) runs the shared server on PostgreSQL instead of
    # SQLite: scripts/test.sh runs the suite's core files a second time that way.
    database = os.environ.get("MUSTER_COMPAT_DATABASE_URL")
    server = MusterServer(binary, data_dir, log_dir() / ("server-postgres.log" if database else "server.log"),
                          extra_args=("--provision-failure-limit", "0", "--login-failure-limit", "0")
                          + (("--database", database) if database else ()))
    _server = server
    try:
        server.start()
    except RuntimeError as e:
        server.stop()
        pytest.fail(str(e), pytrace=False)
    yield server
    _server = None
    status = server.stop()
    tail = server.tail()
    if status == 0:
        shutil.rmtree(data_dir, ignore_errors=True)
    assert status is not None, f"muster did not exit within {SHUTDOWN_TIMEOUT:.0f} s of SIGTERM (killed)\n{tail}"
    assert status == 0, f"muster exited with status {status} after SIGTERM\n{tail}"


@pytest.fixture(scope="session")
def base_url(muster_server) -> str:
    return muster_server.base_url


@pytest.fixture(scope="session")
def coap_port(muster_server) -> int:
    """The UDP port of the server's CoAP listener (`coap listening on HOST:PORT`)."""
    if not muster_server._coap_listening.wait(STARTUP_TIMEOUT):
        pytest.fail("muster did not print 'coap listening on HOST:PORT'\n" + muster_server.tail(), pytrace=False)
    return muster_server.coap_port


@pytest.fixture(scope="session")
def mqtt_port(muster_server) -> int:
    """The TCP port of the server's plain MQTT listener (`mqtt listening on HOST:PORT`)."""
    if not muster_server._mqtt_listening.wait(STARTUP_TIMEOUT):
        pytest.fail("muster did not print 'mqtt listening on HOST:PORT'\n" + muster_server.tail(), pytrace=False)
    return muster_server.mqtt_port


@pytest.fixture(scope="session")
def mqtts_port(muster_server) -> int:
    """The TCP port of the server's MQTT-over-TLS listener (`mqtts listening on HOST:PORT (... certificate PATH)`)."""
    if not muster_server._mqtts_listening.wait(STARTUP_TIMEOUT):
        pytest.fail("muster did not print 'mqtts listening on HOST:PORT (... certificate PATH)'\n"
                    + muster_server.tail(), pytrace=False)
    return muster_server.mqtts_port


@pytest.fixture(scope="session")
def server_ca_file(muster_server, mqtts_port) -> str:
    """The TLS listener's (self-signed) server certificate as announced on the mqtts line, usable as `ca_certs`."""
    path = muster_server.mqtts_cert
    assert path is not None and path.is_file(), f"announced server certificate {path} is not a file"
    return str(path)


@pytest.fixture(scope="session")
def rest(base_url):
    """tb-rest-client's RestClient, logged in as the tenant admin (refresh thread not started)."""
    from tb_rest_client.rest_client import RestClient

    client = RestClient(base_url=base_url)
    client.login(username=ADMIN_EMAIL, password=ADMIN_PASSWORD)
    assert client.get_token(), "login did not yield a token"
    yield client
    client.stop()


@pytest.fixture(scope="session")
def ce(base_url):
    """tb-ce-client's ThingsboardClient (pydantic-strict models), logged in as the tenant admin."""
    from tb_ce_client import ThingsboardClient

    client = ThingsboardClient(base_url, username=ADMIN_EMAIL, password=ADMIN_PASSWORD)
    yield client
    client.close()


@pytest.fixture(scope="session")
def run_id() -> str:
    """Random per test run, used in names, provision keys and secrets."""
    return secrets.token_hex(4)


@pytest.fixture(scope="session")
def libcoap_client() -> str:
    """libcoap's command-line client; run.sh installs it, so its absence fails the tests that need it."""
    path = shutil.which("coap-client-notls") or shutil.which("coap-client")
    assert path, "libcoap's coap-client-notls is not installed (tests/compat/run.sh installs libcoap3-bin)"
    return path


@pytest.fixture(scope="session")
def mosquitto_clients() -> str:
    """mosquitto_pub (and _sub, _rr); run.sh installs them, so their absence fails the tests that need them."""
    path = shutil.which("mosquitto_pub")
    assert path, "mosquitto_pub is not installed (tests/compat/run.sh installs mosquitto-clients)"
    return path


def pytest_sessionfinish(session, exitstatus):
    """A skipped test fails the run: every tool the suite needs is installed by run.sh, so nothing may skip."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped and session.exitstatus == 0:
        session.exitstatus = 1
        if reporter:
            reporter.write_line(f"FAILED: {skipped} test(s) skipped; the suite allows no skips", red=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed and _server is not None:
        rep.sections.append(("muster server output", _server.tail()))


# ----------------------------------------------------------------------------------------------------------------
# Device profiles shared by several test modules (created once per run; key and secret random per run).
# ----------------------------------------------------------------------------------------------------------------

def _create_profile(rest, run_id: str, provision_type: str, tag: str) -> dict:
    from muster_compat import device_profile

    info = {
        "name": f"compat-{tag}-{run_id}",
        "key": f"key-{tag}-{secrets.token_hex(8)}",
        "secret": f"secret-{tag}-{secrets.token_hex(8)}",
        "provision_type": provision_type,
    }
    saved = rest.save_device_profile(device_profile(info["name"], provision_type, info["key"], info["secret"]))
    info["saved"] = saved
    info["id"] = saved.id.id
    return info


@pytest.fixture(scope="session")
def allow_profile(rest, run_id) -> dict:
    """Profile with provisionType ALLOW_CREATE_NEW_DEVICES: dict(name, key, secret, id, saved)."""
    return _create_profile(rest, run_id, "ALLOW_CREATE_NEW_DEVICES", "allow")


@pytest.fixture(scope="session")
def check_profile(rest, run_id) -> dict:
    """Profile with provisionType CHECK_PRE_PROVISIONED_DEVICES: dict(name, key, secret, id, saved)."""
    return _create_profile(rest, run_id, "CHECK_PRE_PROVISIONED_DEVICES", "check")
