"""The CoAP transport (issue 5) driven by real CoAP clients: aiocoap (Python) and libcoap's `coap-client-notls`,
plus a raw UDP socket for retransmissions. Admin checks go through the REST SDK."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import secrets
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time

import pytest

from muster_compat import new_device, pem_body, sdk_provision_request, wait_for

COAP_CLIENT = shutil.which("coap-client-notls") or shutil.which("coap-client")
# tests/compat/run.sh installs libcoap3-bin or fails: a missing coap-client is an error, never a skip.
needs_libcoap = pytest.mark.usefixtures("libcoap_client")


# ---------------------------------------------------------------------------------------------------------------
# Clients
# ---------------------------------------------------------------------------------------------------------------

def aiocoap_request(port: int, method: str, path: str, payload: bytes = b"", query: str = ""):
    """One aiocoap request (block-wise handled by aiocoap); returns (code string like '2.01', payload bytes)."""
    import aiocoap

    async def run():
        ctx = await aiocoap.Context.create_client_context()
        try:
            uri = f"coap://127.0.0.1:{port}/{path}" + (f"?{query}" if query else "")
            msg = aiocoap.Message(code=getattr(aiocoap, method), uri=uri, payload=payload)
            resp = await asyncio.wait_for(ctx.request(msg).response, 20)
            return f"{int(resp.code) >> 5}.{int(resp.code) & 0x1F:02d}", resp.payload
        finally:
            await ctx.shutdown()

    return asyncio.run(run())


def libcoap_request(port: int, method: str, path: str, payload: bytes | None = None, block: int | None = None):
    """One coap-client-notls request; returns (stdout bytes, stderr text). The payload goes through a file."""
    cmd = [COAP_CLIENT, "-m", method.lower(), "-B", "20"]
    tmp = None
    if payload is not None:
        tmp = tempfile.NamedTemporaryFile(delete=False)
        tmp.write(payload)
        tmp.close()
        cmd += ["-f", tmp.name]
    if block is not None:
        cmd += ["-b", str(block)]
    cmd.append(f"coap://127.0.0.1:{port}/{path}")
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=30)
    finally:
        if tmp is not None:
            os.unlink(tmp.name)
    return done.stdout, done.stderr.decode("utf-8", errors="replace")


def raw_provision_datagram(message_id: int, token: bytes, payload: bytes) -> bytes:
    """CON POST /api/v1/provision written byte by byte (RFC 7252 §3)."""
    header = bytes([0x40 | len(token), 0x02]) + struct.pack("!H", message_id) + token
    options = bytes([0xB3]) + b"api" + bytes([0x02]) + b"v1" + bytes([0x09]) + b"provision"
    return header + options + b"\xff" + payload


def rsa_pem(common_name: str) -> str:
    """A self-signed RSA-2048 certificate: its JSON request is larger than one 1024-byte block."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365)).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def body(key, secret, **kw) -> bytes:
    return json.dumps(sdk_provision_request(key, secret, **kw)).encode()


# ---------------------------------------------------------------------------------------------------------------
# aiocoap
# ---------------------------------------------------------------------------------------------------------------

def test_aiocoap_allow_create_access_token_and_resend(rest, coap_port, run_id, allow_profile):
    name = f"coap-aio-{run_id}"
    code, payload = aiocoap_request(coap_port, "POST", "api/v1/provision",
                                    body(allow_profile["key"], allow_profile["secret"], device_name=name))
    assert code == "2.01", payload
    first = json.loads(payload)
    assert first["status"] == "SUCCESS" and first["credentialsType"] == "ACCESS_TOKEN"
    code, payload = aiocoap_request(coap_port, "POST", "api/v1/provision",
                                    body(allow_profile["key"], allow_profile["secret"], device_name=name))
    assert code == "2.01"
    assert json.loads(payload) == first  # decision 1: a re-send returns the existing credentials
    assert rest.get_tenant_device(name).name == name


def test_aiocoap_wrong_secret_and_wrong_key(coap_port, run_id, allow_profile):
    code, payload = aiocoap_request(coap_port, "POST", "api/v1/provision",
                                    body(allow_profile["key"], "wrong-secret", device_name=f"coap-bad-{run_id}"))
    assert code == "4.00"
    assert json.loads(payload) == {"errorMsg": "Provision data was not found!", "status": "NOT_FOUND"}
    code, payload = aiocoap_request(coap_port, "POST", "api/v1/provision",
                                    body("no-such-key", "s", device_name=f"coap-bad-{run_id}"))
    assert code == "4.00" and json.loads(payload)["status"] == "NOT_FOUND"


