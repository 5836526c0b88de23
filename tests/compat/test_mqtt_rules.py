"""Issue 20's MQTT rules through real clients: Session Present (paho 3.1.1 and 5), QoS 2 acknowledged and stored
exactly once (mosquitto_pub -q 2, paho, and a raw socket re-sending with DUP), and provisioning sessions that never
publish closed within a bound, with a bound on concurrent unauthenticated connections (a server of its own with
small limits)."""
from __future__ import annotations

import json
import shutil
import socket
import struct
import subprocess
import threading
import time

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from tb_device_mqtt import TBDeviceMqttClient

from conftest import MusterServer, log_dir, server_binary
from muster_compat import wait_for

HOST = "127.0.0.1"
TIMEOUT = 10
needs_mosquitto = pytest.mark.skipif(shutil.which("mosquitto_pub") is None, reason="mosquitto-clients not installed")


def provisioned_token(mqtt_port, profile, name) -> str:
    creds = TBDeviceMqttClient.provision(HOST, profile["key"], profile["secret"], port=mqtt_port, device_name=name)
    assert creds and creds["status"] == "SUCCESS", creds
    return creds["credentialsValue"]


def history(rest, device_id, key) -> list:
    now = int(time.time() * 1000)
    data = rest.get_timeseries(device_id, start_ts=now - 3_600_000, end_ts=now + 3_600_000, keys=key,
                               use_strict_data_types=True, order_by="ASC", limit=100, agg="NONE")
    return [point.value for point in data.get(key, [])]


class PahoSession:
    """A paho client connected in its own network loop; records CONNACK flags and the disconnect reason."""

    def __init__(self, port, protocol, client_id, username=None, clean=True):
        kwargs = {"clean_session": clean} if protocol == paho.MQTTv311 else {}
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=protocol, **kwargs)
        if username is not None:
            self.client.username_pw_set(username)
        self.connected = threading.Event()
        self.disconnected = threading.Event()
        self.session_present = None
        self.reason = None
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        connect_kwargs = {"clean_start": clean} if protocol == paho.MQTTv5 else {}
        self.client.connect(HOST, port, keepalive=60, **connect_kwargs)
        self.client.loop_start()
        assert self.connected.wait(TIMEOUT), "no CONNACK"

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        self.session_present = flags.session_present
        self.reason = reason_code
        self.connected.set()

    def _on_disconnect(self, client, userdata, flags, reason_code, properties):
        self.disconnected.set()

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


# ------------------------------------------------------------------------------------------------------------------
# Session Present [MQTT-3.2.2-2, -3]: no session state is kept, so it is always 0
# ------------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("protocol", [paho.MQTTv311, paho.MQTTv5], ids=["3.1.1", "5"])
def test_session_present_is_zero_without_kept_state(mqtt_port, run_id, allow_profile, protocol):
    token = provisioned_token(mqtt_port, allow_profile, f"mqtt-sp-{protocol}-{run_id}")
    client_id = f"sp-{protocol}-{run_id}"
    first = PahoSession(mqtt_port, protocol, client_id, username=token, clean=False)
    try:
        assert first.reason == 0 and first.session_present is False  # a first-ever CONNECT has no session
        first.client.subscribe("v1/devices/me/attributes", qos=1)
    finally:
        first.close()
    again = PahoSession(mqtt_port, protocol, client_id, username=token, clean=False)
    try:
        assert again.reason == 0 and again.session_present is False  # its subscription was not kept
    finally:
        again.close()


# ------------------------------------------------------------------------------------------------------------------
# QoS 2: PUBREC, PUBREL, PUBCOMP, stored exactly once
# ------------------------------------------------------------------------------------------------------------------

