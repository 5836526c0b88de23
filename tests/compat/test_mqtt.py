"""Provisioning and the device API over MQTT (spec §3.1, §3.4), driven by tb-mqtt-client's TBDeviceMqttClient and by
Debian's mosquitto clients, checked back through the REST SDK."""
import json
import shutil
import subprocess
import threading
import time

import pytest
from tb_device_mqtt import TBDeviceMqttClient

from muster_compat import pem_body, self_signed_pem, sha3_hex, wait_for

HOST = "127.0.0.1"
# tests/compat/run.sh installs mosquitto-clients or fails: a missing client is an error, never a skip.
needs_mosquitto = pytest.mark.usefixtures("mosquitto_clients")


def provision(mqtt_port, profile, **kw):
    return TBDeviceMqttClient.provision(HOST, profile["key"], profile["secret"], port=mqtt_port, **kw)


def connected_client(mqtt_port, **kw) -> TBDeviceMqttClient:
    client = TBDeviceMqttClient(HOST, port=mqtt_port, **kw)
    client.connect()
    assert wait_for(client.is_connected, timeout=10), "tb-mqtt-client did not connect"
    return client


def latest(rest, device_id, key):
    data = rest.get_latest_timeseries(device_id, keys=key, use_strict_data_types=True)
    return [point.value for point in data.get(key, [])]


def test_provision_access_token_then_telemetry_and_shared_attributes(rest, mqtt_port, run_id, allow_profile):
    name = f"mqtt-tok-{run_id}"
    creds = provision(mqtt_port, allow_profile, device_name=name)
    assert creds["status"] == "SUCCESS" and creds["credentialsType"] == "ACCESS_TOKEN", creds
    token = creds["credentialsValue"]
    device_id = rest.get_tenant_device(name).id

    client = connected_client(mqtt_port, username=token)
    try:
        # telemetry with PUBACK (QoS 1: result code 0 once acknowledged)
        assert client.send_telemetry({"temperature": 21.5}).get() == 0
        assert client.send_attributes({"firmware": "1.0"}).get() == 0
        assert wait_for(lambda: latest(rest, device_id, "temperature") == [21.5])

        # a shared attribute set over REST is pushed to the subscribed session
        # (the SDK subscribes from its network thread after CONNACK, with no way to wait for the SUBACK: the change
        # is repeated with a new value until a push arrives, and the push must carry the value last set)
        received = []
        event = threading.Event()
        client.subscribe_to_attribute("target", lambda content, *_: (received.append(content), event.set()))
        target = 41
        deadline = time.monotonic() + 10
        while not event.is_set() and time.monotonic() < deadline:
            target += 1
            rest.save_entity_attributes_v2(device_id, "SHARED_SCOPE", {"target": target})
            event.wait(0.5)
        assert event.is_set(), "no shared-attribute update"
        assert wait_for(lambda: {"target": target} in received), received

        # and read back with an attribute request
        answers = []
        done = threading.Event()
        client.request_attributes(client_keys=["firmware"], shared_keys=["target"],
                                  callback=lambda content, *_: (answers.append(content), done.set()))
        assert done.wait(10), "no attribute response"
        assert answers[0] == {"client": {"firmware": "1.0"}, "shared": {"target": target}}
    finally:
        client.disconnect()


def test_provision_mqtt_basic_then_connect(rest, mqtt_port, run_id, allow_profile):
    name = f"mqtt-basic-{run_id}"
    creds = provision(mqtt_port, allow_profile, device_name=name, client_id=f"cid-{run_id}", username=f"user-{run_id}",
                      password="pw-1")
    assert creds["status"] == "SUCCESS" and creds["credentialsType"] == "MQTT_BASIC", creds
    assert creds["credentialsValue"] == {"clientId": f"cid-{run_id}", "userName": f"user-{run_id}", "password": "pw-1"}
    client = connected_client(mqtt_port, client_id=f"cid-{run_id}", username=f"user-{run_id}", password="pw-1")
    try:
        assert client.send_telemetry({"basic": 1}).get() == 0
        assert wait_for(lambda: latest(rest, rest.get_tenant_device(name).id, "basic") == [1])
    finally:
        client.disconnect()


