"""Prometheus metrics (issue 16), scraped from running servers: the counters move by the right amounts after
provisioning over HTTP, MQTT and CoAP (ThingsBoard's SDKs and aiocoap), an import job, a device session and a
cooling-off refusal; no label carries a token or a secret; `--metrics-port` serves them alone on their own port."""
import json
import re
import secrets

import pytest
import requests
from tb_device_http import TBHTTPDevice, TBProvisionFailure
from tb_device_mqtt import TBDeviceMqttClient
from tb_rest_client.rest_client import RestClient

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, start_server
from muster_compat import device_profile, sdk_provision_request, wait_for
from test_coap import aiocoap_request

SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$')
LABEL_RE = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def parse(text: str) -> list[tuple[str, dict, float]]:
    """Prometheus text format 0.0.4 → (name, labels, value) samples; every non-comment line must parse."""
    samples = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE_RE.match(line)
        assert m, f"not a sample line: {line!r}"
        samples.append((m.group(1), dict(LABEL_RE.findall(m.group(2) or "")), float(m.group(3))))
    return samples


def total(samples, name: str, **labels) -> float:
    """The sum of `name`'s samples whose labels include `labels` (0 when there is none)."""
    return sum(v for n, ls, v in samples if n == name and all(ls.get(k) == str(x) for k, x in labels.items()))


@pytest.fixture
def metrics_server():
    """A server with metrics on its HTTP port and a low failure limit (for the cooling-off refusal)."""
    server = start_server("muster-compat-metrics", "--metrics", "--provision-failure-limit", "2")
    yield server
    assert server.stop() == 0, server.tail()


def scrape(base: str) -> tuple[str, list]:
    reply = requests.get(f"{base}/metrics", timeout=10)
    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return reply.text, parse(reply.text)


