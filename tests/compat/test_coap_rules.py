"""Issue 20's CoAP rules, where Muster follows RFC 7252/7959 rather than ThingsBoard: notifications larger than a
block carry Block2 (libcoap's coap-client and aiocoap get the whole change), Accept is honoured (4.06), unsupported
Content-Formats are refused (4.15), 4.13 carries Size1, message format errors in a CON get a Reset, provisioning
answers are labelled application/json, and GET on the provisioning resource is 4.05. Raw UDP datagrams where a
client library would not send what is tested."""
from __future__ import annotations

import asyncio
import json
import secrets
import shutil
import socket
import struct
import subprocess
import time

import pytest

from muster_compat import sdk_provision_request

COAP_CLIENT = shutil.which("coap-client-notls") or shutil.which("coap-client")
needs_libcoap = pytest.mark.skipif(COAP_CLIENT is None, reason="libcoap3-bin (coap-client-notls) is not installed")

CON, NON, ACK, RST = 0, 1, 2, 3
GET, POST = 1, 2
URI_PATH, CONTENT_FORMAT, ACCEPT, SIZE1 = 11, 12, 17, 60
JSON_FORMAT = 50
LARGE_VALUE = "x" * 5000


def code(class_: int, detail: int) -> int:
    return class_ << 5 | detail


def encode(type_, method, message_id, token, options, payload=b"") -> bytes:
    """A CoAP message written byte by byte (RFC 7252 §3); options as (number, bytes), in any order."""
    out = bytes([0x40 | type_ << 4 | len(token), method]) + struct.pack("!H", message_id) + token
    previous = 0
    for number, value in sorted(options, key=lambda option: option[0]):
        delta, length = number - previous, len(value)
        previous = number
        head, extra = 0, b""
        for nibble_shift, amount in ((4, delta), (0, length)):
            if amount < 13:
                head |= amount << nibble_shift
            elif amount < 269:
                head |= 13 << nibble_shift
                extra += bytes([amount - 13])
            else:
                head |= 14 << nibble_shift
                extra += struct.pack("!H", amount - 269)
        out += bytes([head]) + extra + value
    return out + (b"\xff" + payload if payload else b"")


def decode(datagram: bytes) -> dict:
    """type, code, message id, options {number: [values]} and payload of a well-formed message."""
    type_, token_length = datagram[0] >> 4 & 3, datagram[0] & 0x0F
    index, number, options = 4 + token_length, 0, {}
    while index < len(datagram) and datagram[index] != 0xFF:
        head = datagram[index]
        index += 1
        values = []
        for nibble in (head >> 4, head & 0x0F):
            if nibble == 13:
                values.append(datagram[index] + 13)
                index += 1
            elif nibble == 14:
                values.append(struct.unpack("!H", datagram[index:index + 2])[0] + 269)
                index += 2
            else:
                values.append(nibble)
        number += values[0]
        options.setdefault(number, []).append(datagram[index:index + values[1]])
        index += values[1]
    payload = datagram[index + 1:] if index < len(datagram) else b""
    return {"type": type_, "code": datagram[1], "mid": struct.unpack("!H", datagram[2:4])[0],
            "options": options, "payload": payload}