def test_aiocoap_check_pre_provisioned(rest, coap_port, run_id, check_profile):
    name = f"coap-pre-{run_id}"
    token = "coap-pre-" + secrets.token_hex(6)
    rest.save_device(new_device(name, check_profile["id"]), access_token=token)
    code, payload = aiocoap_request(coap_port, "POST", "api/v1/provision",
                                    body(check_profile["key"], check_profile["secret"], device_name=name))
    assert code == "2.01", payload
    assert json.loads(payload)["credentialsValue"] == token
    code, payload = aiocoap_request(coap_port, "POST", "api/v1/provision",
                                    body(check_profile["key"], check_profile["secret"], device_name=f"ghost-{run_id}"))
    assert code == "4.00" and json.loads(payload) == {"errorMsg": "Failed to provision device!", "status": "FAILURE"}


def test_aiocoap_mqtt_basic_credentials(rest, coap_port, run_id, allow_profile):
    name = f"coap-basic-{run_id}"
    code, payload = aiocoap_request(coap_port, "POST", "api/v1/provision", body(
        allow_profile["key"], allow_profile["secret"], device_name=name,
        client_id=f"coap-cid-{run_id}", username=f"coap-user-{run_id}", password="pw-123"))
    assert code == "2.01", payload
    answer = json.loads(payload)
    assert answer["credentialsType"] == "MQTT_BASIC"
    assert answer["credentialsValue"] == {"clientId": f"coap-cid-{run_id}", "userName": f"coap-user-{run_id}",
                                          "password": "pw-123"}


def test_aiocoap_x509_through_block1(rest, coap_port, run_id, allow_profile):
    name = f"coap-x509-{run_id}"
    pem = rsa_pem(name)
    request = body(allow_profile["key"], allow_profile["secret"], device_name=name, hash=pem)
    assert len(request) > 1024  # needs Block1
    code, payload = aiocoap_request(coap_port, "POST", "api/v1/provision", request)
    assert code == "2.01", payload
    answer = json.loads(payload)  # longer than one block too: Block2
    assert answer["credentialsType"] == "X509_CERTIFICATE"
    assert answer["credentialsValue"] == pem_body(pem)
    creds = rest.get_device_credentials_by_device_id(rest.get_tenant_device(name).id)
    assert creds.credentials_value == pem_body(pem)


def test_aiocoap_telemetry_attributes_and_observe(rest, coap_port, run_id, allow_profile):
    import aiocoap

    name = f"coap-obs-{run_id}"
    code, payload = aiocoap_request(coap_port, "POST", "api/v1/provision",
                                    body(allow_profile["key"], allow_profile["secret"], device_name=name))
    token = json.loads(payload)["credentialsValue"]
    device_id = rest.get_tenant_device(name).id

    code, _ = aiocoap_request(coap_port, "POST", f"api/v1/{token}/telemetry", b'{"temperature":21.5}')
    assert code == "2.01"
    latest = rest.get_latest_timeseries(device_id, keys="temperature", use_strict_data_types=True)
    assert latest["temperature"][0].value == 21.5
    assert aiocoap_request(coap_port, "POST", f"api/v1/{token}/attributes", b'{"fw":"2.0"}')[0] == "2.01"
    code, payload = aiocoap_request(coap_port, "GET", f"api/v1/{token}/attributes", query="clientKeys=fw")
    assert code == "2.05" and json.loads(payload) == {"client": {"fw": "2.0"}}
    assert aiocoap_request(coap_port, "GET", f"api/v1/{token}/attributes", query="clientKeys=nothing")[0] == "4.04"
    assert aiocoap_request(coap_port, "POST", "api/v1/not-a-token/telemetry", b'{"a":1}')[0] == "4.01"
    assert aiocoap_request(coap_port, "POST", f"api/v1/{token}/telemetry", b"not json")[0] == "4.00"

    async def observe():
        ctx = await aiocoap.Context.create_client_context()
        try:
            msg = aiocoap.Message(code=aiocoap.GET, uri=f"coap://127.0.0.1:{coap_port}/api/v1/{token}/attributes",
                                  observe=0)
            req = ctx.request(msg)
            first = await asyncio.wait_for(req.response, 10)
            assert first.code == aiocoap.CONTENT and first.opt.observe is not None
            notifications = req.observation.__aiter__()
            await asyncio.get_running_loop().run_in_executor(
                None, lambda: rest.save_entity_attributes_v2(device_id, "SHARED_SCOPE", {"target": 42}))
            note = await asyncio.wait_for(notifications.__anext__(), 10)
            req.observation.cancel()
            return json.loads(note.payload)
        finally:
            await ctx.shutdown()

    assert asyncio.run(observe()) == {"target": 42}


# ---------------------------------------------------------------------------------------------------------------
# Raw UDP: a retransmitted confirmable request
# ---------------------------------------------------------------------------------------------------------------