def test_scrape_counts_provisioning_imports_sessions_and_refusals(metrics_server, run_id):
    base = metrics_server.base_url
    assert metrics_server._mqtt_listening.wait(30) and metrics_server._coap_listening.wait(30)
    rest = RestClient(base_url=base)
    rest.login(username=ADMIN_EMAIL, password=ADMIN_PASSWORD)
    admin = {"X-Authorization": f"Bearer {rest.get_token()}"}
    profile = f"metrics-{run_id}"
    key, secret = "mk-" + secrets.token_hex(8), "ms-" + secrets.token_hex(8)
    rest.save_device_profile(device_profile(profile, "ALLOW_CREATE_NEW_DEVICES", key, secret))
    _, before = scrape(base)
    assert total(before, "muster_provision_attempts_total") == 0

    # Provisioning over each transport with ThingsBoard's own clients: new devices, a re-send, a wrong secret.
    http_token = TBHTTPDevice.provision(base, f"m-http-{run_id}", key, secret).token
    assert TBHTTPDevice.provision(base, f"m-http-{run_id}", key, secret).token == http_token
    with pytest.raises(TBProvisionFailure):
        TBHTTPDevice.provision(base, f"m-wrong-{run_id}", key, secret + "-wrong")
    mqtt_credentials = TBDeviceMqttClient.provision(
        "127.0.0.1", key, secret, port=metrics_server.mqtt_port, device_name=f"m-mqtt-{run_id}")
    assert mqtt_credentials and mqtt_credentials["status"] == "SUCCESS", mqtt_credentials
    code, payload = aiocoap_request(metrics_server.coap_port, "POST", "api/v1/provision",
                                    json.dumps(sdk_provision_request(key, secret, device_name=f"m-coap-{run_id}")).encode())
    assert code == "2.01", payload
    coap_token = json.loads(payload)["credentialsValue"]

    # An import job: four rows created, one failed (a name repeated in the file).
    mapping = {"entityType": "DEVICE", "columns": [{"type": "NAME"}, {"type": "TYPE"}], "delimiter": ",",
               "header": True, "update": False}
    csv = "name,type\n" + "".join(f"m-imp-{run_id}-{i},meter\n" for i in range(4)) + f"m-imp-{run_id}-0,meter\n"
    reply = requests.post(f"{base}/api/imports", headers=admin, timeout=30, files={
        "mapping": (None, json.dumps(mapping), "application/json"), "file": ("d.csv", csv, "text/csv")})
    assert reply.status_code == 202, reply.text
    job_id = reply.json()["id"]
    job = wait_for(lambda: (lambda j: j if j["status"] != "RUNNING" else None)(
        requests.get(f"{base}/api/imports/{job_id}", headers=admin, timeout=10).json()), timeout=30)
    assert job and job["status"] == "DONE" and job["created"] == 4 and job["errors"] == 1, job

    # A device session on MQTT, open during one scrape, and telemetry through the device HTTP API (token in path).
    device = TBDeviceMqttClient("127.0.0.1", port=metrics_server.mqtt_port, username=coap_token)
    device.connect()
    try:
        assert wait_for(lambda: device.is_connected(), timeout=10)
        assert requests.post(f"{base}/api/v1/{http_token}/telemetry", json={"t": 1},
                             timeout=10).status_code == 200
        # The session is counted once the device's first message made it a device session.
        device.send_telemetry({"t": 2}).get()
        opened = wait_for(lambda: (lambda s: s if total(s, "muster_sessions_open", transport="MQTT") == 1 else None)(
            scrape(base)[1]), timeout=10)
        assert opened, "the MQTT device session was not counted"
    finally:
        device.disconnect()
    rest.stop()

    text, after = scrape(base)
    attempts = "muster_provision_attempts_total"
    assert total(after, attempts, transport="HTTP", profile=profile, outcome="SUCCESS", reason="PROVISIONED") == 1
    assert total(after, attempts, transport="HTTP", profile=profile, outcome="SUCCESS", reason="RESENT") == 1
    assert total(after, attempts, transport="HTTP", outcome="NOT_FOUND") == 1
    assert total(after, attempts, transport="MQTT", profile=profile, outcome="SUCCESS", reason="PROVISIONED") == 1
    assert total(after, attempts, transport="COAP", profile=profile, outcome="SUCCESS", reason="PROVISIONED") == 1
    assert total(after, attempts) == 5
    assert total(after, "muster_provision_duration_seconds_count", transport="HTTP") == 3
    assert total(after, "muster_provision_duration_seconds_count", transport="MQTT") == 1
    assert total(after, "muster_provision_duration_seconds_count", transport="COAP") == 1
    # Three new devices went through the store's group commit; the import's rows through one batch.
    assert total(after, "muster_store_batch_rows_sum", kind="provision") == 3
    assert total(after, "muster_store_batch_rows_sum", kind="import") == 4
    assert total(after, "muster_store_transaction_seconds_count", kind="import") == 1
    assert total(after, "muster_import_rows_total", outcome="created") == 4
    assert total(after, "muster_import_rows_total", outcome="failed") == 1
    assert total(after, "muster_import_rows_total", outcome="updated") == 0
    assert total(after, "muster_import_rows_per_second") == 0, "no job runs now"
    # ThingsBoard answers a refused provisioning with 200 and its status in the body.
    assert total(after, "muster_http_requests_total", method="POST", route="/api/v1/provision", status=200) == 3
    assert total(after, "muster_http_requests_total", method="POST", route="/api/v1/{token}/telemetry",
                 status=200) == 1
    assert total(after, "muster_http_request_duration_seconds_count", route="/api/imports", method="POST") == 1
    # No secret, key or token becomes a label.
    for value in [secret, key, http_token, coap_token,
                  mqtt_credentials.get("credentialsValue", "")]:
        assert not value or value not in text
    assert wait_for(lambda: total(scrape(base)[1], "muster_sessions_open", transport="MQTT") == 0, timeout=10)

    # Cooling off: the source failed once above; one more failure reaches the limit of 2, then it is refused.
    with pytest.raises(TBProvisionFailure):
        TBHTTPDevice.provision(base, f"m-wrong2-{run_id}", key, secret + "-wrong")
    refused = requests.post(f"{base}/api/v1/provision", json=sdk_provision_request(key, secret, device_name="x"),
                            timeout=10)
    assert refused.status_code == 429, refused.text
    _, final = scrape(base)
    assert total(final, "muster_provision_cooling_off_refusals_total", transport="HTTP", scope="source") == 1
    assert total(final, attempts, transport="HTTP", outcome="NOT_FOUND") == 2
    assert total(final, "muster_http_requests_total", method="POST", route="/api/v1/provision", status=429) == 1


def test_metrics_port_serves_the_scrape_alone(run_id):
    server = start_server("muster-compat-metrics-port", "--metrics-port", "0")
    try:
        port = wait_for(lambda: (lambda m: int(m.group(1)) if m else None)(
            re.search(r"metrics listening on 127\.0\.0\.1:(\d+)", server.tail())), timeout=20)
        assert port, server.tail()
        assert requests.post(f"{server.base_url}/api/health", json={}, timeout=10).status_code == 200
        reply = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
        assert reply.status_code == 200
        samples = parse(reply.text)
        assert total(samples, "muster_http_requests_total", method="POST", route="/api/health", status=200) == 1
        assert "muster_sessions_open" in reply.text
        # Not on the HTTP port, and nothing else on the metrics port.
        assert "# TYPE" not in requests.get(f"{server.base_url}/metrics", timeout=10).text
        assert requests.get(f"http://127.0.0.1:{port}/api/health", timeout=10).status_code == 404
    finally:
        assert server.stop() == 0, server.tail()


def test_metrics_are_off_by_default(base_url):
    reply = requests.get(f"{base_url}/metrics", timeout=10)
    assert "# TYPE" not in reply.text and "muster_" not in reply.text
