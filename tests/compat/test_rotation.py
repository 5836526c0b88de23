"""Rotating a profile's provision secret with an overlap, and a provision key's expiry (issue 16), over HTTP, MQTT and
CoAP with ThingsBoard's own clients: during the overlap both secrets provision, after it the old one gets NOT_FOUND
as a wrong secret does, and the audit says which secret each device used."""
import json
import secrets
import subprocess
import time

import pytest
import requests
from tb_device_http import TBHTTPDevice, TBProvisionFailure
from tb_device_mqtt import TBDeviceMqttClient

from muster_compat import sdk_provision_request
from test_coap import aiocoap_request

TIMEOUT = 30


def save_profile(base_url, headers, body: dict) -> dict:
    reply = requests.post(f"{base_url}/api/deviceProfile", headers=headers, json=body, timeout=TIMEOUT)
    assert reply.status_code == 200, reply.text
    return reply.json()


def provision_status(transport: str, base_url, mqtt_port, coap_port, key, secret, name) -> str:
    """The provisioning answer's status through ThingsBoard's client of `transport`."""
    if transport == "HTTP":
        try:
            TBHTTPDevice.provision(base_url, name, key, secret)
            return "SUCCESS"
        except TBProvisionFailure as failure:
            return failure.args[0]["status"]
    if transport == "MQTT":
        # mosquitto_rr: the answer's own status (tb-mqtt-client returns nothing for every other outcome, a lost
        # connection included).
        done = subprocess.run(
            ["mosquitto_rr", "-h", "127.0.0.1", "-p", str(mqtt_port), "-u", "provision", "-t", "/provision/request",
             "-e", "/provision/response", "-m", json.dumps(sdk_provision_request(key, secret, device_name=name)),
             "-W", "10"], capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)["status"]
    code, payload = aiocoap_request(coap_port, "POST", "api/v1/provision",
                                    json.dumps(sdk_provision_request(key, secret, device_name=name)).encode())
    return json.loads(payload)["status"]


@pytest.mark.usefixtures("mosquitto_clients")
def test_rotation_overlap_and_expiry_over_every_transport(rest, base_url, mqtt_port, coap_port, run_id):
    headers = {"X-Authorization": f"Bearer {rest.get_token()}"}
    key = "rot-key-" + secrets.token_hex(6)
    old, new = "rot-old-" + secrets.token_hex(6), "rot-new-" + secrets.token_hex(6)
    profile = save_profile(base_url, headers, {
        "name": f"rotation-{run_id}", "provisionType": "ALLOW_CREATE_NEW_DEVICES", "provisionDeviceKey": key,
        "profileData": {"provisionConfiguration": {"type": "ALLOW_CREATE_NEW_DEVICES", "provisionDeviceSecret": old}}})
    transports = ("HTTP", "MQTT", "COAP")

    # Rotate: the new secret at once, the old one for another minute.
    overlap_end = int(time.time() * 1000) + 60_000
    profile["profileData"]["provisionConfiguration"].update(
        {"provisionDeviceSecret": new, "previousSecretValidUntil": overlap_end})
    rotated = save_profile(base_url, headers, profile)
    configuration = rotated["profileData"]["provisionConfiguration"]
    assert configuration["previousProvisionDeviceSecret"] == old
    assert configuration["previousSecretValidUntil"] == overlap_end
    for transport in transports:
        t = transport.lower()
        assert provision_status(transport, base_url, mqtt_port, coap_port, key, old, f"rot-old-{t}-{run_id}") == "SUCCESS"
        assert provision_status(transport, base_url, mqtt_port, coap_port, key, new, f"rot-new-{t}-{run_id}") == "SUCCESS"
    # ThingsBoard's MQTT client, unchanged, with the old secret during the overlap.
    assert TBDeviceMqttClient.provision("127.0.0.1", key, old, port=mqtt_port, device_name=f"rot-sdk-{run_id}")

    # End the overlap now: the old secret is a wrong secret on every transport; the new one still works.
    rotated["profileData"]["provisionConfiguration"]["previousSecretValidUntil"] = 0
    ended = save_profile(base_url, headers, rotated)
    assert "previousProvisionDeviceSecret" not in ended["profileData"]["provisionConfiguration"]
    for transport in transports:
        t = transport.lower()
        assert provision_status(transport, base_url, mqtt_port, coap_port, key, old,
                                f"rot-late-{t}-{run_id}") == "NOT_FOUND"
        assert provision_status(transport, base_url, mqtt_port, coap_port, key, new,
                                f"rot-after-{t}-{run_id}") == "SUCCESS"

    # The audit says which secret each device used during the overlap.
    def entries():
        reply = requests.get(f"{base_url}/api/audit/logs", headers=headers, timeout=TIMEOUT,
                             params={"profileId": rotated["id"]["id"], "pageSize": 100, "page": 0})
        assert reply.status_code == 200, reply.text
        return {e.get("entityName"): e for e in reply.json()["data"]}

    deadline = time.monotonic() + 10
    while len(entries()) < 12 and time.monotonic() < deadline:
        time.sleep(0.2)
    logged = entries()
    for transport in transports:
        t = transport.lower()
        assert logged[f"rot-old-{t}-{run_id}"]["details"] == "secret: previous (rotation overlap)"
        assert logged[f"rot-new-{t}-{run_id}"]["details"] == "secret: current (rotation overlap)"
        assert logged[f"rot-late-{t}-{run_id}"]["actionFailureDetails"] == "SECRET_MISMATCH"
        assert logged[f"rot-late-{t}-{run_id}"]["actionData"]["transport"] == transport
    assert old not in json.dumps(logged) and new not in json.dumps(logged)

    # Expiry: past validUntil the key admits no device, on every transport.
    ended["profileData"]["provisionConfiguration"]["validUntil"] = int(time.time() * 1000) - 1
    expired = save_profile(base_url, headers, ended)
    assert expired["profileData"]["provisionConfiguration"]["validUntil"] > 0
    for transport in transports:
        assert provision_status(transport, base_url, mqtt_port, coap_port, key, new,
                                f"rot-expired-{transport.lower()}-{run_id}") == "NOT_FOUND"