def test_retransmitted_confirmable_provisions_once(rest, coap_port, run_id, allow_profile):
    name = f"coap-retx-{run_id}"
    datagram = raw_provision_datagram(0x5A5A, b"\x01\x02\x03\x04",
                                      body(allow_profile["key"], allow_profile["secret"], device_name=name))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(10)
        sock.sendto(datagram, ("127.0.0.1", coap_port))
        first = sock.recv(2048)
        sock.sendto(datagram, ("127.0.0.1", coap_port))
        second = sock.recv(2048)
    assert first == second
    assert first[1] == 0x41  # 2.01
    assert first[2:4] == b"\x5a\x5a"  # piggy-backed ACK with the request's Message ID
    answer = json.loads(first[first.index(b"\xff") + 1:])
    devices = rest.get_tenant_devices(page_size=100, page=0, text_search=name).data
    assert [d.name for d in devices] == [name]
    creds = rest.get_device_credentials_by_device_id(devices[0].id)
    assert creds.credentials_id == answer["credentialsValue"]


# ---------------------------------------------------------------------------------------------------------------
# libcoap
# ---------------------------------------------------------------------------------------------------------------

@needs_libcoap
def test_libcoap_provision_resend_wrong_secret_and_telemetry(rest, coap_port, run_id, allow_profile):
    name = f"coap-lib-{run_id}"
    out, err = libcoap_request(coap_port, "POST", "api/v1/provision",
                               body(allow_profile["key"], allow_profile["secret"], device_name=name))
    first = json.loads(out)
    assert first["status"] == "SUCCESS", err
    out, _ = libcoap_request(coap_port, "POST", "api/v1/provision",
                             body(allow_profile["key"], allow_profile["secret"], device_name=name))
    assert json.loads(out) == first
    out, err = libcoap_request(coap_port, "POST", "api/v1/provision",
                               body(allow_profile["key"], "nope", device_name=name))
    assert "4.00" in err + out.decode()
    token = first["credentialsValue"]
    out, err = libcoap_request(coap_port, "POST", f"api/v1/{token}/telemetry", b'{"humidity":55}')
    # coap-client prints a response code only for an error (e.g. "4.01 Unauthorized"); 2.04 with no payload
    # prints nothing at all.
    assert out == b"" and err.strip() == "", (out, err)
    device_id = rest.get_tenant_device(name).id
    stored = wait_for(lambda: rest.get_latest_timeseries(device_id, keys="humidity", use_strict_data_types=True)
                      .get("humidity"))
    assert stored and stored[0].value == 55, stored


@needs_libcoap
def test_libcoap_check_pre_provisioned_and_x509_block1(rest, coap_port, run_id, check_profile, allow_profile):
    name = f"coap-libpre-{run_id}"
    token = "coap-libpre-" + secrets.token_hex(6)
    rest.save_device(new_device(name, check_profile["id"]), access_token=token)
    out, err = libcoap_request(coap_port, "POST", "api/v1/provision",
                               body(check_profile["key"], check_profile["secret"], device_name=name))
    assert json.loads(out)["credentialsValue"] == token, err

    x509_name = f"coap-libx509-{run_id}"
    pem = rsa_pem(x509_name)
    out, err = libcoap_request(coap_port, "POST", "api/v1/provision",
                               body(allow_profile["key"], allow_profile["secret"], device_name=x509_name, hash=pem),
                               block=512)
    answer = json.loads(out)
    assert answer["credentialsType"] == "X509_CERTIFICATE", err
    assert answer["credentialsValue"] == pem_body(pem)


@needs_libcoap
def test_libcoap_observe_notification(rest, coap_port, run_id, allow_profile):
    name = f"coap-libobs-{run_id}"
    out, _ = libcoap_request(coap_port, "POST", "api/v1/provision",
                             body(allow_profile["key"], allow_profile["secret"], device_name=name))
    token = json.loads(out)["credentialsValue"]
    device_id = rest.get_tenant_device(name).id
    rest.save_entity_attributes_v2(device_id, "SHARED_SCOPE", {"mode": "std"})
    # Unbuffered output (stdbuf), read as it comes: the first answer to the registration shows that the
    # observation is registered, and only then does the change happen.
    proc = subprocess.Popen(["stdbuf", "-o0", COAP_CLIENT, "-m", "get", "-s", "8", "-B", "10",
                             f"coap://127.0.0.1:{coap_port}/api/v1/{token}/attributes"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.extend(iter(lambda: os.read(proc.stdout.fileno(), 4096), b"")),
                              daemon=True)
    reader.start()
    try:
        assert wait_for(lambda: b'"mode":"std"' in b"".join(chunks), timeout=10), chunks
        rest.save_entity_attributes_v2(device_id, "SHARED_SCOPE", {"mode": "eco"})
        assert wait_for(lambda: b'"mode":"eco"' in b"".join(chunks), timeout=10), chunks
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def test_well_known_core_lists_resources(coap_port):
    code, payload = aiocoap_request(coap_port, "GET", ".well-known/core")
    assert code == "2.05"
    assert b"</api/v1/provision>" in payload