def uint(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""


def path_options(path: str) -> list:
    return [(URI_PATH, segment.encode()) for segment in path.split("/")]


def exchange(port: int, datagram: bytes, timeout: float = 10) -> bytes:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(datagram, ("127.0.0.1", port))
        return sock.recv(65536)


def request(port, method, path, options=(), payload=b"", type_=CON) -> dict:
    message_id = secrets.randbelow(0x10000)
    reply = decode(exchange(port, encode(type_, method, message_id, b"\x07\x08", path_options(path) + list(options),
                                         payload)))
    assert reply["mid"] == message_id or type_ == NON
    return reply


def provision_body(profile, name) -> bytes:
    return json.dumps(sdk_provision_request(profile["key"], profile["secret"], device_name=name)).encode()


def provision(port, profile, name) -> str:
    reply = request(port, POST, "api/v1/provision", payload=provision_body(profile, name))
    assert reply["code"] == code(2, 1), reply
    return json.loads(reply["payload"])["credentialsValue"]


# ---------------------------------------------------------------------------------------------------------------
# A notification larger than a block (RFC 7959 §2.6)
# ---------------------------------------------------------------------------------------------------------------

@needs_libcoap
def test_libcoap_receives_a_notification_larger_than_a_block(rest, coap_port, run_id, allow_profile):
    name = f"coap-bignote-lib-{run_id}"
    token = provision(coap_port, allow_profile, name)
    device_id = rest.get_tenant_device(name).id
    proc = subprocess.Popen([COAP_CLIENT, "-m", "get", "-s", "5", "-B", "8",
                             f"coap://127.0.0.1:{coap_port}/api/v1/{token}/attributes"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sent = []
    try:
        # A new 5,000-character value keeps coming until coap-client's observation ends, so changes arrive after it
        # registered; the registration's own answer can hold at most one of them.
        while proc.poll() is None:
            sent.append(f"{len(sent):04d}" + LARGE_VALUE[4:])
            rest.save_entity_attributes_v2(device_id, "SHARED_SCOPE", {"big": sent[-1]})
            time.sleep(0.5)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    received = [value for value in sent if json.dumps({"big": value}, separators=(",", ":")).encode() in out]
    assert len(received) >= 2, (len(out), err[-2000:])


def test_aiocoap_receives_a_notification_larger_than_a_block(rest, coap_port, run_id, allow_profile):
    import aiocoap

    name = f"coap-bignote-aio-{run_id}"
    token = provision(coap_port, allow_profile, name)
    device_id = rest.get_tenant_device(name).id

    async def observe():
        ctx = await aiocoap.Context.create_client_context()
        try:
            msg = aiocoap.Message(code=aiocoap.GET, uri=f"coap://127.0.0.1:{coap_port}/api/v1/{token}/attributes",
                                  observe=0)
            req = ctx.request(msg)
            first = await asyncio.wait_for(req.response, 10)
            assert first.opt.observe is not None
            notifications = req.observation.__aiter__()
            await asyncio.get_running_loop().run_in_executor(
                None, lambda: rest.save_entity_attributes_v2(device_id, "SHARED_SCOPE", {"big": LARGE_VALUE}))
            note = await asyncio.wait_for(notifications.__anext__(), 10)
            req.observation.cancel()
            return json.loads(note.payload)
        finally:
            await ctx.shutdown()

    assert asyncio.run(observe()) == {"big": LARGE_VALUE}


def test_raw_notification_carries_block2_and_the_rest_is_fetched(rest, coap_port, run_id, allow_profile):
    name = f"coap-bignote-raw-{run_id}"
    token = provision(coap_port, allow_profile, name)
    device_id = rest.get_tenant_device(name).id
    path = f"api/v1/{token}/attributes"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(10)
        sock.sendto(encode(CON, GET, 1, b"\x0b", path_options(path) + [(6, b"")]), ("127.0.0.1", coap_port))
        registered = decode(sock.recv(65536))
        assert 6 in registered["options"], registered  # Observe
        rest.save_entity_attributes_v2(device_id, "SHARED_SCOPE", {"big": LARGE_VALUE})
        raw = sock.recv(65536)
        note = decode(raw)
        assert len(raw) <= 1152 and note["type"] == CON and 23 in note["options"], (len(raw), note["options"])
        sock.sendto(encode(ACK, 0, note["mid"], b"", []), ("127.0.0.1", coap_port))
        body, number = note["payload"], 1
        block = int.from_bytes(note["options"][23][0], "big")
        while block & 0x08:  # M bit: fetch the next block with a plain GET (RFC 7959 §2.6)
            sock.sendto(encode(CON, GET, 100 + number, b"\x0c", path_options(path) + [(23, uint(number << 4 | 6))]),
                        ("127.0.0.1", coap_port))
            reply = decode(sock.recv(65536))
            assert reply["code"] == code(2, 5), reply
            block = int.from_bytes(reply["options"][23][0], "big")
            assert block >> 4 == number
            body += reply["payload"]
            number += 1
    assert json.loads(body) == {"big": LARGE_VALUE}


# ---------------------------------------------------------------------------------------------------------------
# Content-Format and Accept
# ---------------------------------------------------------------------------------------------------------------

def test_accept_that_cannot_be_met_is_4_06(coap_port, run_id, allow_profile):
    token = provision(coap_port, allow_profile, f"coap-accept-{run_id}")
    assert request(coap_port, GET, f"api/v1/{token}/attributes", [(ACCEPT, uint(0))])["code"] == code(4, 6)
    assert request(coap_port, POST, "api/v1/provision", [(ACCEPT, uint(60))],
                   provision_body(allow_profile, f"coap-accept2-{run_id}"))["code"] == code(4, 6)
    assert request(coap_port, GET, ".well-known/core", [(ACCEPT, uint(JSON_FORMAT))])["code"] == code(4, 6)
    # an Accept that can be met is answered as usual
    assert request(coap_port, GET, ".well-known/core", [(ACCEPT, uint(40))])["code"] == code(2, 5)


def test_unsupported_content_format_on_post_is_4_15(rest, coap_port, run_id, allow_profile):
    name = f"coap-cf-{run_id}"
    refused = request(coap_port, POST, "api/v1/provision", [(CONTENT_FORMAT, uint(60))],
                      provision_body(allow_profile, name))
    assert refused["code"] == code(4, 15)
    assert rest.get_tenant_devices(page_size=10, page=0, text_search=name).data == []  # nothing provisioned
    token = provision(coap_port, allow_profile, name)
    assert request(coap_port, POST, f"api/v1/{token}/telemetry", [(CONTENT_FORMAT, uint(41))],
                   b'{"t":1}')["code"] == code(4, 15)
    assert request(coap_port, POST, f"api/v1/{token}/telemetry", [(CONTENT_FORMAT, uint(JSON_FORMAT))],
                   b'{"t":1}')["code"] == code(2, 1)


def test_provisioning_answer_is_labelled_application_json(coap_port, run_id, allow_profile):
    reply = request(coap_port, POST, "api/v1/provision", payload=provision_body(allow_profile, f"coap-cf50-{run_id}"))
    assert reply["code"] == code(2, 1)
    assert reply["options"].get(CONTENT_FORMAT) == [uint(JSON_FORMAT)]
    assert json.loads(reply["payload"])["status"] == "SUCCESS"


# ---------------------------------------------------------------------------------------------------------------
# 4.05, 4.13 with Size1, Reset for message format errors
# ---------------------------------------------------------------------------------------------------------------

def test_get_on_provision_is_4_05(coap_port):
    assert request(coap_port, GET, "api/v1/provision")["code"] == code(4, 5)


def test_oversize_request_is_4_13_with_size1(coap_port):
    big = encode(CON, POST, 0x1313, b"\x01", path_options("api/v1/provision"), b"{" + b" " * 20_000 + b"}")
    reply = decode(exchange(coap_port, big))
    assert reply["code"] == code(4, 13) and reply["mid"] == 0x1313
    assert int.from_bytes(reply["options"][SIZE1][0], "big") == 1152
    assert b"2048" not in reply["payload"]  # the size of a cut datagram is not made up


@pytest.mark.parametrize("datagram", [
    encode(CON, POST, 0x0F0F, b"\x01", path_options("api/v1/provision")) + b"\xff",  # payload marker, no payload
    bytes([0x41, POST, 0x0F, 0x0F, 0x01, 0xF1, 0x00]),  # option delta 15 (reserved)
    bytes([0x41, POST, 0x0F, 0x0F, 0x01, 0xB5]) + b"ap",  # option value cut short
], ids=["empty-payload-after-marker", "reserved-option-delta", "truncated-option"])
def test_message_format_error_in_a_con_gets_a_reset(coap_port, datagram):
    reply = decode(exchange(coap_port, datagram))
    assert reply["type"] == RST and reply["code"] == 0 and reply["mid"] == 0x0F0F


def test_message_format_error_in_a_non_is_ignored_and_the_server_keeps_serving(coap_port):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(10)
        sock.sendto(bytes([0x51, POST, 0x0E, 0x0E, 0x01, 0xF1, 0x00]), ("127.0.0.1", coap_port))
        # a ping after it is answered, and nothing was sent for the NON before it
        sock.sendto(bytes([0x40, 0x00, 0x0D, 0x0D]), ("127.0.0.1", coap_port))
        reply = decode(sock.recv(2048))
    assert reply["type"] == RST and reply["mid"] == 0x0D0D
