"""Hostile packets over real sockets (issue 14): malformed, truncated, oversized and out-of-order MQTT packets, garbage
CoAP datagrams and malformed HTTP, sent at the running server. Each gets its documented answer or closes only its own
connection, while a healthy client connected before keeps being served, and new clients are served after."""
from __future__ import annotations

import json
import secrets
import socket
import struct
import time

import paho.mqtt.client as mqtt
import pytest
import requests

HOST = "127.0.0.1"
TIMEOUT = 5.0


# ---- helpers ------------------------------------------------------------------------------------------------------

def mqtt_string(text: str) -> bytes:
    data = text.encode()
    return struct.pack("!H", len(data)) + data


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value % 128, value // 128
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def connect_packet(client_id: str, username: str | None = None) -> bytes:
    flags = 0x02 | (0x80 if username else 0)
    body = mqtt_string("MQTT") + bytes([4, flags]) + struct.pack("!H", 30) + mqtt_string(client_id)
    if username:
        body += mqtt_string(username)
    return bytes([0x10]) + varint(len(body)) + body


def publish_packet(topic: str, payload: bytes, packet_id: int) -> bytes:
    body = mqtt_string(topic) + struct.pack("!H", packet_id) + payload
    return bytes([0x32]) + varint(len(body)) + body


def closed_by_server(sock: socket.socket, timeout: float = TIMEOUT) -> bool:
    """Reads until the server closes the connection (True) or the timeout passes (False)."""
    sock.settimeout(timeout)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            chunk = sock.recv(4096)
            if not chunk:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False
    return False


def raw_mqtt(port: int) -> socket.socket:
    return socket.create_connection((HOST, port), timeout=TIMEOUT)


@pytest.fixture(scope="module")
def device_token(base_url, rest) -> str:
    token = "hostile-" + secrets.token_hex(8)
    headers = {"X-Authorization": f"Bearer {rest.get_token()}"}
    reply = requests.post(f"{base_url}/api/device?accessToken={token}", headers=headers, timeout=10,
                          json={"name": "hostile-" + secrets.token_hex(4), "type": "hostile"})
    assert reply.status_code == 200, reply.text
    return token


class HealthyClient:
    """A paho MQTT 3.1.1 device session connected before the attack; publishes with QoS 1 and counts PUBACKs."""

    def __init__(self, port: int, token: str):
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="healthy-" + secrets.token_hex(4))
        self.client.username_pw_set(token)
        self.client.connect(HOST, port, keepalive=60)
        self.client.loop_start()
        deadline = time.monotonic() + TIMEOUT
        while not self.client.is_connected() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.client.is_connected(), "the healthy client did not connect"

    def still_served(self, n: int) -> bool:
        info = self.client.publish("v1/devices/me/telemetry", json.dumps({"healthy": n}), qos=1)
        info.wait_for_publish(timeout=TIMEOUT)
        return info.is_published() and self.client.is_connected()

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


# ---- MQTT ---------------------------------------------------------------------------------------------------------

MQTT_ATTACKS = {
    "garbage-before-connect": b"\x00\xff\x13\x37garbage",
    "publish-before-connect": publish_packet("v1/devices/me/telemetry", b"{}", 1),
    "subscribe-before-connect": b"\x82\x08\x00\x01\x00\x03a/b\x00",
    "remaining-length-of-five-bytes": b"\x10\xff\xff\xff\xff\x7f",
    "oversized-packet-announced": b"\x30" + varint(200 * 1024 * 1024) + b"x" * 64,
    "reserved-packet-type": b"\xf0\x00",
    "connect-with-bad-protocol-name": b"\x10\x0c\x00\x04XXXX\x04\x02\x00\x1e\x00\x00",
    "connect-with-reserved-flag": b"\x10\x0c\x00\x04MQTT\x04\x03\x00\x1e\x00\x00",
}


@pytest.mark.parametrize("attack", MQTT_ATTACKS.values(), ids=MQTT_ATTACKS.keys())
def test_malformed_mqtt_closes_only_its_own_connection(mqtt_port, device_token, attack):
    healthy = HealthyClient(mqtt_port, device_token)
    try:
        with raw_mqtt(mqtt_port) as sock:
            sock.sendall(attack)
            assert closed_by_server(sock), "the server kept a connection that sent a malformed packet"
        assert healthy.still_served(1)
    finally:
        healthy.close()


