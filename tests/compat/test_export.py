"""Export in the import's dialect (issue 16): 10,000 devices imported with every column type are exported with their
credentials, imported into a fresh server with the mapping the export gave, and compared through the REST API; an
export without credentials leaves them out; exports are audited."""
import base64
import csv
import io
import json
import random

import requests

from conftest import admin_headers as admin, start_server as start
from muster_compat import self_signed_pem, wait_for

ROWS = 10_000
TIMEOUT = 60


def import_job(base: str, headers: dict, mapping: dict, text: str) -> dict:
    files = {"mapping": (None, json.dumps(mapping), "application/json"), "file": ("d.csv", text, "text/csv")}
    reply = requests.post(f"{base}/api/imports", headers=headers, files=files, timeout=TIMEOUT)
    assert reply.status_code == 202, reply.text
    job_id = reply.json()["id"]
    job = wait_for(lambda: (lambda j: j if j["status"] != "RUNNING" else None)(
        requests.get(f"{base}/api/imports/{job_id}", headers=headers, timeout=TIMEOUT).json()), timeout=TIMEOUT)
    assert job is not None, f"import job {job_id} still running"
    return job


def source_file(run_id: str) -> tuple[dict, str]:
    """ROWS devices with every column type: two profiles, labels, descriptions, gateways, typed and inferred
    server/shared attributes (a string that looks like a number, longs, doubles, booleans, JSON), telemetry, and
    access-token, MQTT-basic and X.509 credentials."""
    columns = [{"type": "NAME"}, {"type": "TYPE"}, {"type": "LABEL"}, {"type": "DESCRIPTION"}, {"type": "IS_GATEWAY"},
               {"type": "SERVER_ATTRIBUTE", "key": "serial", "valueType": "STRING"},
               {"type": "SERVER_ATTRIBUTE", "key": "count"},
               {"type": "SHARED_ATTRIBUTE", "key": "ratio"}, {"type": "SHARED_ATTRIBUTE", "key": "enabled"},
               {"type": "SHARED_ATTRIBUTE", "key": "config"}, {"type": "TIMESERIES", "key": "temperature"},
               {"type": "ACCESS_TOKEN"}, {"type": "MQTT_CLIENT_ID"}, {"type": "MQTT_USER_NAME"},
               {"type": "MQTT_PASSWORD"}, {"type": "X509"}]
    rng = random.Random(7)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c["type"] for c in columns])
    certificates = [self_signed_pem(f"export-{run_id}-{i}") for i in range(3)]
    for i in range(ROWS):
        kind = i % 10
        token = f"tok-{run_id}-{i}" if kind < 7 else ""
        mqtt = (f"cid-{run_id}-{i}", f"user-{i}", f"pw-{i}") if kind in (7, 8) else ("", "", "")
        x509 = certificates[i % 3] if kind == 9 and i < 30 else ""
        writer.writerow([
            f"exp-{run_id}-{i:05d}", "meter" if i % 2 else "tracker", f"L{i}" if i % 3 else "",
            f"desc, \"{i}\"" if i % 5 == 0 else "", "true" if i % 7 == 0 else "",
            f"{i:07d}", str(rng.randint(-10**12, 10**12)), repr(rng.uniform(-1000, 1000)) if i % 4 else "2.0",
            "true" if i % 2 else "false", json.dumps({"n": i, "tags": ["a", "b"]}) if i % 6 == 0 else "",
            str(rng.randint(0, 100)) if i % 8 else "=1+1", token, *mqtt, x509])
    return {"entityType": "DEVICE", "columns": columns, "delimiter": ",", "header": True, "update": False}, \
        out.getvalue()


def device(base, headers, name):
    reply = requests.get(f"{base}/api/tenant/devices", params={"deviceName": name}, headers=headers, timeout=TIMEOUT)
    assert reply.status_code == 200, reply.text
    return reply.json()


def described(base, headers, name) -> dict:
    """Everything the REST API says about the device called `name`, without ids and times."""
    d = device(base, headers, name)
    entity = f"{base}/api/plugins/telemetry/DEVICE/{d['id']['id']}"
    attributes = {scope: sorted((a["key"], json.dumps(a["value"])) for a in requests.get(
        f"{entity}/values/attributes/{scope}", headers=headers, timeout=TIMEOUT).json())
        for scope in ("SERVER_SCOPE", "SHARED_SCOPE")}
    latest = requests.get(f"{entity}/values/timeseries", params={"useStrictDataTypes": "true"}, headers=headers,
                          timeout=TIMEOUT).json()
    credentials = requests.get(f"{base}/api/device/{d['id']['id']}/credentials", headers=headers,
                               timeout=TIMEOUT).json()
    return {"name": d["name"], "type": d["type"], "label": d.get("label"), "info": d.get("additionalInfo"),
            "attributes": {s: [kv for kv in a if kv[0] != "provisionState"] for s, a in attributes.items()},
            "telemetry": {k: json.dumps(v[0]["value"]) for k, v in latest.items()},
            "credentials": (credentials["credentialsType"], credentials["credentialsId"],
                            credentials.get("credentialsValue"))}


