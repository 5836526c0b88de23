"""Losing the database primary loses nothing (issue 19): two Muster nodes on a pg_auto_failover formation (a monitor,
a primary and its synchronous standby: tests/failover/pg_auto_failover.py, real `pg_autoctl` processes on loopback
ports), given the multi-host URL `postgres://…@127.0.0.1:P1,127.0.0.1:P2/muster?target_session_attrs=read-write`.

While devices provision over HTTP and MQTT on both nodes and an import job runs, the primary goes away: a planned
`pg_autoctl perform failover`, then a `kill -9` of the primary's node. Afterwards every provisioning answered SUCCESS
exists with the credentials it returned (its re-send returns them), no name exists twice, the import pauses through
the outage and completes with every row stored once, both nodes serve again without a restart, and no request got a wrong answer: only SUCCESS, or
503 with Retry-After (MQTT: a FAILURE naming the outage), which the devices retry. The outage each node's clients saw
(first refusal to first success after it) is printed."""
from __future__ import annotations

import json
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, MusterServer, log_dir, server_binary
from muster_compat import wait_for

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "failover"))
from pg_auto_failover import PgAutoFailover  # noqa: E402

TIMEOUT = 15.0
# A device retries a refused request this often, as firmware would.
RETRY_PAUSE = 0.1
IMPORT_ROWS = 100_000


class Node:
    """One `muster serve` process on the formation's multi-host URL."""

    def __init__(self, name: str, url: str):
        self.name = name
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"muster-failover-{name}-"))
        self.server = MusterServer(server_binary(), self.data_dir, log_dir() / f"server-failover-{name}.log",
                                   extra_args=("--database", url, "--node-name", name,
                                               "--provision-failure-limit", "0", "--login-failure-limit", "0"))
        self._token: str | None = None

    def start(self) -> None:
        self.server.start()
        assert self.server._mqtt_listening.wait(TIMEOUT), self.server.tail()

    @property
    def url(self) -> str:
        return self.server.base_url

    def admin(self) -> dict:
        if self._token is None:
            reply = requests.post(f"{self.url}/api/auth/login",
                                  json={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD}, timeout=TIMEOUT)
            assert reply.status_code == 200, reply.text
            self._token = reply.json()["token"]
        return {"X-Authorization": f"Bearer {self._token}"}

    def get(self, path: str, **kw) -> requests.Response:
        return requests.get(f"{self.url}{path}", headers=self.admin(), timeout=TIMEOUT, **kw)


@pytest.fixture(scope="module")
def formation():
    f = PgAutoFailover()
    try:
        up = f.start()
        print(f"\nFAILOVER formation up in {up:.1f} s: {f.url.split('@')[1]}")
        yield f
    finally:
        f.remove()


@pytest.fixture(scope="module")
def nodes(formation):
    pair = [Node("fo-a", formation.url), Node("fo-b", formation.url)]
    started: list[Node] = []
    try:
        for node in pair:
            node.start()
            started.append(node)
        yield pair
    finally:
        statuses = [(n.name, n.server.stop()) for n in started]
        assert all(status == 0 for _, status in statuses), (statuses, [n.server.tail() for n in started])


def new_profile(node: Node) -> dict:
    key, secret = "fk-" + secrets.token_hex(6), "fs-" + secrets.token_hex(6)
    reply = requests.post(f"{node.url}/api/deviceProfile", headers=node.admin(), timeout=TIMEOUT, json={
        "name": f"failover-{secrets.token_hex(4)}", "type": "DEFAULT", "transportType": "DEFAULT",
        "provisionType": "ALLOW_CREATE_NEW_DEVICES", "provisionDeviceKey": key,
        "profileData": {"configuration": {"type": "DEFAULT"}, "transportConfiguration": {"type": "DEFAULT"},
                        "provisionConfiguration": {"type": "ALLOW_CREATE_NEW_DEVICES",
                                                   "provisionDeviceSecret": secret}}})
    assert reply.status_code == 200, reply.text
    return {"key": key, "secret": secret, "id": reply.json()["id"]["id"]}


def http_provision(node: Node, profile: dict, name: str) -> tuple[str, str | None, str]:
    """('ok', token, '') / ('refused', None, why) / ('wrong', None, what) for one HTTP provisioning."""
    try:
        reply = requests.post(f"{node.url}/api/v1/provision", timeout=TIMEOUT, json={
            "deviceName": name, "provisionDeviceKey": profile["key"], "provisionDeviceSecret": profile["secret"]})
    except requests.RequestException as e:
        return "wrong", None, f"no HTTP answer: {e}"
    if reply.status_code == 200 and reply.json().get("status") == "SUCCESS":
        return "ok", reply.json()["credentialsValue"], ""
    if reply.status_code == 503:
        if not reply.headers.get("Retry-After"):
            return "wrong", None, "503 without Retry-After"
        return "refused", None, reply.text[:200]
    return "wrong", None, f"{reply.status_code} {reply.text[:200]}"


