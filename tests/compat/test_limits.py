"""Issue 14's flood limits over real sockets, on a server of this module's own with small limits: the HTTP
listener's connection bound (more wait, then are served) and its request-head timeout (a client trickling header
bytes is closed), the MQTT listener's connection bound and CONNECT timeout, and CoAP's requests per endpoint per
second (4.29 Too Many Requests with Max-Age, other endpoints served). Every test is bounded in count and time."""
from __future__ import annotations

import json
import socket
import time

import pytest
import requests

from conftest import MusterServer, log_dir, server_binary
from muster_compat import wait_for
from test_coap_rules import CON, GET, NON, code, decode, encode, path_options
from test_mqtt_rules import connect_311, read_packet

HOST = "127.0.0.1"
TIMEOUT = 10
HTTP_MAX_CONNECTIONS = 4
HEADER_TIMEOUT_S = 2
MQTT_MAX_CONNECTIONS = 3
MQTT_CONNECT_TIMEOUT_S = 1
COAP_PER_SECOND = 5
MAX_AGE = 14  # CoAP option number (RFC 7252 §5.10.5)


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("limits-data")
    config = data_dir / "config.json"
    config.write_text(json.dumps({
        "http": {"maxConnections": HTTP_MAX_CONNECTIONS, "headerTimeout": HEADER_TIMEOUT_S},
        "mqtt": {"maxConnections": MQTT_MAX_CONNECTIONS, "connectTimeout": MQTT_CONNECT_TIMEOUT_S},
        "coap": {"peerRequestsPerSecond": COAP_PER_SECOND},
    }))
    server = MusterServer(server_binary(), data_dir, log_dir() / "server-limits.log",
                          extra_args=("--config", str(config)))
    try:
        server.start()
    except RuntimeError as e:
        server.stop()
        pytest.fail(str(e), pytrace=False)
    if not (server._mqtt_listening.wait(TIMEOUT) and server._coap_listening.wait(TIMEOUT)):
        server.stop()
        pytest.fail("MQTT or CoAP did not start\n" + server.tail(), pytrace=False)
    yield server
    assert server.stop() == 0, server.tail()


def http_port(server) -> int:
    return int(server.base_url.rsplit(":", 1)[1])


def health_request() -> bytes:
    return b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"


def read_status(sock) -> bytes:
    """The status line of one answer, or b'' when the connection was closed first."""
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return b""
        data += chunk
    return data.split(b"\r\n", 1)[0]


def test_http_connections_beyond_the_bound_wait_until_one_closes(limited_server):
    port = http_port(limited_server)
    held = [socket.create_connection((HOST, port), timeout=TIMEOUT) for _ in range(HTTP_MAX_CONNECTIONS)]
    try:
        for sock in held:  # each held connection is accepted and served
            sock.sendall(health_request())
            assert read_status(sock).startswith(b"HTTP/1.1 200"), "a connection within the bound was not served"
        extra = socket.create_connection((HOST, port), timeout=TIMEOUT)  # the kernel's queue takes it
        try:
            extra.sendall(health_request())
            extra.settimeout(1.0)
            with pytest.raises(socket.timeout):
                extra.recv(1)  # not accepted yet: no answer while the bound is held
            held.pop().close()
            extra.settimeout(TIMEOUT)
            assert read_status(extra).startswith(b"HTTP/1.1 200"), "the waiting connection was not served"
        finally:
            extra.close()
    finally:
        for sock in held:
            sock.close()


def test_http_client_trickling_its_header_is_closed(limited_server):
    port = http_port(limited_server)
    with socket.create_connection((HOST, port), timeout=TIMEOUT) as sock:
        opened = time.monotonic()
        closed = False
        # One header byte every 0.3 s: the idle timeout (60 s) never fires, the header timeout does.
        for byte in b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200:
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                closed = True
                break
            time.sleep(0.3)
            if time.monotonic() - opened > HEADER_TIMEOUT_S + 5:
                break
        if not closed:
            sock.settimeout(2)
            try:
                closed = sock.recv(1) == b""
            except ConnectionResetError:
                closed = True
        elapsed = time.monotonic() - opened
    assert closed, "a connection trickling its header was not closed"
    assert HEADER_TIMEOUT_S - 0.5 <= elapsed < HEADER_TIMEOUT_S + 5, elapsed
    # The listener still serves everyone else.
    assert requests.get(f"{limited_server.base_url}/api/health", timeout=TIMEOUT).status_code == 200