@needs_mosquitto
@pytest.mark.parametrize("version", ["mqttv311", "mqttv5"])
def test_mosquitto_pub_qos2_is_stored_once(rest, mqtt_port, run_id, allow_profile, version):
    name = f"mqtt-q2-{version}-{run_id}"
    token = provisioned_token(mqtt_port, allow_profile, name)
    result = subprocess.run(["mosquitto_pub", "-h", HOST, "-p", str(mqtt_port), "-V", version, "-u", token, "-q", "2",
                             "-t", "v1/devices/me/telemetry", "-m", '{"q2":5}'],
                            capture_output=True, text=True, timeout=15)
    assert result.returncode == 0, result.stderr
    device_id = rest.get_tenant_device(name).id
    assert wait_for(lambda: history(rest, device_id, "q2") == [5])


@pytest.mark.parametrize("protocol", [paho.MQTTv311, paho.MQTTv5], ids=["3.1.1", "5"])
def test_paho_qos2_publish_completes_and_is_stored_once(rest, mqtt_port, run_id, allow_profile, protocol):
    name = f"mqtt-q2-paho-{protocol}-{run_id}"
    token = provisioned_token(mqtt_port, allow_profile, name)
    session = PahoSession(mqtt_port, protocol, f"q2-{protocol}-{run_id}", username=token)
    try:
        info = session.client.publish("v1/devices/me/telemetry", json.dumps({"paho_q2": 7}), qos=2)
        info.wait_for_publish(TIMEOUT)  # returns once PUBCOMP arrived
        assert info.is_published()
        assert not session.disconnected.is_set()
    finally:
        session.close()
    device_id = rest.get_tenant_device(name).id
    assert wait_for(lambda: history(rest, device_id, "paho_q2") == [7])


def mqtt_string(text: str) -> bytes:
    data = text.encode()
    return struct.pack("!H", len(data)) + data


def frame(first_byte: int, body: bytes) -> bytes:
    length, encoded = len(body), b""
    while True:
        byte, length = length % 128, length // 128
        encoded += bytes([byte | (0x80 if length else 0)])
        if not length:
            return bytes([first_byte]) + encoded + body


def connect_311(username: str, client_id: str = "") -> bytes:
    flags = 0x80 | 0x02  # user name, clean session
    return frame(0x10, b"\x00\x04MQTT\x04" + bytes([flags]) + struct.pack("!H", 0)
                 + mqtt_string(client_id) + mqtt_string(username))


def read_packet(sock) -> bytes:
    """One packet (fixed header included); b'' when the server closed the connection."""
    first = sock.recv(1)
    if not first:
        return b""
    length, shift, header = 0, 0, first
    while True:
        byte = sock.recv(1)
        header += byte
        length |= (byte[0] & 0x7F) << shift
        shift += 7
        if not byte[0] & 0x80:
            break
    body = b""
    while len(body) < length:
        chunk = sock.recv(length - len(body))
        assert chunk, "connection closed inside a packet"
        body += chunk
    return header + body


def test_qos2_resent_with_dup_before_pubrel_is_stored_once(rest, mqtt_port, run_id, allow_profile):
    name = f"mqtt-q2-dup-{run_id}"
    token = provisioned_token(mqtt_port, allow_profile, name)
    publish = mqtt_string("v1/devices/me/telemetry") + struct.pack("!H", 42) + b'{"dup_q2":1}'
    with socket.create_connection((HOST, mqtt_port), timeout=TIMEOUT) as sock:
        sock.sendall(connect_311(token))
        assert read_packet(sock) == b"\x20\x02\x00\x00"  # CONNACK accepted, no session present
        sock.sendall(frame(0x34, publish))  # QoS 2
        assert read_packet(sock) == b"\x50\x02\x00\x2a"  # PUBREC 42
        time.sleep(0.02)  # a second store would get a later timestamp, and so a second point
        sock.sendall(frame(0x3C, publish))  # the same PUBLISH again, DUP set
        assert read_packet(sock) == b"\x50\x02\x00\x2a"  # PUBREC again
        sock.sendall(b"\x62\x02\x00\x2a")  # PUBREL
        assert read_packet(sock) == b"\x70\x02\x00\x2a"  # PUBCOMP
        sock.sendall(b"\xe0\x00")  # DISCONNECT
    device_id = rest.get_tenant_device(name).id
    # both PUBRECs came after the core call, so a second store would already be there
    assert history(rest, device_id, "dup_q2") == [1]


