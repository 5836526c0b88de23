"""Two Muster nodes on one PostgreSQL database (issue 13), as real processes on real sockets.

Two `muster serve --database URL --node-name …` processes share a PostgreSQL cluster of this module's own
(tests/compat/postgres_cluster.py) and serve one installation: what one node writes, the other serves at once —
provisioning (50 identical requests split over both give one device), telemetry, profile changes through LISTEN/NOTIFY
(also after the listening connection was killed from the database side), shared-attribute pushes to an MQTT session and
a CoAP observation on the other node, the failed-attempt limiters, and import jobs (read, cancelled, their errors CSV
and a node killed with SIGKILL in the middle of one)."""
from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import paho.mqtt.client as paho
import pytest
import requests
from paho.mqtt.enums import CallbackAPIVersion

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, MusterServer, log_dir, server_binary
from muster_compat import wait_for
from postgres_cluster import PostgresCluster

TIMEOUT = 15.0
IMPORT_COLUMNS = [{"type": "NAME"}, {"type": "TYPE"}, {"type": "SERVER_ATTRIBUTE", "key": "serial"}]


class Node:
    """One `muster serve` process of the pair, with an admin session on it."""

    def __init__(self, name: str, database: str, data_dir: Path, extra: tuple[str, ...]):
        self.name = name
        self.data_dir = data_dir
        # A cached profile is trusted for a minute: only the other node's notification can end it in time, so the
        # tests below fail if the notifications do not work (the default, 1 s, would hide that).
        config = data_dir / "muster.json"
        config.write_text(json.dumps({"provision": {"profileCacheMilliseconds": 60000}}))
        self.server = MusterServer(server_binary(), data_dir, log_dir() / f"server-two-nodes-{name}.log",
                                   extra_args=("--database", database, "--node-name", name,
                                               "--config", str(config)) + extra)
        self.token: str | None = None

    def start(self) -> None:
        """Starts the process; raises RuntimeError with the server's output when it does not come up."""
        try:
            self.server.start()
        except RuntimeError:
            self.server.stop()
            raise
        if not (self.server._coap_listening.wait(TIMEOUT) and self.server._mqtt_listening.wait(TIMEOUT)):
            raise RuntimeError(f"{self.name}: no CoAP or MQTT listener\n" + self.server.tail())

    @property
    def url(self) -> str:
        return self.server.base_url

    def admin(self) -> dict:
        if self.token is None:
            reply = requests.post(f"{self.url}/api/auth/login", json={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
                                  timeout=TIMEOUT)
            assert reply.status_code == 200, reply.text
            self.token = reply.json()["token"]
        return {"X-Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **kw) -> requests.Response:
        return requests.get(f"{self.url}{path}", headers=self.admin(), timeout=TIMEOUT, **kw)

    def post(self, path: str, body, **kw) -> requests.Response:
        return requests.post(f"{self.url}{path}", headers=self.admin(), json=body, timeout=TIMEOUT, **kw)

    def provision(self, key: str, secret: str, name: str | None = None) -> requests.Response:
        body = {"provisionDeviceKey": key, "provisionDeviceSecret": secret}
        if name is not None:
            body["deviceName"] = name
        return requests.post(f"{self.url}/api/v1/provision", json=body, timeout=TIMEOUT)

    def stop(self) -> int | None:
        return self.server.stop()


class Pair:
    def __init__(self, cluster: PostgresCluster, database: str, extra: tuple[str, ...] = ()):
        self.cluster = cluster
        self.database = database
        self.extra = extra
        self.a = Node("node-a", database, Path(tempfile.mkdtemp(prefix="muster-node-a-")), extra)
        self.b = Node("node-b", database, Path(tempfile.mkdtemp(prefix="muster-node-b-")), extra)

    def start(self) -> None:
        # Both at once, on an empty database: one installation (one tenant, one admin) must come out of it.
        errors: list[str] = []

        def start(node: Node) -> None:
            try:
                node.start()
            except RuntimeError as e:
                errors.append(str(e))

        threads = [threading.Thread(target=start, args=(n,)) for n in (self.a, self.b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            for node in (self.a, self.b):
                node.stop()
            pytest.fail("\n".join(errors), pytrace=False)

    def stop(self) -> None:
        statuses = [n.stop() for n in (self.a, self.b)]
        assert statuses == [0, 0], (statuses, self.a.server.tail(), self.b.server.tail())


def create_database(cluster: PostgresCluster, name: str) -> str:
    cluster.psql("postgres", f'CREATE DATABASE "{name}"')
    return cluster.url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="module")
def cluster():
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.remove()


@pytest.fixture(scope="module")
def pair(cluster):
    pair = Pair(cluster, create_database(cluster, "two_nodes"),
                ("--provision-failure-limit", "0", "--login-failure-limit", "0"))
    pair.start()
    yield pair
    pair.stop()


def new_profile(node: Node, run: str, strategy: str = "ALLOW_CREATE_NEW_DEVICES") -> dict:
    key, secret = "tk-" + secrets.token_hex(6), "ts-" + secrets.token_hex(6)
    reply = node.post("/api/deviceProfile", {
        "name": f"two-nodes-{run}-{secrets.token_hex(3)}", "type": "DEFAULT", "transportType": "DEFAULT",
        "provisionType": strategy, "provisionDeviceKey": key,
        "profileData": {"configuration": {"type": "DEFAULT"}, "transportConfiguration": {"type": "DEFAULT"},
                        "provisionConfiguration": {"type": strategy, "provisionDeviceSecret": secret}}})
    assert reply.status_code == 200, reply.text
    profile = reply.json()
    return {"id": profile["id"]["id"], "key": key, "secret": secret}


def change_profile(node: Node, profile_id: str, change) -> None:
    profile = node.get(f"/api/deviceProfile/{profile_id}").json()
    change(profile)
    reply = node.post("/api/deviceProfile", profile)
    assert reply.status_code == 200, reply.text


def set_secret(profile: dict, secret: str) -> None:
    profile["profileData"]["provisionConfiguration"]["provisionDeviceSecret"] = secret


def device_count(node: Node, text: str) -> int:
    reply = node.get("/api/tenant/devices", params={"pageSize": 1, "page": 0, "textSearch": text})
    assert reply.status_code == 200, reply.text
    return reply.json()["totalElements"]


def token_device(node: Node, name: str) -> tuple[str, str]:
    token = "tn" + secrets.token_hex(10)
    reply = node.post(f"/api/device?accessToken={token}", {"name": name, "type": "default"})
    assert reply.status_code == 200, reply.text
    return reply.json()["id"]["id"], token


# ------------------------------------------------------------------------------------------------------------------
# One installation
# ------------------------------------------------------------------------------------------------------------------

def test_nodes_started_together_on_an_empty_database_make_one_installation(pair):
    rows = pair.cluster.psql(pair.database.rsplit("/", 1)[1],
                             "SELECT (SELECT count(*) FROM tenants), (SELECT count(*) FROM users)")
    assert rows.split() == ["1", "2"], rows  # the default tenant; its administrator and the system administrator
    # A token issued by one node is accepted by the other: the signing key lives in the database.
    reply = requests.get(f"{pair.b.url}/api/auth/user", headers=pair.a.admin(), timeout=TIMEOUT)
    assert reply.status_code == 200, reply.text


def test_health_names_each_node(pair):
    for node in (pair.a, pair.b):
        reply = requests.get(f"{node.url}/api/health", timeout=TIMEOUT)
        assert reply.status_code == 200, reply.text
        assert reply.json()["status"] == "UP" and reply.json()["database"] == "UP"
        assert reply.json()["node"] == node.name


def test_fifty_identical_requests_over_both_nodes_give_one_device(pair):
    run = secrets.token_hex(4)
    profile = new_profile(pair.a, run)
    name = f"twin-{run}"
    nodes = [pair.a, pair.b] * 25
    barrier = threading.Barrier(len(nodes))

    def send(node: Node) -> requests.Response:
        barrier.wait(TIMEOUT)
        return node.provision(profile["key"], profile["secret"], name)

    with ThreadPoolExecutor(len(nodes)) as pool:
        replies = list(pool.map(send, nodes))
    assert [r.status_code for r in replies] == [200] * 50, [r.text for r in replies if r.status_code != 200]
    bodies = [r.json() for r in replies]
    assert {b["status"] for b in bodies} == {"SUCCESS"}, bodies
    assert len({b["credentialsValue"] for b in bodies}) == 1, {b["credentialsValue"] for b in bodies}
    assert device_count(pair.a, name) == 1 and device_count(pair.b, name) == 1
    # Each node's audit says which node served the attempt.
    # Each node's audit says which node served the attempt (entries are written in batches, off the request path).
    def entries():
        found = [e for e in pair.a.get("/api/audit/logs", params={"pageSize": 500, "page": 0}).json()["data"]
                 if e.get("entityName") == name]
        return found if len(found) >= 50 else None

    found = wait_for(entries, timeout=TIMEOUT)
    assert found, "the 50 attempts are not all in the audit log"
    served = {e["node"] for e in found}
    assert served == {"node-a", "node-b"}, found[:3]


def test_provisioned_on_one_node_sends_telemetry_through_the_other(pair):
    run = secrets.token_hex(4)
    profile = new_profile(pair.a, run)
    reply = pair.a.provision(profile["key"], profile["secret"], f"tele-{run}")
    assert reply.status_code == 200 and reply.json()["status"] == "SUCCESS", reply.text
    token = reply.json()["credentialsValue"]
    sent = requests.post(f"{pair.b.url}/api/v1/{token}/telemetry", json={"temperature": 21.5}, timeout=TIMEOUT)
    assert sent.status_code == 200, sent.text
    device = pair.a.get("/api/tenant/device", params={"deviceName": f"tele-{run}"}).json()
    latest = pair.a.get(f"/api/plugins/telemetry/DEVICE/{device['id']['id']}/values/timeseries",
                        params={"keys": "temperature", "useStrictDataTypes": "true"}).json()
    assert latest["temperature"][0]["value"] == 21.5


# ------------------------------------------------------------------------------------------------------------------
# Profile changes are in force on the other node at its next request
# ------------------------------------------------------------------------------------------------------------------

def test_secret_changed_on_one_node_is_refused_by_the_other(pair):
    run = secrets.token_hex(4)
    profile = new_profile(pair.a, run)
    # Node B has the profile in its cache: a provisioning with the secret succeeds there.
    assert pair.b.provision(profile["key"], profile["secret"], f"sec-{run}-0").json()["status"] == "SUCCESS"
    for round in range(1, 6):
        new_secret = "ts-" + secrets.token_hex(6)
        change_profile(pair.a, profile["id"], lambda p: set_secret(p, new_secret))
        old = pair.b.provision(profile["key"], profile["secret"], f"sec-{run}-{round}-old")
        assert old.status_code == 200 and old.json()["status"] == "NOT_FOUND", (round, old.text)
        new = pair.b.provision(profile["key"], new_secret, f"sec-{run}-{round}-new")
        assert new.json()["status"] == "SUCCESS", (round, new.text)
        profile["secret"] = new_secret
    assert device_count(pair.a, f"sec-{run}-") == 6


def test_disabled_and_deleted_profiles_are_refused_by_the_other_node(pair):
    run = secrets.token_hex(4)
    profile = new_profile(pair.a, run)
    assert pair.b.provision(profile["key"], profile["secret"], f"dis-{run}-0").json()["status"] == "SUCCESS"

    def disable(p):
        p["provisionType"] = "DISABLED"
        p["provisionDeviceKey"] = None
        p["profileData"]["provisionConfiguration"] = {"type": "DISABLED"}

    change_profile(pair.a, profile["id"], disable)
    refused = pair.b.provision(profile["key"], profile["secret"], f"dis-{run}-1")
    assert refused.json()["status"] == "NOT_FOUND", refused.text

    other = new_profile(pair.a, run + "d")
    assert pair.b.provision(other["key"], other["secret"], f"del-{run}-0").json()["status"] == "SUCCESS"
    device = pair.a.get("/api/tenant/device", params={"deviceName": f"del-{run}-0"}).json()
    assert requests.delete(f"{pair.a.url}/api/device/{device['id']['id']}", headers=pair.a.admin(),
                           timeout=TIMEOUT).status_code == 200
    deleted = requests.delete(f"{pair.a.url}/api/deviceProfile/{other['id']}", headers=pair.a.admin(), timeout=TIMEOUT)
    assert deleted.status_code == 200, deleted.text
    gone = pair.b.provision(other["key"], other["secret"], f"del-{run}-1")
    assert gone.json()["status"] == "NOT_FOUND", gone.text
    assert device_count(pair.a, f"del-{run}-1") == 0


def test_listening_connection_killed_by_the_database_still_refuses_a_changed_secret(pair):
    run = secrets.token_hex(4)
    profile = new_profile(pair.a, run)
    assert pair.b.provision(profile["key"], profile["secret"], f"kill-{run}-0").json()["status"] == "SUCCESS"
    database = pair.database.rsplit("/", 1)[1]
    killed = pair.cluster.psql(database, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                         "WHERE application_name LIKE 'muster-listen node-b%'")
    assert killed.strip() == "1", killed
    # At once, while node B may not have noticed the loss yet, and again after it listens anew.
    for round in range(1, 4):
        new_secret = "ts-" + secrets.token_hex(6)
        change_profile(pair.a, profile["id"], lambda p: set_secret(p, new_secret))
        old = pair.b.provision(profile["key"], profile["secret"], f"kill-{run}-{round}-old")
        assert old.json()["status"] == "NOT_FOUND", (round, old.text)
        assert pair.b.provision(profile["key"], new_secret, f"kill-{run}-{round}").json()["status"] == "SUCCESS"
        profile["secret"] = new_secret
        time.sleep(1.0)
    listening = wait_for(lambda: pair.cluster.psql(database, "SELECT count(*) FROM pg_stat_activity "
                                                             "WHERE application_name LIKE 'muster-listen node-b%'")
                         .strip() == "1" or None, timeout=TIMEOUT)
    assert listening, "node B did not listen again"


# ------------------------------------------------------------------------------------------------------------------
# Shared attributes set on one node reach sessions on the other
# ------------------------------------------------------------------------------------------------------------------

def test_shared_attribute_set_on_one_node_reaches_an_mqtt_session_on_the_other(pair):
    device_id, token = token_device(pair.a, f"push-mqtt-{secrets.token_hex(4)}")
    messages: list[bytes] = []
    subscribed = threading.Event()
    client = paho.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id=f"push-{secrets.token_hex(4)}")
    client.username_pw_set(token)
    client.on_message = lambda _c, _u, message: messages.append(message.payload)
    client.on_subscribe = lambda *_: subscribed.set()
    client.connect("127.0.0.1", pair.b.server.mqtt_port, keepalive=30)
    client.loop_start()
    try:
        client.subscribe("v1/devices/me/attributes", qos=1)
        assert subscribed.wait(TIMEOUT)
        reply = pair.a.post(f"/api/plugins/telemetry/DEVICE/{device_id}/attributes/SHARED_SCOPE",
                            {"color": "blue", "level": 3})
        assert reply.status_code == 200, reply.text
        assert wait_for(lambda: messages or None, timeout=TIMEOUT), "no attribute update reached node B's session"
        assert json.loads(messages[0]) == {"color": "blue", "level": 3}
    finally:
        client.loop_stop()
        client.disconnect()


def test_shared_attribute_set_on_one_node_reaches_a_coap_observer_on_the_other(pair):
    import aiocoap

    device_id, token = token_device(pair.a, f"push-coap-{secrets.token_hex(4)}")

    async def observe():
        ctx = await aiocoap.Context.create_client_context()
        try:
            msg = aiocoap.Message(code=aiocoap.GET, observe=0,
                                  uri=f"coap://127.0.0.1:{pair.b.server.coap_port}/api/v1/{token}/attributes")
            request = ctx.request(msg)
            first = await asyncio.wait_for(request.response, TIMEOUT)
            assert first.code == aiocoap.CONTENT and first.opt.observe is not None, first
            notifications = request.observation.__aiter__()
            pending = asyncio.ensure_future(notifications.__anext__())
            reply = await asyncio.get_running_loop().run_in_executor(None, lambda: pair.a.post(
                f"/api/plugins/telemetry/DEVICE/{device_id}/attributes/SHARED_SCOPE", {"target": 42}))
            assert reply.status_code == 200, reply.text
            note = await asyncio.wait_for(pending, TIMEOUT)
            return note.code, json.loads(note.payload)
        finally:
            await ctx.shutdown()

    code, payload = asyncio.run(observe())
    assert code == aiocoap.CONTENT
    assert payload == {"target": 42}


# ------------------------------------------------------------------------------------------------------------------
# The limiters hold across nodes
# ------------------------------------------------------------------------------------------------------------------

FAILURE_LIMIT = 4
LOGIN_LIMIT = 3


@pytest.fixture
def limited_pair(cluster):
    pair = Pair(cluster, create_database(cluster, "two_nodes_limited_" + secrets.token_hex(3)),
                ("--provision-failure-limit", str(FAILURE_LIMIT), "--login-failure-limit", str(LOGIN_LIMIT)))
    pair.start()
    yield pair
    pair.stop()


def test_guesses_spread_over_both_nodes_reach_the_single_node_limit(limited_pair):
    pair = limited_pair
    profile = new_profile(pair.a, secrets.token_hex(4))
    for i in range(FAILURE_LIMIT):
        node = (pair.a, pair.b)[i % 2]
        reply = node.provision(profile["key"], profile["secret"] + "-wrong", f"guess-{i}")
        assert reply.status_code == 200 and reply.json()["status"] == "NOT_FOUND", (i, reply.status_code, reply.text)
    for node in (pair.a, pair.b):
        refused = node.provision(profile["key"], profile["secret"], "guess-right")
        assert refused.status_code == 429, (node.name, refused.status_code, refused.text)
        assert int(refused.headers["Retry-After"]) >= 1
    assert device_count(pair.a, "guess-right") == 0

    for i in range(LOGIN_LIMIT):
        node = (pair.b, pair.a)[i % 2]
        wrong = requests.post(f"{node.url}/api/auth/login", json={"username": ADMIN_EMAIL, "password": "wrong-pw"},
                              timeout=TIMEOUT)
        assert wrong.status_code == 401, (i, wrong.status_code, wrong.text)
    for node in (pair.a, pair.b):
        locked = requests.post(f"{node.url}/api/auth/login", json={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
                               timeout=TIMEOUT)
        assert locked.status_code == 429, (node.name, locked.status_code, locked.text)


# ------------------------------------------------------------------------------------------------------------------
# Import jobs are the installation's, not a node's
# ------------------------------------------------------------------------------------------------------------------

def upload_import(node: Node, prefix: str, rows: int, bad_rows: int = 0) -> str:
    lines = ["name,type,serial"] + [f",bad-{i},x" for i in range(bad_rows)]
    lines += [f"{prefix}-{i:07d},two-nodes-import,SN{i}" for i in range(rows)]
    mapping = {"entityType": "DEVICE", "columns": IMPORT_COLUMNS, "delimiter": ",", "header": True, "update": False}
    files = {"mapping": (None, json.dumps(mapping), "application/json"),
             "file": ("devices.csv", "\n".join(lines) + "\n", "text/csv")}
    reply = requests.post(f"{node.url}/api/imports", headers=node.admin(), files=files, timeout=120)
    assert reply.status_code == 202, reply.text
    return reply.json()["id"]


def job(node: Node, job_id: str) -> dict:
    reply = node.get(f"/api/imports/{job_id}")
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_import_started_on_one_node_is_read_and_cancelled_on_the_other(pair):
    prefix = f"imp-{secrets.token_hex(3)}"
    job_id = upload_import(pair.a, prefix, rows=150_000, bad_rows=3)
    running = wait_for(lambda: (lambda j: j if j["created"] > 0 else None)(job(pair.b, job_id)), timeout=60)
    assert running and running["status"] == "RUNNING", running
    assert job_id in [j["id"] for j in pair.b.get("/api/imports").json()]
    errors = pair.b.get(f"/api/imports/{job_id}/errors.csv")
    assert errors.status_code == 200, errors.text
    assert errors.text.count("\n") >= 3 and "bad-0" in errors.text, errors.text[:500]
    cancel = requests.delete(f"{pair.b.url}/api/imports/{job_id}", headers=pair.b.admin(), timeout=TIMEOUT)
    assert cancel.status_code == 200, cancel.text
    ended = wait_for(lambda: (lambda j: j if j["status"] != "RUNNING" else None)(job(pair.b, job_id)), timeout=60)
    assert ended and ended["status"] == "CANCELLED", ended
    assert ended["created"] < 150_000, ended
    assert device_count(pair.a, prefix) == ended["created"], ended
    assert job(pair.a, job_id) == job(pair.b, job_id) | {"rowsPerSecond": job(pair.a, job_id)["rowsPerSecond"]}


def test_node_killed_during_an_import_leaves_stored_rows_equal_to_reported_rows(cluster):
    pair = Pair(cluster, create_database(cluster, "two_nodes_kill"),
                ("--provision-failure-limit", "0", "--login-failure-limit", "0"))
    pair.start()
    try:
        prefix = f"kill-{secrets.token_hex(3)}"
        job_id = upload_import(pair.a, prefix, rows=200_000)
        assert list((pair.a.data_dir / "imports").glob("*.csv")), "no spool file on node A"
        wait_for(lambda: job(pair.b, job_id)["created"] >= 5_000 or None, timeout=60)
        pair.a.server.proc.send_signal(signal.SIGKILL)
        pair.a.server.proc.wait(10)
        ended = wait_for(lambda: (lambda j: j if j["status"] != "RUNNING" else None)(job(pair.b, job_id)),
                         timeout=45, interval=0.5)
        assert ended, f"node B did not end the dead node's job within 45 s: {job(pair.b, job_id)}"
        assert ended["status"] == "FAILED" and "interrupted" in ended["failure"], ended
        assert "node-a" in ended["failure"], ended
        stored = device_count(pair.b, prefix)
        assert stored == ended["created"] and 0 < stored < 200_000, (stored, ended)
        assert str(ended["created"]) in ended["failure"], ended

        # Node A comes back on the same data directory: the dead job's spool file is gone, the job stays FAILED.
        pair.a = Node("node-a", pair.database, pair.a.data_dir, pair.extra)
        try:
            pair.a.start()
        except RuntimeError as e:
            pytest.fail(str(e), pytrace=False)
        assert wait_for(lambda: not list((pair.a.data_dir / "imports").glob("*.csv")) or None, timeout=TIMEOUT), \
            list((pair.a.data_dir / "imports").glob("*"))
        assert job(pair.a, job_id)["status"] == "FAILED"
        assert device_count(pair.a, prefix) == stored
    finally:
        pair.stop()