def test_second_connect_and_truncated_packets(mqtt_port, device_token):
    healthy = HealthyClient(mqtt_port, device_token)
    try:
        # A second CONNECT on a session is a protocol violation [MQTT-3.1.0-2]: the connection closes.
        with raw_mqtt(mqtt_port) as sock:
            sock.sendall(connect_packet("twice-" + secrets.token_hex(3), device_token))
            sock.settimeout(TIMEOUT)
            connack = sock.recv(4)
            assert connack[:1] == b"\x20" and connack[3:4] == b"\x00", connack
            sock.sendall(connect_packet("twice-again", device_token))
            assert closed_by_server(sock)
        # A PUBLISH cut short and the socket closed by the client: nothing is stored, nothing breaks.
        with raw_mqtt(mqtt_port) as sock:
            sock.sendall(connect_packet("cut-" + secrets.token_hex(3), device_token))
            sock.recv(4)
            whole = publish_packet("v1/devices/me/telemetry", b'{"cut":1}', 7)
            sock.sendall(whole[: len(whole) // 2])
        assert healthy.still_served(2)
    finally:
        healthy.close()


def test_mqtt_flood_of_bad_connections_then_new_clients_are_served(mqtt_port, device_token):
    for index in range(50):  # bounded in count
        with raw_mqtt(mqtt_port) as sock:
            sock.sendall(bytes([index % 256]) * 16)
    healthy = HealthyClient(mqtt_port, device_token)
    try:
        assert healthy.still_served(3)
    finally:
        healthy.close()


# ---- CoAP ---------------------------------------------------------------------------------------------------------

def coap_ping_ok(port: int) -> bool:
    """An empty CON (CoAP ping) must get a Reset with its message id."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(TIMEOUT)
        sock.sendto(b"\x40\x00\x12\x34", (HOST, port))
        answer, _ = sock.recvfrom(2048)
        return answer[:1] == b"\x70" and answer[2:4] == b"\x12\x34"


def test_coap_garbage_datagrams_then_the_server_still_answers(coap_port):
    attacks = [b"", b"\x00", b"\x80\x01\x00\x01", b"\x4f\x01\x00\x01", b"\x40\x01\x00\x01\xff",
               b"\x40\x01\x00\x01\xdd\xff\xff", bytes(range(256)) * 4, b"\xff" * 1500]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for _ in range(20):  # bounded in count
            for datagram in attacks:
                sock.sendto(datagram, (HOST, coap_port))
    assert coap_ping_ok(coap_port)


# ---- HTTP ---------------------------------------------------------------------------------------------------------

def http_raw(base_url: str, data: bytes) -> bytes:
    host, port = base_url.rsplit("//", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as sock:
        sock.sendall(data)
        sock.settimeout(TIMEOUT)
        chunks = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks):
                    break
        except (socket.timeout, ConnectionResetError):
            pass
        return b"".join(chunks)


HTTP_ATTACKS = {
    "garbage-request-line": b"GARBAGE\r\n\r\n",
    "header-without-colon": b"GET /api/health HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n",
    "bad-content-length": b"POST /api/v1/provision HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    "huge-header": b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n",
    "bad-chunked-body": (b"POST /api/v1/provision HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                         b"zz\r\nnot hex\r\n0\r\n\r\n"),
}


@pytest.mark.parametrize("attack", HTTP_ATTACKS.values(), ids=HTTP_ATTACKS.keys())
def test_malformed_http_gets_4xx_or_a_close_and_others_are_served(base_url, attack):
    answer = http_raw(base_url, attack)
    if answer:
        status = int(answer.split(b" ", 2)[1])
        assert 400 <= status < 500, answer[:200]
    assert requests.get(f"{base_url}/api/health", timeout=10).status_code == 200


def test_truncated_http_body_then_others_are_served(base_url):
    host, port = base_url.rsplit("//", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as sock:
        sock.sendall(b"POST /api/v1/provision HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"provisionDevice")
    bad_json = requests.post(f"{base_url}/api/v1/provision", data=b'{"provisionDeviceKey": ', timeout=10)
    assert bad_json.status_code == 400, bad_json.text
    assert requests.get(f"{base_url}/api/health", timeout=10).status_code == 200
