"""The live streams (Server-Sent Events) as any HTTP client reads them, and a node that stops while streams are
open: the streams end and the process exits 0 at once, instead of holding its shutdown."""
from __future__ import annotations

import json
import threading
import time

import pytest
import requests

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, MusterServer, log_dir, server_binary


def events(response, found: list, stop: threading.Event) -> None:
    """Collects `(name, data)` of each event until the stream ends or `stop` is set."""
    name, data = "message", []
    try:
        for line in response.iter_lines(decode_unicode=True):
            if stop.is_set():
                return
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
            elif line == "" and data:
                found.append((name, json.loads("\n".join(data))))
                name, data = "message", []
    except requests.RequestException:
        pass


def test_a_device_stream_follows_the_device_and_ends_when_the_node_stops(tmp_path):
    server = MusterServer(server_binary(), tmp_path, log_dir() / "server-live.log")
    server.start()
    try:
        base = server.base_url
        token = requests.post(f"{base}/api/auth/login", json={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
                              timeout=10).json()["token"]
        headers = {"X-Authorization": f"Bearer {token}"}
        device = requests.post(f"{base}/api/device?accessToken=live-compat", json={"name": "live-compat"},
                               headers=headers, timeout=10).json()
        assert requests.get(f"{base}/api/live/device/00000000-0000-0000-0000-000000000000", headers=headers,
                            timeout=10).status_code == 404
        assert requests.get(f"{base}/api/live/device/{device['id']['id']}", timeout=10).status_code == 401

        stream = requests.get(f"{base}/api/live/device/{device['id']['id']}", headers=headers, stream=True, timeout=30)
        assert stream.status_code == 200 and stream.headers["content-type"].startswith("text/event-stream")
        audit = requests.get(f"{base}/api/live/audit", params={"action": "DEVICE_CREATED"}, headers=headers,
                             stream=True, timeout=30)
        found, audit_found, stop = [], [], threading.Event()
        threading.Thread(target=events, args=(stream, found, stop), daemon=True).start()
        threading.Thread(target=events, args=(audit, audit_found, stop), daemon=True).start()
        deadline = time.monotonic() + 10
        while not found and time.monotonic() < deadline:
            time.sleep(0.05)
        assert found and found[0][0] == "device" and found[0][1]["telemetry"] == {}, found

        sent = time.monotonic()
        assert requests.post(f"{base}/api/v1/live-compat/telemetry", json={"t": 7}, timeout=10).ok
        while len(found) < 2 and time.monotonic() < sent + 5:
            time.sleep(0.02)
        assert len(found) >= 2 and found[-1][1]["telemetry"]["t"]["value"] == 7, found
        assert time.monotonic() - sent < 1.5, "the change took more than a second to arrive"
        # The device's creation reaches the audit stream once the recorder has written it (every 100 ms).
        while not any(data["totalElements"] == 1 for _, data in audit_found) and time.monotonic() < sent + 5:
            time.sleep(0.02)
        assert all(name == "audit" for name, _ in audit_found), audit_found
        assert any(data["totalElements"] == 1 and data["newest"] for _, data in audit_found), audit_found

        # SIGTERM with both streams open: the node ends them and exits 0 well within its 6 s bound.
        stopping = time.monotonic()
        status = server.stop()
        assert status == 0, server.tail()
        assert time.monotonic() - stopping < 5, f"shutdown took {time.monotonic() - stopping:.1f} s"
        stop.set()
    finally:
        server.stop()