def test_export_then_import_into_a_fresh_server_restores_every_device(run_id):
    source, target = start("muster-compat-export-a"), start("muster-compat-export-b")
    try:
        a, b = admin(source.base_url), admin(target.base_url)
        mapping, text = source_file(run_id)
        job = import_job(source.base_url, a, mapping, text)
        assert job["status"] == "DONE" and job["created"] == ROWS and job["errors"] == 0, job

        reply = requests.get(f"{source.base_url}/api/imports/export",
                             params={"entityType": "DEVICE", "includeCredentials": "true"}, headers=a, timeout=TIMEOUT)
        assert reply.status_code == 200, reply.text
        assert reply.headers["Content-Type"].startswith("text/csv")
        exported = reply.text
        exported_mapping = json.loads(base64.b64decode(reply.headers["X-Muster-Import-Mapping"]))
        alone = requests.get(f"{source.base_url}/api/imports/export/mapping",
                             params={"includeCredentials": "true"}, headers=a, timeout=TIMEOUT).json()
        assert alone == exported_mapping
        lines = exported.split("\r\n")
        assert lines[-1] == "" and len(lines) == ROWS + 2  # header, rows, the final CRLF
        header = next(csv.reader([lines[0]]))
        assert header[:5] == ["name", "type", "label", "description", "isGateway"]
        assert {"server:serial", "server:count", "shared:ratio", "shared:enabled", "shared:config",
                "telemetry:temperature", "accessToken", "x509"} <= set(header)
        types = {(c["type"], c.get("key")): c.get("valueType") for c in exported_mapping["columns"]}
        assert types[("SERVER_ATTRIBUTE", "serial")] == "STRING", "'0000042' must stay a string"
        assert types[("SERVER_ATTRIBUTE", "count")] == "LONG"
        assert types[("TIMESERIES", "temperature")] is None, "longs and the string '=1+1': inferred"

        job = import_job(target.base_url, b, exported_mapping, exported)
        assert job["status"] == "DONE" and job["created"] == ROWS and job["errors"] == 0, job

        # The same devices on both servers: the export of the copy is the export of the original, byte for byte.
        again = requests.get(f"{target.base_url}/api/imports/export", params={"includeCredentials": "true"},
                             headers=b, timeout=TIMEOUT)
        assert again.text == exported
        # And through the REST API, device by device, for a spread of rows of every kind.
        for i in list(range(0, 40)) + [ROWS - 1, 4321, 777]:
            name = f"exp-{run_id}-{i:05d}"
            assert described(target.base_url, b, name) == described(source.base_url, a, name), name
        sample = described(target.base_url, b, f"exp-{run_id}-00009")
        assert sample["credentials"][0] == "X509_CERTIFICATE"
        assert ("serial", json.dumps("0000009")) in sample["attributes"]["SERVER_SCOPE"]
        gateway = described(target.base_url, b, f"exp-{run_id}-00000")
        assert gateway["info"] == {"gateway": True, "description": 'desc, "0"'}
        assert gateway["telemetry"] == {"temperature": json.dumps("=1+1")}

        # Without includeCredentials: no credentials column; both exports are in the audit log.
        plain = requests.get(f"{source.base_url}/api/imports/export", headers=a, timeout=TIMEOUT)
        assert not {"accessToken", "mqttClientId", "x509"} & set(next(csv.reader([plain.text.split("\r\n")[0]])))
        assert f"tok-{run_id}-1" not in plain.text
        audit = requests.get(f"{source.base_url}/api/audit/logs", params={"pageSize": 50, "page": 0}, headers=a,
                             timeout=TIMEOUT).json()
        details = [e.get("details") for e in audit["data"] if e.get("action") == "EXPORT"]
        assert "DEVICE, without credentials" in details and "DEVICE, with credentials" in details, audit
    finally:
        assert source.stop() == 0, source.tail()
        assert target.stop() == 0, target.tail()


def test_export_is_for_tenant_admins_and_checks_its_parameters(base_url):
    admin_headers = admin(base_url)
    assert requests.get(f"{base_url}/api/imports/export", timeout=TIMEOUT).status_code == 401
    reply = requests.get(f"{base_url}/api/imports/export", params={"entityType": "GADGET"}, headers=admin_headers,
                         timeout=TIMEOUT)
    assert reply.status_code == 400 and "entityType" in reply.json()["message"]
    reply = requests.get(f"{base_url}/api/imports/export", params={"profileId": "nope"}, headers=admin_headers,
                         timeout=TIMEOUT)
    assert reply.status_code == 400
    assets = requests.get(f"{base_url}/api/imports/export/mapping",
                          params={"entityType": "ASSET", "includeCredentials": "true"}, headers=admin_headers,
                          timeout=TIMEOUT).json()
    assert assets["entityType"] == "ASSET"
    assert not [c for c in assets["columns"] if c["type"] in ("ACCESS_TOKEN", "X509", "IS_GATEWAY")]