def test_http_slow_answer_is_not_cut_by_the_header_timeout(limited_server):
    # A request head sent at once, then a keep-alive connection reused after a pause shorter than the bound.
    with requests.Session() as session:
        assert session.get(f"{limited_server.base_url}/api/health", timeout=TIMEOUT).status_code == 200
        time.sleep(HEADER_TIMEOUT_S / 2)
        assert session.get(f"{limited_server.base_url}/api/health", timeout=TIMEOUT).status_code == 200


def test_mqtt_connections_beyond_the_bound_are_closed(limited_server):
    port = limited_server.mqtt_port
    held = [socket.create_connection((HOST, port), timeout=TIMEOUT) for _ in range(MQTT_MAX_CONNECTIONS)]
    try:
        time.sleep(0.2)  # every held connection is accepted (and counted) first
        with socket.create_connection((HOST, port), timeout=TIMEOUT) as extra:
            try:
                extra.sendall(connect_311("provision", client_id="provision"))
                assert read_packet(extra) == b"", "a connection beyond the bound got an answer"
            except ConnectionResetError:
                pass
    finally:
        for sock in held:
            sock.close()

    def accepted_again():
        try:
            with socket.create_connection((HOST, port), timeout=TIMEOUT) as sock:
                sock.sendall(connect_311("provision", client_id="provision"))
                return read_packet(sock) == b"\x20\x02\x00\x00"
        except OSError:
            return False

    assert wait_for(accepted_again, timeout=TIMEOUT), "the bound was not released when the connections closed"
    assert "the listener holds its maximum of connections" in limited_server.tail()


def test_mqtt_connection_silent_after_accept_is_closed(limited_server):
    with socket.create_connection((HOST, limited_server.mqtt_port), timeout=TIMEOUT) as sock:
        opened = time.monotonic()
        try:
            assert sock.recv(1) == b""
        except ConnectionResetError:
            pass
        elapsed = time.monotonic() - opened
    assert MQTT_CONNECT_TIMEOUT_S - 0.3 <= elapsed < MQTT_CONNECT_TIMEOUT_S + 2, elapsed


def coap_get(sock, port, message_id, type_=CON) -> dict:
    sock.sendto(encode(type_, GET, message_id, b"\x01", path_options("api/v1/provision")), (HOST, port))
    return decode(sock.recv(65536))


def test_coap_requests_beyond_the_per_endpoint_rate_get_4_29(limited_server):
    port = limited_server.coap_port
    # Wait for the start of a fresh one-second window, so that the burst below falls in one window.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as flooder, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as other:
        flooder.settimeout(TIMEOUT)
        other.settimeout(TIMEOUT)
        time.sleep(1.1)
        codes = [coap_get(flooder, port, 1000 + i)["code"] for i in range(COAP_PER_SECOND * 3)]
        limited = [c for c in codes if c == code(4, 29)]
        served = [c for c in codes if c == code(4, 5)]  # GET on provision: 4.05, from the resource
        assert len(served) >= COAP_PER_SECOND and len(limited) >= COAP_PER_SECOND, codes
        assert len(served) + len(limited) == len(codes), codes
        reply = coap_get(flooder, port, 2000)
        if reply["code"] == code(4, 29):
            assert reply["options"].get(MAX_AGE) == [b"\x01"], reply
            assert b"too many requests" in reply["payload"], reply
        # A retransmission (same Message ID) is answered from the exchange cache, not counted nor refused anew.
        assert coap_get(flooder, port, 1000)["code"] == codes[0]
        # Another endpoint is served meanwhile.
        assert coap_get(other, port, 3000)["code"] == code(4, 5)
        # The next window serves the flooder again.
        time.sleep(1.1)
        assert coap_get(flooder, port, 4000)["code"] == code(4, 5)
        # A non-confirmable request past the limit is answered 4.29 as a NON.
        replies = [coap_get(flooder, port, 5000 + i, type_=NON) for i in range(COAP_PER_SECOND + 1)]
        assert replies[-1]["code"] == code(4, 29) and replies[-1]["type"] == NON, replies[-1]
