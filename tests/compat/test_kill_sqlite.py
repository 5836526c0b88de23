"""kill -9 of the embedded server (SQLite) in the middle of an import and of a provisioning load (issue 14, faults).

After a restart on the same data directory: every provisioning that was answered SUCCESS is stored with the credentials
it returned; the import job is FAILED "interrupted" with its committed rows stated and equal to the rows stored; its
upload is deleted; `PRAGMA integrity_check` is ok."""
from __future__ import annotations

import json
import secrets
import signal
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests

from conftest import MusterServer, admin_headers as admin, log_dir, server_binary
from muster_compat import wait_for

TIMEOUT = 15.0
COLUMNS = [{"type": "NAME"}, {"type": "TYPE"}, {"type": "SERVER_ATTRIBUTE", "key": "serial"}]


def start(data_dir: Path, run: int) -> MusterServer:
    server = MusterServer(server_binary(), data_dir, log_dir() / f"server-kill-sqlite-{run}.log",
                          extra_args=("--provision-failure-limit", "0"))
    try:
        server.start()
    except RuntimeError as e:
        server.stop()
        pytest.fail(str(e), pytrace=False)
    return server


def kill(server: MusterServer) -> None:
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait(10)
    server.stop()


def integrity(data_dir: Path) -> str:
    with sqlite3.connect(data_dir / "muster.sqlite") as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def test_kill_during_import_and_provisioning_then_restart(run_id):
    data_dir = Path(tempfile.mkdtemp(prefix="muster-kill-sqlite-"))
    server = start(data_dir, 1)
    base = server.base_url
    headers = admin(base)
    key, secret = "kk-" + secrets.token_hex(6), "ks-" + secrets.token_hex(6)
    reply = requests.post(f"{base}/api/deviceProfile", headers=headers, timeout=TIMEOUT, json={
        "name": f"kill-{run_id}", "provisionType": "ALLOW_CREATE_NEW_DEVICES", "provisionDeviceKey": key,
        "profileData": {"provisionConfiguration": {"type": "ALLOW_CREATE_NEW_DEVICES", "provisionDeviceSecret": secret}}})
    assert reply.status_code == 200, reply.text

    prefix = f"imp-{run_id}"
    lines = ["name,type,serial"] + [f"{prefix}-{i:07d},kill-import,SN{i}" for i in range(300_000)]
    mapping = {"entityType": "DEVICE", "columns": COLUMNS, "delimiter": ",", "header": True, "update": False}
    reply = requests.post(f"{base}/api/imports", headers=headers, timeout=120, files={
        "mapping": (None, json.dumps(mapping), "application/json"),
        "file": ("devices.csv", "\n".join(lines) + "\n", "text/csv")})
    assert reply.status_code == 202, reply.text
    job_id = reply.json()["id"]

    # Provisioning load beside the import: every SUCCESS is remembered with its credentials.
    answered: dict[str, str] = {}
    stop = threading.Event()

    def provision(worker: int) -> None:
        session = requests.Session()
        i = 0
        while not stop.is_set():
            name = f"prov-{run_id}-{worker}-{i}"
            i += 1
            try:
                r = session.post(f"{base}/api/v1/provision", timeout=10, json={
                    "deviceName": name, "provisionDeviceKey": key, "provisionDeviceSecret": secret})
            except requests.RequestException:
                continue
            if r.status_code == 200 and r.json().get("status") == "SUCCESS":
                answered[name] = r.json()["credentialsValue"]

    workers = [threading.Thread(target=provision, args=(w,), daemon=True) for w in range(4)]
    for w in workers:
        w.start()
    try:
        job = lambda: requests.get(f"{base}/api/imports/{job_id}", headers=headers, timeout=TIMEOUT).json()
        assert wait_for(lambda: job()["created"] >= 10_000 or None, timeout=120), job()
        assert wait_for(lambda: len(answered) >= 50 or None, timeout=60), len(answered)
        assert list((data_dir / "imports").glob("*.csv")), "no upload spooled"
        kill(server)
    finally:
        stop.set()
        for w in workers:
            w.join(15)

    assert integrity(data_dir) == "ok"
    server = start(data_dir, 2)
    try:
        base = server.base_url
        headers = admin(base)
        ended = requests.get(f"{base}/api/imports/{job_id}", headers=headers, timeout=TIMEOUT).json()
        assert ended["status"] == "FAILED" and "interrupted" in ended["failure"], ended
        stored = requests.get(f"{base}/api/tenant/devices", headers=headers, timeout=TIMEOUT,
                              params={"pageSize": 1, "page": 0, "textSearch": prefix}).json()["totalElements"]
        assert stored == ended["created"] and 0 < stored < 300_000, (stored, ended)
        assert str(ended["created"]) in ended["failure"], ended
        assert wait_for(lambda: not list((data_dir / "imports").glob("*.csv")) or None, timeout=TIMEOUT), \
            list((data_dir / "imports").glob("*"))
        # Every provisioning answered SUCCESS before the kill is stored with the credentials it returned: a re-send
        # gets the same token.
        session = requests.Session()
        for name, token in answered.items():
            r = session.post(f"{base}/api/v1/provision", timeout=TIMEOUT, json={
                "deviceName": name, "provisionDeviceKey": key, "provisionDeviceSecret": secret})
            assert r.status_code == 200 and r.json()["credentialsValue"] == token, (name, r.text)
        print(f"killed after {stored} imported rows and {len(answered)} provisionings answered SUCCESS")
    finally:
        assert server.stop() == 0, server.tail()
    assert integrity(data_dir) == "ok"