def mqtt_provision(node: Node, profile: dict, name: str) -> tuple[str, str | None, str]:
    """The same over MQTT with mosquitto_rr (a CONNACK refusal or a FAILURE naming the outage is a refusal)."""
    request = json.dumps({"provisionDeviceKey": profile["key"], "provisionDeviceSecret": profile["secret"],
                          "deviceName": name})
    done = subprocess.run(["mosquitto_rr", "-h", "127.0.0.1", "-p", str(node.server.mqtt_port), "-u", "provision",
                           "-t", "/provision/request", "-e", "/provision/response", "-m", request, "-W", "10"],
                          capture_output=True, text=True, timeout=TIMEOUT)
    if done.returncode != 0:
        text = done.stderr.strip()
        if "unavailable" in text.lower():
            return "refused", None, text
        return "wrong", None, f"mosquitto_rr {done.returncode}: {text}"
    answer = json.loads(done.stdout)
    if answer.get("status") == "SUCCESS":
        return "ok", answer["credentialsValue"], ""
    message = str(answer.get("errorMsg", ""))
    if "nothing was stored; retry" in message:
        return "refused", None, message
    return "wrong", None, json.dumps(answer)


class Load:
    """Devices provisioning on both nodes over HTTP and MQTT until stopped; each refused device retries its name
    until it gets SUCCESS, as firmware does. Records every answer with its time."""

    def __init__(self, nodes: list[Node], profile: dict, prefix: str):
        self.profile = profile
        self.prefix = prefix
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.credentials: dict[str, str] = {}
        self.answered: dict[str, tuple[float, str, str]] = {}
        self.wrong: list[str] = []
        self.events: dict[str, list[tuple[float, bool]]] = {n.name: [] for n in nodes}
        self.refusals: list[str] = []
        self.threads = [threading.Thread(target=self._run, args=(node, transport, worker), daemon=True)
                        for node in nodes
                        for transport, workers in (("http", 3), ("mqtt", 1))
                        for worker in range(workers)]

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(TIMEOUT * 3)

    def _run(self, node: Node, transport: str, worker: int) -> None:
        send = http_provision if transport == "http" else mqtt_provision
        number = 0
        while not self.stop.is_set():
            name = f"{self.prefix}-{node.name}-{transport}{worker}-{number:05d}"
            number += 1
            while True:
                outcome, token, detail = send(node, self.profile, name)
                now = time.monotonic()
                with self.lock:
                    if transport == "http":
                        self.events[node.name].append((now, outcome == "ok"))
                    if outcome == "ok":
                        self.answered.setdefault(name, (now, node.name, transport))
                        previous = self.credentials.setdefault(name, token)
                        if previous != token:
                            self.wrong.append(f"{name}: credentials changed from {previous} to {token}")
                    elif outcome == "wrong":
                        self.wrong.append(f"{node.name} {transport} {name}: {detail}")
                    else:
                        self.refusals.append(detail)
                if outcome != "refused" or self.stop.is_set():
                    break
                time.sleep(RETRY_PAUSE)

    def outage(self, node: str) -> tuple[float | None, float]:
        """On `node` over HTTP: seconds from the first refusal to the first success after it, and the longest time
        without any success (what a client waiting on a hung request would see too)."""
        events = sorted(self.events[node])
        first = next((t for t, ok in events if not ok), None)
        back = None if first is None else next((t for t, ok in events if ok and t > first), None)
        successes = [t for t, ok in events if ok]
        gap = max((b - a for a, b in zip(successes, successes[1:])), default=0.0)
        return (None if back is None else back - first), gap


def upload_import(node: Node, prefix: str, rows: int) -> str:
    lines = ["name,type,serial"] + [f"{prefix}-{i:07d},failover-import,SN{i}" for i in range(rows)]
    mapping = {"entityType": "DEVICE", "delimiter": ",", "header": True, "update": False,
               "columns": [{"type": "NAME"}, {"type": "TYPE"}, {"type": "SERVER_ATTRIBUTE", "key": "serial"}]}
    files = {"mapping": (None, json.dumps(mapping), "application/json"),
             "file": ("devices.csv", "\n".join(lines) + "\n", "text/csv")}
    reply = requests.post(f"{node.url}/api/imports", headers=node.admin(), files=files, timeout=120)
    assert reply.status_code == 202, reply.text
    return reply.json()["id"]


def device_count(node: Node, text: str) -> int:
    reply = node.get("/api/tenant/devices", params={"pageSize": 1, "page": 0, "textSearch": text})
    assert reply.status_code == 200, reply.text
    return reply.json()["totalElements"]


