"""A full disk under the embedded server (SQLite) during imports and provisioning (issue 14, faults).

The data directory lives on a small tmpfs made by the test (root is needed to mount it; the suite runs as root), filled
to its last byte by a filler file, first while four clients provision over HTTP (each answer is SUCCESS or 507), then
with the server idle. While it is full: both import paths, provisioning over HTTP, MQTT and CoAP, and
HTTP telemetry are refused clearly (HTTP 507 with ThingsBoard's error body; MQTT FAILURE naming the full disk; CoAP
5.03 with a diagnostic and Max-Age), and the server keeps answering reads. An import job whose disk fills while it
runs ends FAILED naming the full disk, with its committed rows equal to the rows stored. Once the filler is deleted
the same requests succeed without a restart, every SUCCESS answered is stored, and `PRAGMA integrity_check` is ok."""
from __future__ import annotations

import asyncio
import errno
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
import threading
from contextlib import closing
from pathlib import Path

import pytest
import requests

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, MusterServer, log_dir, server_binary
from muster_compat import wait_for

TIMEOUT = 15.0
FS_SIZE = "64m"
LOAD_WORKERS = 4
BATCH = 10_000  # the import's rows per transaction (BulkImporter.Configuration.batchSize)
COLUMNS = [{"type": "NAME"}, {"type": "TYPE"}, {"type": "SERVER_ATTRIBUTE", "key": "serial"}]
MAPPING = {"columns": COLUMNS, "delimiter": ",", "update": False, "header": True}


# ----------------------------------------------------------------------------------------------------------------
# The filesystem
# ----------------------------------------------------------------------------------------------------------------

def free_bytes(path: Path) -> int:
    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize


def fill(mount: Path, leave: int = 0) -> Path:
    """Writes `mount/filler` until the filesystem refuses another byte (ENOSPC), then gives back `leave` bytes."""
    filler = mount / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for size in (1 << 20, 1 << 12, 1):
            chunk = b"\0" * size
            while True:
                try:
                    os.write(fd, chunk)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break
    finally:
        os.close(fd)
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


@pytest.fixture
def full_disk_server():
    """`muster serve` with its data directory on a 64 MB tmpfs of its own; stopped, then unmounted, at the end."""
    mount = Path(tempfile.mkdtemp(prefix="muster-full-disk-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={FS_SIZE},mode=0700", "tmpfs", str(mount)],
                   check=True, capture_output=True, timeout=TIMEOUT)
    server = None
    try:
        data_dir = mount / "data"
        data_dir.mkdir()
        server = MusterServer(server_binary(), data_dir, log_dir() / "server-full-disk.log",
                              extra_args=("--provision-failure-limit", "0"))
        try:
            server.start()
        except RuntimeError as e:
            pytest.fail(str(e), pytrace=False)
        yield server, mount
    finally:
        status = server.stop() if server is not None else 0
        subprocess.run(["umount", str(mount)], capture_output=True, timeout=TIMEOUT)
        if os.path.ismount(mount):
            subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=TIMEOUT)
        shutil.rmtree(mount, ignore_errors=True)
    assert status == 0, server.tail()


# ----------------------------------------------------------------------------------------------------------------
# Clients
# ----------------------------------------------------------------------------------------------------------------