def test_provision_x509_hash(rest, mqtt_port, run_id, allow_profile):
    body = pem_body(self_signed_pem(f"mqtt-x509-{run_id}"))
    name = f"mqtt-x509-{run_id}"
    creds = provision(mqtt_port, allow_profile, device_name=name, hash=body)
    assert creds["status"] == "SUCCESS" and creds["credentialsType"] == "X509_CERTIFICATE", creds
    assert creds["credentialsValue"] == body
    stored = rest.get_device_credentials_by_device_id(rest.get_tenant_device(name).id)
    assert stored.credentials_id == sha3_hex(body)


def test_provision_failure_carries_error_msg(mqtt_port, allow_profile):
    creds = TBDeviceMqttClient.provision(HOST, allow_profile["key"], "wrong-secret", port=mqtt_port, device_name="x")
    assert creds is None  # the SDK returns credentials only on SUCCESS


# ------------------------------------------------------------------------------------------------------------------
# mosquitto clients
# ------------------------------------------------------------------------------------------------------------------

def mosquitto(*args, timeout=15):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=timeout)


@needs_mosquitto
def test_mosquitto_rr_provisions_over_mqtt5(mqtt_port, run_id, allow_profile):
    request = json.dumps({"provisionDeviceKey": allow_profile["key"], "provisionDeviceSecret": allow_profile["secret"],
                          "deviceName": f"mqtt-rr-{run_id}"})
    result = mosquitto("mosquitto_rr", "-h", HOST, "-p", str(mqtt_port), "-u", "provision", "-t", "/provision/request",
                       "-e", "/provision/response", "-m", request, "-W", "10")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["status"] == "SUCCESS" and answer["credentialsType"] == "ACCESS_TOKEN"


@needs_mosquitto
@pytest.mark.parametrize("version", ["mqttv311", "mqttv5"])
def test_mosquitto_pub_telemetry_with_token(rest, mqtt_port, run_id, allow_profile, version):
    name = f"mqtt-pub-{version}-{run_id}"
    token = provision(mqtt_port, allow_profile, device_name=name)["credentialsValue"]
    result = mosquitto("mosquitto_pub", "-h", HOST, "-p", str(mqtt_port), "-V", version, "-u", token, "-q", "1",
                       "-t", "v1/devices/me/telemetry", "-m", '{"pub":7}')
    assert result.returncode == 0, result.stderr
    assert wait_for(lambda: latest(rest, rest.get_tenant_device(name).id, "pub") == [7])


@needs_mosquitto
@pytest.mark.parametrize("version,code", [("mqttv311", "5"), ("mqttv5", "134")])
def test_mosquitto_pub_bad_token_is_refused(mqtt_port, version, code):
    result = mosquitto("mosquitto_pub", "-d", "-h", HOST, "-p", str(mqtt_port), "-V", version, "-u", "no-such-token",
                       "-P", "pw", "-t", "v1/devices/me/telemetry", "-m", "{}")
    assert result.returncode != 0
    assert f"received CONNACK ({code})" in result.stdout + result.stderr


@needs_mosquitto
def test_mosquitto_sub_receives_shared_attribute_update(rest, mqtt_port, run_id, allow_profile):
    name = f"mqtt-sub-{run_id}"
    token = provision(mqtt_port, allow_profile, device_name=name)["credentialsValue"]
    device_id = rest.get_tenant_device(name).id
    # stdbuf: mosquitto_sub block-buffers its -d log into a pipe; line buffering lets us see SUBACK.
    sub = subprocess.Popen(["stdbuf", "-oL", "mosquitto_sub", "-d", "-h", HOST, "-p", str(mqtt_port), "-u", token, "-q", "1",
                            "-t", "v1/devices/me/attributes", "-C", "1", "-W", "15"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            line = sub.stdout.readline()
            lines.append(line)
            if "received SUBACK" in line:
                break
        assert any("received SUBACK" in line for line in lines), "".join(lines)
        rest.save_entity_attributes_v2(device_id, "SHARED_SCOPE", {"mode": "eco"})
        out, _ = sub.communicate(timeout=15)
        assert sub.returncode == 0, out
        assert '{"mode":"eco"}' in out
    finally:
        if sub.poll() is None:
            sub.kill()