def device_names(node: Node, text: str) -> list[str]:
    names: list[str] = []
    page = 0
    while True:
        reply = node.get("/api/tenant/devices", params={"pageSize": 1000, "page": page, "textSearch": text})
        assert reply.status_code == 200, reply.text
        body = reply.json()
        names += [d["name"] for d in body["data"]]
        if not body["hasNext"]:
            return names
        page += 1


def ride_through(formation: PgAutoFailover, nodes: list[Node], what: str, switch) -> None:
    """Runs the load and an import on both nodes, calls `switch()` in the middle, and checks that nothing was lost."""
    a, b = nodes
    # Both nodes serve before the switch (a previous switch left them serving).
    profile = wait_for(lambda: _try(lambda: new_profile(a)), timeout=60, interval=0.5)
    assert profile, "could not create a profile before the switch"
    prefix = f"fo{secrets.token_hex(3)}"
    load = Load(nodes, profile, prefix)
    job_id = upload_import(a, f"{prefix}-imp", rows=IMPORT_ROWS)
    load.start()
    try:
        # The switch comes while the import is committing batches.
        assert wait_for(lambda: a.get(f"/api/imports/{job_id}").json()["created"] > 0 or None, timeout=90,
                        interval=0.2), a.get(f"/api/imports/{job_id}").json()
        time.sleep(0.5)
        before = formation.current_primary()
        switch_began = time.monotonic()
        switched = switch()
        switch_ended = time.monotonic()
        after = formation.current_primary()
        time.sleep(4.0)
        # Each node serves again without a restart: a new device provisions on each.
        for node in nodes:
            assert wait_for(lambda: http_provision(node, profile, f"{prefix}-{node.name}-after")[0] == "ok" or None,
                            timeout=60, interval=0.2), f"{node.name} does not provision after the {what}\n" + \
                node.server.tail()
    finally:
        load.finish()
    assert before != after, f"the primary did not change ({before})"
    assert not load.wrong, load.wrong[:20]
    assert load.credentials, "no provisioning succeeded"

    # Every device answered SUCCESS exists with its credentials: its re-send returns them, on either node.
    for index, (name, token) in enumerate(sorted(load.credentials.items())):
        node = nodes[index % 2]
        outcome, again, detail = http_provision(node, profile, name)
        if not (outcome == "ok" and again == token):
            device = node.get("/api/tenant/devices", params={"deviceName": name}).json()
            pytest.fail(f"{name}: answered SUCCESS with {token} at {load.answered[name]} (switch from {switch_began} "
                        f"to {switch_ended}), now {outcome} {again} {detail}; stored: {device}", pytrace=False)
    names = device_names(a, f"{prefix}-fo-")
    assert len(names) == len(set(names)), "a device exists twice"
    assert set(load.credentials) <= set(names) | {f"{prefix}-{n.name}-after" for n in nodes}

    # The import ended, and its stored rows are its reported rows (none written twice).
    ended = wait_for(lambda: (lambda j: j if j["status"] != "RUNNING" else None)(a.get(f"/api/imports/{job_id}").json()),
                     timeout=180, interval=0.5)
    assert ended, a.get(f"/api/imports/{job_id}").json()
    stored = device_count(a, f"{prefix}-imp")
    assert stored == ended["created"], (stored, ended)
    # It paused during the outage and went on: every row is in, once.
    assert ended["status"] == "DONE" and ended["created"] == IMPORT_ROWS and ended["errors"] == 0, ended

    outages = {n.name: load.outage(n.name) for n in nodes}
    print(f"\nFAILOVER {what}: primary {before} -> {after}, switched in {switched:.1f} s (monitor); "
          f"{len(load.credentials)} devices provisioned over HTTP and MQTT, {len(load.refusals)} refusals retried; "
          f"outage seen by HTTP clients (first 503 to first success; longest time without a success): "
          + ", ".join(f"{k} {'none' if v is None else f'{v:.2f} s'}; {gap:.2f} s" for k, (v, gap) in outages.items())
          + f"; import {ended['status']} with {ended['created']} rows stored"
          + (f" ({ended['failure']})" if ended.get("failure") else ""))


def _try(fn):
    try:
        return fn()
    except (AssertionError, requests.RequestException):
        return None


# Bringing the formation up takes 30 to 90 s on a busy machine, the switch and the checks a minute.
@pytest.mark.timeout(420)
def test_a_planned_failover_loses_nothing(formation, nodes):
    ride_through(formation, nodes, "planned failover", formation.perform_failover)


@pytest.mark.timeout(300)
def test_a_killed_primary_loses_nothing(formation, nodes):
    ride_through(formation, nodes, "kill -9 of the primary", formation.kill_primary)