def admin_headers(base: str) -> dict:
    reply = requests.post(f"{base}/api/auth/login", json={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
                          timeout=TIMEOUT)
    assert reply.status_code == 200, reply.text
    return {"X-Authorization": f"Bearer {reply.json()['token']}"}


def http_provision(base: str, profile: dict, name: str) -> requests.Response:
    return requests.post(f"{base}/api/v1/provision", timeout=TIMEOUT, json={
        "deviceName": name, "provisionDeviceKey": profile["key"], "provisionDeviceSecret": profile["secret"]})


def mqtt_provision(server: MusterServer, profile: dict, name: str) -> dict:
    """One provisioning over MQTT 5 with mosquitto_rr; the JSON answer on /provision/response."""
    request = json.dumps({"provisionDeviceKey": profile["key"], "provisionDeviceSecret": profile["secret"],
                          "deviceName": name})
    done = subprocess.run(["mosquitto_rr", "-h", "127.0.0.1", "-p", str(server.mqtt_port), "-u", "provision",
                           "-t", "/provision/request", "-e", "/provision/response", "-m", request, "-W", "10"],
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def coap_provision(server: MusterServer, profile: dict, name: str) -> tuple[str, bytes, int | None]:
    """One provisioning over CoAP with aiocoap; (code like '2.01', payload, Max-Age)."""
    import aiocoap

    payload = json.dumps({"deviceName": name, "provisionDeviceKey": profile["key"],
                          "provisionDeviceSecret": profile["secret"]}).encode()

    async def run():
        context = await aiocoap.Context.create_client_context()
        try:
            message = aiocoap.Message(code=aiocoap.POST, payload=payload,
                                      uri=f"coap://127.0.0.1:{server.coap_port}/api/v1/provision")
            response = await asyncio.wait_for(context.request(message).response, 20)
            code = int(response.code)
            return f"{code >> 5}.{code & 0x1F:02d}", response.payload, response.opt.max_age
        finally:
            await context.shutdown()

    return asyncio.run(run())


def bulk_import(base: str, headers: dict, prefix: str, rows: int) -> requests.Response:
    lines = ["name,type,serial"] + [f"{prefix}-{i:06d},full-disk,SN{i}" for i in range(rows)]
    return requests.post(f"{base}/api/device/bulk_import", headers=headers, timeout=60,
                         json={"file": "\n".join(lines) + "\n", "mapping": MAPPING})


def job_csv(prefix: str, rows: int) -> str:
    return "\n".join(["name,type,serial"] + [f"{prefix}-{i:06d},full-disk-job,SN{i}" for i in range(rows)]) + "\n"


def job_upload(base: str, headers: dict, csv: str) -> requests.Response:
    mapping = dict(MAPPING, entityType="DEVICE")
    return requests.post(f"{base}/api/imports", headers=headers, timeout=60, files={
        "mapping": (None, json.dumps(mapping), "application/json"), "file": ("devices.csv", csv, "text/csv")})


def job_end(base: str, headers: dict, job_id: str, timeout: float = 60) -> dict:
    get = lambda: requests.get(f"{base}/api/imports/{job_id}", headers=headers, timeout=TIMEOUT).json()
    job = wait_for(lambda: (lambda j: j if j["status"] != "RUNNING" else None)(get()), timeout=timeout, interval=0.2)
    assert job is not None, get()
    return job


def stored_count(base: str, headers: dict, prefix: str) -> int:
    reply = requests.get(f"{base}/api/tenant/devices", headers=headers, timeout=TIMEOUT,
                         params={"pageSize": 1, "page": 0, "textSearch": prefix})
    assert reply.status_code == 200, reply.text
    return reply.json()["totalElements"]


def assert_insufficient_storage(reply: requests.Response) -> None:
    """HTTP 507 with ThingsBoard's error body saying the disk is full, and the request id of the log line."""
    assert reply.status_code == 507, (reply.status_code, reply.text)
    body = reply.json()
    assert body["status"] == 507 and "disk is full" in body["message"], body
    assert set(body) >= {"status", "message", "errorCode", "timestamp"}, body
    assert reply.headers.get("X-Request-Id"), dict(reply.headers)


def integrity(data_dir: Path) -> str:
    with closing(sqlite3.connect(f"file:{data_dir / 'muster.sqlite'}?mode=ro", uri=True, timeout=10)) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def truncate_wal(data_dir: Path) -> None:
    """Checkpoints the server's WAL into the database and truncates it to 0 bytes (SQLite's multi-process protocol;
    the server is idle). Without it the WAL may hold space from earlier transactions that a small write can reuse
    on a full disk, and whether a request finds the disk full would depend on that history."""
    with closing(sqlite3.connect(data_dir / "muster.sqlite", timeout=10)) as db:
        busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert busy == 0
    assert (data_dir / "muster.sqlite-wal").stat().st_size == 0


# ----------------------------------------------------------------------------------------------------------------
# The test
# ----------------------------------------------------------------------------------------------------------------

@pytest.mark.timeout(300)
@pytest.mark.usefixtures("mosquitto_clients")
def test_full_disk_refuses_clearly_and_recovers_by_itself(full_disk_server, run_id):
    server, mount = full_disk_server
    base, data_dir = server.base_url, server.data_dir
    headers = admin_headers(base)
    profile = {"key": "fk-" + secrets.token_hex(6), "secret": "fs-" + secrets.token_hex(6)}
    reply = requests.post(f"{base}/api/deviceProfile", headers=headers, timeout=TIMEOUT, json={
        "name": f"full-disk-{run_id}", "provisionType": "ALLOW_CREATE_NEW_DEVICES",
        "provisionDeviceKey": profile["key"],
        "profileData": {"provisionConfiguration": {"type": "ALLOW_CREATE_NEW_DEVICES",
                                                   "provisionDeviceSecret": profile["secret"]}}})
    assert reply.status_code == 200, reply.text
    reply = http_provision(base, profile, f"reporter-{run_id}")
    assert reply.status_code == 200 and reply.json()["status"] == "SUCCESS", reply.text
    token = reply.json()["credentialsValue"]

    answered: dict[str, str] = {}  # every provisioning answered SUCCESS over HTTP: name -> token
    log = server.log_path

    # 1. An import job whose disk fills while it runs. A first job of one batch (10,000 rows, one transaction)
    # measures the WAL a batch takes; the second job gets room for its upload and one and a half batches: its first
    # batch commits, the checkpoint after it cannot grow the database file, the next batch finds the disk full.
    truncate_wal(data_dir)
    reply = job_upload(base, headers, job_csv(f"batch-{run_id}", BATCH))
    assert reply.status_code == 202, reply.text
    assert job_end(base, headers, reply.json()["id"])["status"] == "DONE"
    batch_bytes = (data_dir / "muster.sqlite-wal").stat().st_size
    truncate_wal(data_dir)
    csv = job_csv(f"midjob-{run_id}", 3 * BATCH)
    filler = fill(mount, leave=len(csv) + batch_bytes * 3 // 2)
    reply = job_upload(base, headers, csv)
    assert reply.status_code == 202, reply.text
    job = job_end(base, headers, reply.json()["id"])
    assert job["status"] == "FAILED" and "full disk" in job["failure"], job
    assert 0 < job["created"] < 3 * BATCH, job
    assert not list((data_dir / "imports").glob("*.csv")), list((data_dir / "imports").iterdir())

    # 2. The disk fills under a provisioning load: every answer is SUCCESS or a clear 507, never a 500 or a dropped
    # connection.
    filler.unlink()
    truncate_wal(data_dir)
    results: list[tuple[str, int | None, object]] = []  # (name, HTTP status or None, body or exception)
    stop = threading.Event()

    def provision_load(worker: int) -> None:
        session = requests.Session()
        i = 0
        while not stop.is_set():
            name = f"load-{run_id}-{worker}-{i}"
            i += 1
            try:
                r = session.post(f"{base}/api/v1/provision", timeout=TIMEOUT, json={
                    "deviceName": name, "provisionDeviceKey": profile["key"],
                    "provisionDeviceSecret": profile["secret"]})
                results.append((name, r.status_code, r.json() if r.headers.get("content-type", "").startswith(
                    "application/json") else r.text))
            except requests.RequestException as e:
                results.append((name, None, repr(e)))

    workers = [threading.Thread(target=provision_load, args=(w,), daemon=True) for w in range(LOAD_WORKERS)]
    for w in workers:
        w.start()
    try:
        assert wait_for(lambda: len(results) >= 20, timeout=30), results
        filler = fill(mount)
        filled = len(results)
        assert wait_for(lambda: any(r[1] == 507 for r in results[filled:]), timeout=60), results[-5:]
    finally:
        stop.set()
        for w in workers:
            w.join(TIMEOUT + 5)
    refused = []
    for name, status, body in results:
        assert status in (200, 507), (name, status, body)
        if status == 200:
            assert body["status"] == "SUCCESS" and body["credentialsValue"], (name, body)
            answered[name] = body["credentialsValue"]
        else:
            assert body["status"] == 507 and "disk is full" in body["message"], (name, body)
            refused.append(name)

    # 3. The disk full to its last byte, each transport and import path in turn.
    filler.unlink()
    truncate_wal(data_dir)
    filler = fill(mount)
    assert free_bytes(mount) < 64 * 1024, free_bytes(mount)

    reply = http_provision(base, profile, f"http-full-{run_id}")
    if reply.status_code == 200 and reply.json()["status"] == "SUCCESS":
        answered[f"http-full-{run_id}"] = reply.json()["credentialsValue"]
    assert_insufficient_storage(reply)
    # The log names the cause with the answer's request id, and never the secret.
    request_id = reply.headers["X-Request-Id"]
    cause = lambda: [line for line in log.read_text(errors="replace").splitlines()
                     if "provisioning store call failed" in line and request_id in line]
    assert wait_for(cause, timeout=5), server.tail()
    assert "SQLITE_FULL" in cause()[0] and profile["secret"] not in log.read_text(errors="replace"), cause()

    answer = mqtt_provision(server, profile, f"mqtt-full-{run_id}")
    assert answer["status"] == "FAILURE" and "disk is full" in answer["errorMsg"], answer

    code, payload, max_age = coap_provision(server, profile, f"coap-full-{run_id}")
    assert code == "5.03" and b"disk is full" in payload and max_age, (code, payload, max_age)

    reply = requests.post(f"{base}/api/v1/{token}/telemetry", json={"temperature": 21.5}, timeout=TIMEOUT)
    assert_insufficient_storage(reply)

    reply = bulk_import(base, headers, f"bulk-full-{run_id}", 500)
    assert_insufficient_storage(reply)

    reply = job_upload(base, headers, job_csv(f"job-full-{run_id}", 20_000))
    assert_insufficient_storage(reply)
    assert not list((data_dir / "imports").glob("*.csv")), list((data_dir / "imports").iterdir())

    # The server keeps serving what needs no disk space.
    assert requests.get(f"{base}/api/health", timeout=TIMEOUT).status_code == 200
    assert stored_count(base, headers, f"reporter-{run_id}") == 1
    assert stored_count(base, headers, f"bulk-full-{run_id}") == 0
    assert "import spool: could not write the upload: No space left on device" in log.read_text(errors="replace")

    # 4. Space freed: the same requests succeed, without a restart.
    filler.unlink()
    assert integrity(data_dir) == "ok"

    reply = http_provision(base, profile, f"http-full-{run_id}")
    assert reply.status_code == 200 and reply.json()["status"] == "SUCCESS", reply.text
    answered[f"http-full-{run_id}"] = reply.json()["credentialsValue"]
    assert mqtt_provision(server, profile, f"mqtt-full-{run_id}")["status"] == "SUCCESS"
    code, payload, _ = coap_provision(server, profile, f"coap-full-{run_id}")
    assert code == "2.01" and json.loads(payload)["status"] == "SUCCESS", (code, payload)
    reply = requests.post(f"{base}/api/v1/{token}/telemetry", json={"temperature": 21.5}, timeout=TIMEOUT)
    assert reply.status_code == 200, reply.text
    reply = bulk_import(base, headers, f"bulk-full-{run_id}", 500)
    assert reply.status_code == 200 and reply.json()["created"] == 500, reply.text
    reply = job_upload(base, headers, job_csv(f"job-full-{run_id}", 20_000))
    assert reply.status_code == 202, reply.text
    done = job_end(base, headers, reply.json()["id"], timeout=120)
    assert done["status"] == "DONE" and done["created"] == 20_000, done

    # Nothing half-written: the failed job's committed rows are the rows stored; every SUCCESS is stored with the
    # credentials it returned (a re-send gets the same token).
    assert stored_count(base, headers, f"midjob-{run_id}") == job["created"], job
    assert stored_count(base, headers, f"job-full-{run_id}") == 20_000
    assert stored_count(base, headers, f"bulk-full-{run_id}") == 500
    for name, credentials in answered.items():
        reply = http_provision(base, profile, name)
        assert reply.status_code == 200 and reply.json()["credentialsValue"] == credentials, (name, reply.text)
    # A refused provisioning stored nothing, and succeeds when sent again: one device per name.
    for name in refused:
        reply = http_provision(base, profile, name)
        assert reply.status_code == 200 and reply.json()["status"] == "SUCCESS", (name, reply.text)
    assert stored_count(base, headers, f"load-{run_id}") == len(results)
    assert integrity(data_dir) == "ok"
    print(f"mid-job disk full after {job['created']} committed rows: {job['failure']}; provisioning load while "
          f"filling: {len(results) - len(refused)} SUCCESS, {len(refused)} refused with 507")
