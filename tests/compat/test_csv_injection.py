"""Issue 14: cells of the CSV files Muster writes are neutralised against spreadsheet formulas, and Muster's own
import reads them back unchanged (README, "Bulk import").

A row whose name is a classic formula payload fails (its access token has a space); the job's errors CSV holds the
name with a leading `'`; importing that errors CSV again (token and error columns skipped) creates the device under
the original name, with a negative number still stored as a number.
"""
import csv
import io
import json

import requests

from muster_compat import wait_for

PAYLOAD = "=cmd|' /C calc'!A0"


def run_job(base_url, admin, columns, text):
    mapping = {"entityType": "DEVICE", "columns": columns, "delimiter": ",", "header": True, "update": False}
    files = {"mapping": (None, json.dumps(mapping), "application/json"), "file": ("devices.csv", text, "text/csv")}
    reply = requests.post(f"{base_url}/api/imports", headers=admin, files=files, timeout=30)
    assert reply.status_code == 202, reply.text
    job_id = reply.json()["id"]
    job = wait_for(lambda: (lambda j: j if j["status"] != "RUNNING" else None)(
        requests.get(f"{base_url}/api/imports/{job_id}", headers=admin, timeout=10).json()), timeout=30)
    assert job is not None, f"import job {job_id} still running after 30 s"
    assert job["status"] == "DONE", job
    return job


def test_errors_csv_is_neutralised_and_imports_back_unchanged(base_url, rest, run_id):
    admin = {"X-Authorization": f"Bearer {rest.get_token()}"}
    name = f"{PAYLOAD}-{run_id}"
    columns = [{"type": "NAME"}, {"type": "TYPE"}, {"type": "TIMESERIES", "key": "temp"},
               {"type": "SERVER_ATTRIBUTE", "key": "formula"}, {"type": "SERVER_ATTRIBUTE", "key": "note"},
               {"type": "ACCESS_TOKEN"}]
    source = io.StringIO()
    csv.writer(source, lineterminator="\r\n").writerows([
        ["name", "type", "temp", "formula", "note", "token"],
        [name, f"csv-guard-{run_id}", "-5", "@SUM(1+1)", "'quoted already", "has space"],
    ])
    job = run_job(base_url, admin, columns, source.getvalue())
    assert job["created"] == 0 and job["errors"] == 1, job

    reply = requests.get(f"{base_url}/api/imports/{job['id']}/errors.csv", headers=admin, timeout=10)
    assert reply.status_code == 200, reply.text
    rows = list(csv.reader(io.StringIO(reply.text)))
    assert rows[0] == ["name", "type", "temp", "formula", "note", "token", "error"]
    failed = rows[1]
    assert failed[0] == "'" + name, "a cell starting with = is written after a single quote"
    assert failed[2] == "-5", "a plain negative number is left as it is"
    assert failed[3] == "'@SUM(1+1)"
    assert failed[4] == "'quoted already", "a quote before a harmless character is left as it is"
    assert failed[6].startswith("Line 2: ")
    assert not any(cell[:1] in ("=", "+", "@", "\t", "\r") for row in rows for cell in row)

    # The errors CSV imported again, its token and error columns skipped: the original values come back.
    again = run_job(base_url, admin, columns[:5] + [{"type": "SKIP"}, {"type": "SKIP"}], reply.text)
    assert again["created"] == 1 and again["errors"] == 0, again
    device = requests.get(f"{base_url}/api/tenant/device", params={"deviceName": name}, headers=admin, timeout=10)
    assert device.status_code == 200, device.text
    assert device.json()["name"] == name
    device_id = device.json()["id"]["id"]
    latest = requests.get(f"{base_url}/api/plugins/telemetry/DEVICE/{device_id}/values/timeseries",
                          params={"keys": "temp", "useStrictDataTypes": "true"}, headers=admin, timeout=10).json()
    assert latest["temp"][0]["value"] == -5
    attrs = requests.get(f"{base_url}/api/plugins/telemetry/DEVICE/{device_id}/values/attributes/SERVER_SCOPE",
                         params={"keys": "formula,note"}, headers=admin, timeout=10).json()
    assert {a["key"]: a["value"] for a in attrs} == {"formula": "@SUM(1+1)", "note": "'quoted already"}