# ------------------------------------------------------------------------------------------------------------------
# Provisioning sessions that never publish, and the bound on unauthenticated connections (a server of its own)
# ------------------------------------------------------------------------------------------------------------------

REQUEST_TIMEOUT_S = 3
UNAUTHENTICATED_LIMIT = 2


@pytest.fixture(scope="module")
def bounded_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("mqtt-rules-data")
    config = data_dir / "config.json"
    config.write_text(json.dumps({"mqtt": {"provisionRequestTimeout": REQUEST_TIMEOUT_S,
                                           "maxUnauthenticatedSessions": UNAUTHENTICATED_LIMIT}}))
    server = MusterServer(server_binary(), data_dir, log_dir() / "server-mqtt-rules.log",
                          extra_args=("--config", str(config)))
    try:
        server.start()
    except RuntimeError as e:
        server.stop()
        pytest.fail(str(e), pytrace=False)
    if not server._mqtt_listening.wait(TIMEOUT):
        server.stop()
        pytest.fail("no 'mqtt listening on' line\n" + server.tail(), pytrace=False)
    yield server
    assert server.stop() == 0, server.tail()


def provision_connection(port) -> socket.socket:
    sock = socket.create_connection((HOST, port), timeout=TIMEOUT)
    sock.sendall(connect_311("provision", client_id="provision"))
    assert read_packet(sock) == b"\x20\x02\x00\x00", "provisioning session not accepted"
    return sock


def test_provisioning_session_that_never_publishes_is_closed(bounded_server):
    with provision_connection(bounded_server.mqtt_port) as sock:
        opened = time.monotonic()
        assert read_packet(sock) == b""  # closed by the server (3.1.1: no DISCONNECT)
        elapsed = time.monotonic() - opened
    assert REQUEST_TIMEOUT_S - 0.5 <= elapsed < REQUEST_TIMEOUT_S + 2, elapsed


def test_mqtt5_provisioning_session_is_disconnected_with_maximum_connect_time(bounded_server):
    # A raw client: paho 2.1 reads a DISCONNECT's reason code only when more than 2 bytes follow the fixed header.
    connect_5 = frame(0x10, b"\x00\x04MQTT\x05" + bytes([0x82]) + struct.pack("!H", 0) + b"\x00"
                      + mqtt_string("provision") + mqtt_string("provision"))
    with socket.create_connection((HOST, bounded_server.mqtt_port), timeout=TIMEOUT) as sock:
        sock.sendall(connect_5)
        connack = read_packet(sock)
        assert connack[0] == 0x20 and connack[3] == 0x00, connack.hex()  # accepted, no session present
        opened = time.monotonic()
        assert read_packet(sock) == b"\xe0\x01\xa0"  # DISCONNECT 0xA0 Maximum connect time
        assert read_packet(sock) == b""
        elapsed = time.monotonic() - opened
    assert REQUEST_TIMEOUT_S - 0.5 <= elapsed < REQUEST_TIMEOUT_S + 2, elapsed


def test_unauthenticated_connections_are_bounded(bounded_server):
    port = bounded_server.mqtt_port
    held = [provision_connection(port) for _ in range(UNAUTHENTICATED_LIMIT)]
    try:
        with socket.create_connection((HOST, port), timeout=TIMEOUT) as extra:
            try:
                extra.sendall(connect_311("provision", client_id="provision"))
                assert read_packet(extra) == b""  # closed without CONNACK
            except ConnectionResetError:
                pass
    finally:
        for sock in held:
            sock.close()

    def accepted_again():
        try:
            provision_connection(port).close()
            return True
        except (AssertionError, OSError):
            return False

    assert wait_for(accepted_again, timeout=TIMEOUT), "the bound was not released when the sessions closed"
