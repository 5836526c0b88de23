"""`--log-format json` (issue 16): one JSON object per line, with the request id, transport, profile, device and
outcome of each provisioning attempt at debug level, and never a secret."""
import json
import secrets

import pytest
import requests
from tb_device_http import TBHTTPDevice, TBProvisionFailure
from tb_rest_client.rest_client import RestClient

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, log_dir, start_server
from muster_compat import device_profile


def test_json_log_lines_describe_attempts_without_secrets(run_id):
    server = start_server("muster-compat-json-log", "--log-format", "json", "--log-level", "debug")
    log = log_dir() / "muster-compat-json-log.log"
    try:
        rest = RestClient(base_url=server.base_url)
        rest.login(username=ADMIN_EMAIL, password=ADMIN_PASSWORD)
        key, secret = "jk-" + secrets.token_hex(8), "js-" + secrets.token_hex(8)
        profile = f"json-{run_id}"
        rest.save_device_profile(device_profile(profile, "ALLOW_CREATE_NEW_DEVICES", key, secret))
        rest.stop()
        token = TBHTTPDevice.provision(server.base_url, f"json-dev-{run_id}", key, secret).token
        with pytest.raises(TBProvisionFailure):
            TBHTTPDevice.provision(server.base_url, f"json-bad-{run_id}", key, secret + "-wrong")
        assert requests.post(f"{server.base_url}/api/v1/{token}/telemetry", json={"t": 1}, timeout=10).ok
    finally:
        assert server.stop() == 0, server.tail()

    lines = log.read_text().splitlines()
    # The server's stdout (start-up lines, `muster: …`) shares the file; every other line is one JSON object.
    records = [json.loads(line) for line in lines if not line.startswith(("muster:", "$ "))]
    assert records, "no JSON log line"
    for record in records:
        assert {"time", "level", "label", "message"} <= record.keys(), record
    attempts = [r for r in records if r["message"] == "provisioning attempt"]
    assert [(r["transport"], r["profile"], r["outcome"], r["reason"]) for r in attempts] == [
        ("HTTP", profile, "SUCCESS", "PROVISIONED"), ("HTTP", profile, "NOT_FOUND", "SECRET_MISMATCH")]
    assert attempts[0]["device"] == f"json-dev-{run_id}"
    assert all(r.get("hb.request.id") for r in attempts)
    text = "\n".join(lines)
    for value in [secret, token, ADMIN_PASSWORD]:
        assert value not in text