def test_rotation_fields_are_checked(rest, base_url, run_id):
    headers = {"X-Authorization": f"Bearer {rest.get_token()}"}
    reply = requests.post(f"{base_url}/api/deviceProfile", headers=headers, timeout=TIMEOUT, json={
        "name": f"rotation-bad-{run_id}", "provisionType": "ALLOW_CREATE_NEW_DEVICES", "provisionDeviceKey": "k-" + run_id,
        "profileData": {"provisionConfiguration": {"type": "ALLOW_CREATE_NEW_DEVICES", "provisionDeviceSecret": "s",
                                                   "validUntil": "tomorrow"}}})
    assert reply.status_code == 400 and "validUntil" in reply.json()["message"], reply.text


@pytest.mark.usefixtures("mosquitto_clients")
def test_budget_over_every_transport(rest, base_url, mqtt_port, coap_port, run_id):
    headers = {"X-Authorization": f"Bearer {rest.get_token()}"}
    key, secret = "bud-key-" + secrets.token_hex(6), "bud-secret-" + secrets.token_hex(6)
    profile = save_profile(base_url, headers, {
        "name": f"budget-{run_id}", "provisionType": "ALLOW_CREATE_NEW_DEVICES", "provisionDeviceKey": key,
        "profileData": {"provisionConfiguration": {"type": "ALLOW_CREATE_NEW_DEVICES", "provisionDeviceSecret": secret,
                                                   "maxDevices": 3}}})
    assert profile["profileData"]["provisionConfiguration"]["maxDevices"] == 3
    transports = ("HTTP", "MQTT", "COAP")
    for transport in transports:
        assert provision_status(transport, base_url, mqtt_port, coap_port, key, secret,
                                f"bud-{transport.lower()}-{run_id}") == "SUCCESS"
    for transport in transports:
        assert provision_status(transport, base_url, mqtt_port, coap_port, key, secret,
                                f"bud-over-{transport.lower()}-{run_id}") == "NOT_FOUND"
    # A re-send of a device the key created still gets its credentials.
    assert provision_status("HTTP", base_url, mqtt_port, coap_port, key, secret, f"bud-http-{run_id}") == "SUCCESS"
    stored = requests.get(f"{base_url}/api/deviceProfile/{profile['id']['id']}", headers=headers, timeout=TIMEOUT).json()
    assert stored["profileData"]["provisionConfiguration"]["devicesCreated"] == 3

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        entries = requests.get(f"{base_url}/api/audit/logs", headers=headers, timeout=TIMEOUT,
                               params={"profileId": profile["id"]["id"], "pageSize": 100, "page": 0}).json()["data"]
        refused = [e for e in entries if e.get("actionFailureDetails") == "BUDGET_EXHAUSTED"]
        if len(refused) == 3:
            break
        time.sleep(0.2)
    assert sorted(e["actionData"]["transport"] for e in refused) == sorted(transports)

    # Raising the budget admits one more.
    stored["profileData"]["provisionConfiguration"]["maxDevices"] = 4
    save_profile(base_url, headers, stored)
    assert provision_status("COAP", base_url, mqtt_port, coap_port, key, secret, f"bud-more-{run_id}") == "SUCCESS"
    assert provision_status("MQTT", base_url, mqtt_port, coap_port, key, secret, f"bud-more2-{run_id}") == "NOT_FOUND"
