"""Regression: device key-value writes interleaved with imports that write attributes or telemetry.

Before the fix, every device telemetry or attributes post (HTTP or MQTT) and every admin time-series post left a
statement of the SQLite connection's cache un-reset; the next import that wrote an attribute or a sample reused it,
SQLite refused the binds, and the import answered 500 (the job API: FAILED "storage error"). Here each kind of
key-value write is followed by an import on each path, several times in a row, and every import must succeed and
store its values.
"""
import json
import secrets

import paho.mqtt.client as mqtt
import pytest
import requests

from muster_compat import wait_for

ROUNDS = 3
MAPPING_COLUMNS = [{"type": "NAME"}, {"type": "TYPE"}, {"type": "SERVER_ATTRIBUTE", "key": "serial"},
                   {"type": "TIMESERIES", "key": "t"}]


@pytest.fixture(scope="module")
def admin(base_url, rest):
    return {"X-Authorization": f"Bearer {rest.get_token()}"}


@pytest.fixture(scope="module")
def reporter(base_url, admin):
    """A device made with `POST /api/device?accessToken=…`, which sends the interleaved writes."""
    token = "interleave-" + secrets.token_hex(6)
    reply = requests.post(f"{base_url}/api/device?accessToken={token}", headers=admin, timeout=10,
                          json={"name": "interleave-" + secrets.token_hex(4), "type": "reporter"})
    assert reply.status_code == 200, reply.text
    return token, reply.json()["id"]["id"]


def bulk_import(base_url, admin, name):
    body = {"file": f"name,type,serial,t\n{name},interleave-type,SN-{name},21.5\n",
            "mapping": {"columns": MAPPING_COLUMNS, "delimiter": ",", "update": False, "header": True}}
    reply = requests.post(f"{base_url}/api/device/bulk_import", headers=admin, json=body, timeout=30)
    assert reply.status_code == 200, reply.text
    assert reply.json()["created"] == 1, reply.text


def job_import(base_url, admin, name):
    mapping = {"entityType": "DEVICE", "columns": MAPPING_COLUMNS, "delimiter": ",", "header": True,
               "update": False}
    files = {"mapping": (None, json.dumps(mapping), "application/json"),
             "file": ("devices.csv", f"name,type,serial,t\n{name},interleave-type,SN-{name},21.5\n", "text/csv")}
    reply = requests.post(f"{base_url}/api/imports", headers=admin, files=files, timeout=30)
    assert reply.status_code == 202, reply.text
    job_id = reply.json()["id"]
    job = wait_for(lambda: (lambda j: j if j["status"] != "RUNNING" else None)(
        requests.get(f"{base_url}/api/imports/{job_id}", headers=admin, timeout=10).json()), timeout=30)
    assert job is not None, f"import job {job_id} still running after 30 s"
    assert job["status"] == "DONE", job
    assert job["created"] == 1, job


def check_stored(base_url, admin, name):
    device = requests.get(f"{base_url}/api/tenant/device", params={"deviceName": name}, headers=admin, timeout=10)
    assert device.status_code == 200, device.text
    device_id = device.json()["id"]["id"]
    attrs = requests.get(f"{base_url}/api/plugins/telemetry/DEVICE/{device_id}/values/attributes/SERVER_SCOPE",
                         params={"keys": "serial"}, headers=admin, timeout=10).json()
    assert [a["value"] for a in attrs] == [f"SN-{name}"]
    latest = requests.get(f"{base_url}/api/plugins/telemetry/DEVICE/{device_id}/values/timeseries",
                          params={"keys": "t", "useStrictDataTypes": "true"}, headers=admin, timeout=10).json()
    assert latest["t"][0]["value"] == 21.5


def http_telemetry(base_url, admin, token, device_id, mqtt_port, step):
    reply = requests.post(f"{base_url}/api/v1/{token}/telemetry", json={"x": step}, timeout=10)
    assert reply.status_code == 200, reply.text


def http_attributes(base_url, admin, token, device_id, mqtt_port, step):
    reply = requests.post(f"{base_url}/api/v1/{token}/attributes", json={"fw": f"v{step}"}, timeout=10)
    assert reply.status_code == 200, reply.text


def admin_timeseries(base_url, admin, token, device_id, mqtt_port, step):
    reply = requests.post(f"{base_url}/api/plugins/telemetry/DEVICE/{device_id}/timeseries/ANY",
                          json={"y": step}, headers=admin, timeout=10)
    assert reply.status_code == 200, reply.text


def mqtt_telemetry(base_url, admin, token, device_id, mqtt_port, step):
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="interleave-" + secrets.token_hex(4))
    client.username_pw_set(token)
    client.connect("127.0.0.1", mqtt_port, keepalive=30)
    client.loop_start()
    try:
        info = client.publish("v1/devices/me/telemetry", json.dumps({"m": step}), qos=1)
        info.wait_for_publish(timeout=10)
        assert info.is_published()
    finally:
        client.disconnect()
        client.loop_stop()
    # the write is done once the device's latest value shows it
    assert wait_for(lambda: requests.get(
        f"{base_url}/api/plugins/telemetry/DEVICE/{device_id}/values/timeseries",
        params={"keys": "m", "useStrictDataTypes": "true"}, headers=admin, timeout=10).json().get("m", [{}])[0]
        .get("value") == step, timeout=10)


@pytest.mark.parametrize("write", [http_telemetry, http_attributes, admin_timeseries, mqtt_telemetry],
                         ids=["http-telemetry", "http-attributes", "admin-timeseries", "mqtt-telemetry"])
@pytest.mark.parametrize("path", [bulk_import, job_import], ids=["bulk_import", "job-api"])
def test_imports_after_key_value_writes(base_url, admin, reporter, mqtt_port, write, path):
    token, device_id = reporter
    for step in range(ROUNDS):
        write(base_url, admin, token, device_id, mqtt_port, step)
        write(base_url, admin, token, device_id, mqtt_port, step + 100)
        name = f"imp-{path.__name__}-{write.__name__}-{step}-{secrets.token_hex(3)}"
        path(base_url, admin, name)
        check_stored(base_url, admin, name)
