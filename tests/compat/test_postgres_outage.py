"""PostgreSQL stopped under provisioning load and started again (issue 12): every provisioning request either
succeeded and is stored, or got a clear 503; nothing is half-written; the server serves again by itself.

The server runs on a PostgreSQL cluster of this test's own (tests/compat/postgres_cluster.py), stopped with
`pg_ctl -m fast` (which ends the server's connections in the middle of their transactions) while four clients
provision new devices over HTTP as fast as they can."""
import os
import secrets
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests
from tb_rest_client.rest_client import RestClient

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, MusterServer, log_dir, server_binary
from muster_compat import attr_map, device_profile
from postgres_cluster import PostgresCluster

WORKERS = 4
OUTAGE_SECONDS = 3.0
RECOVERY_TIMEOUT = 60.0


@pytest.fixture
def postgres_server():
    cluster = PostgresCluster()
    cluster.start()
    server = MusterServer(server_binary(), Path(tempfile.mkdtemp(prefix="muster-compat-pg-outage-")),
                          log_dir() / "server-pg-outage.log",
                          extra_args=("--database", cluster.url, "--provision-failure-limit", "0", "--log-level", os.environ.get("OUTAGE_LOG_LEVEL", "info")))  # debug/trace to diagnose
    try:
        server.start()
    except RuntimeError as e:
        server.stop()
        cluster.remove()
        pytest.fail(str(e), pytrace=False)
    yield server, cluster
    status = server.stop()
    cluster.remove()
    assert status == 0, server.tail()


def test_postgres_stopped_and_started_under_provisioning_load(postgres_server, run_id):
    server, cluster = postgres_server
    base = server.base_url
    rest = RestClient(base_url=base)
    rest.login(username=ADMIN_EMAIL, password=ADMIN_PASSWORD)
    key, secret = "ok-" + secrets.token_hex(6), "os-" + secrets.token_hex(6)
    rest.save_device_profile(device_profile(f"outage-{run_id}", "ALLOW_CREATE_NEW_DEVICES", key, secret))

    results = []  # (name, started, finished, status or None, body or exception text, headers)
    lock = threading.Lock()
    stop = threading.Event()

    def worker(w: int) -> None:
        session = requests.Session()
        i = 0
        while not stop.is_set():
            name = f"outage-{run_id}-{w}-{i}"
            i += 1
            started = time.monotonic()
            try:
                r = session.post(f"{base}/api/v1/provision", timeout=45, json={
                    "deviceName": name, "provisionDeviceKey": key, "provisionDeviceSecret": secret})
                body = r.json() if r.headers.get("content-type", "").startswith("application/json") else r.text
                entry = (name, started, time.monotonic(), r.status_code, body, dict(r.headers))
            except requests.RequestException as e:
                entry = (name, started, time.monotonic(), None, repr(e), {})
            with lock:
                results.append(entry)

    threads = [threading.Thread(target=worker, args=(w,), daemon=True) for w in range(WORKERS)]
    for t in threads:
        t.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with lock:
                if sum(1 for r in results if r[3] == 200) >= 40:
                    break
            time.sleep(0.05)
        down = time.monotonic()
        cluster.stop("fast")
        time.sleep(OUTAGE_SECONDS)
        cluster.start()
        up = time.monotonic()
        deadline = up + RECOVERY_TIMEOUT
        recovered = False
        while time.monotonic() < deadline and not recovered:
            with lock:
                recovered = any(r[3] == 200 and r[1] > up for r in results)
            time.sleep(0.1)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    sessions = "" if recovered else cluster.psql(
        "postgres", "SELECT pid, application_name, state, wait_event_type, wait_event, backend_xid, "
        "now() - xact_start, left(query, 120) FROM pg_stat_activity WHERE datname IS NOT NULL ORDER BY pid")
    assert recovered, f"no provisioning succeeded within {RECOVERY_TIMEOUT:.0f} s of PostgreSQL's restart\n" \
                      + f"sessions:\n{sessions}\n" + server.tail()

    succeeded = [r for r in results if r[3] == 200]
    refused = [r for r in results if r[3] != 200]
    during = [r for r in results if r[1] < up and r[2] > down]
    assert len(succeeded) >= 40 and during, (len(succeeded), len(during))
    for name, _, _, status, body, headers in succeeded:
        assert body["status"] == "SUCCESS" and body["credentialsValue"], (name, body)
    for name, _, _, status, body, headers in refused:
        # The only failure a client may see is a clear 503 with a retry hint, never a 500 or a dropped connection.
        assert status == 503, (name, status, body)
        assert "database" in body["message"].lower(), body
        assert headers.get("Retry-After"), headers

    # Stored, whole, and exactly once: a re-send of every name succeeds; a name that succeeded gets the very same
    # credentials again (it was committed), a refused one gets the credentials of the device it now has (made by
    # the re-send, or committed before the refusal) — and the tenant ends with exactly one device per name.
    session = requests.Session()
    tokens = {name: body["credentialsValue"] for name, _, _, _, body, _ in succeeded}
    for name, *_ in results:
        r = session.post(f"{base}/api/v1/provision", timeout=30, json={
            "deviceName": name, "provisionDeviceKey": key, "provisionDeviceSecret": secret})
        assert r.status_code == 200 and r.json()["status"] == "SUCCESS", (name, r.status_code, r.text)
        if name in tokens:
            assert r.json()["credentialsValue"] == tokens[name], name
    total = rest.get_tenant_devices(page_size=1, page=0).total_elements
    assert total == len({r[0] for r in results}), (total, len(results))
    # Each device has its credentials and its provisionState, the whole provisioning or nothing.
    for name, *_ in (succeeded[:20] + refused[:20]):
        device = rest.get_tenant_device(name)
        credentials = rest.get_device_credentials_by_device_id(device.id)
        assert credentials.credentials_id, name
        attributes = attr_map(rest.get_attributes_by_scope(device.id, "SERVER_SCOPE", keys="provisionState"))
        assert attributes == {"provisionState": "provisioned"}, (name, attributes)
    print(f"{len(results)} requests: {len(succeeded)} succeeded, {len(refused)} refused with 503, "
          f"{len(during)} in flight during the outage")
