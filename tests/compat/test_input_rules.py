"""Inputs that broke or misled (issue 20), each driven through a real client: `requests`, tb-rest-client,
mosquitto_pub (MQTT 3.1.1 and 5), aiocoap. Provisioning requests that must FAIL, and the small bulk-import limit,
run against a server of their own so that they never add to the shared server's per-source failure count."""
from __future__ import annotations

import asyncio
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import urllib.parse
from pathlib import Path

import pytest
import requests
from tb_rest_client.models import BulkImportRequest, ColumnMapping, Mapping
from tb_rest_client.rest import ApiException

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, MusterServer, log_dir, server_binary
from muster_compat import device_profile, error_body, new_device, pem_body, self_signed_pem, wait_for

HOST = "127.0.0.1"
needs_mosquitto = pytest.mark.skipif(shutil.which("mosquitto_pub") is None, reason="mosquitto-clients not installed")
OUT_OF_RANGE = ['{"huge":1e400}', '{"huge":1e309}', '{"huge":-1e999}', '{"huge":99999999999999999999}']


# ---------------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------------

def jwt(base_url: str) -> dict:
    r = requests.post(f"{base_url}/api/auth/login", json={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
                      timeout=30)
    r.raise_for_status()
    return {"X-Authorization": "Bearer " + r.json()["token"]}


def make_device(rest, name: str, profile_id: str | None = None, token: str | None = None):
    token = token or "ir-" + secrets.token_hex(8)
    return rest.save_device(new_device(name, profile_id), access_token=token), token


def telemetry_url(base_url: str, token: str, kind: str = "telemetry") -> str:
    return f"{base_url}/api/v1/{urllib.parse.quote(token, safe='')}/{kind}"


def latest_raw(base_url, headers, device_id, keys, strict=True):
    r = requests.get(f"{base_url}/api/plugins/telemetry/DEVICE/{device_id}/values/timeseries",
                     params={"keys": keys, "useStrictDataTypes": "true" if strict else "false"}, headers=headers,
                     timeout=30)
    return r


def coap(port: int, method: str, path_segments: tuple[str, ...], payload: bytes = b""):
    """One aiocoap request whose Uri-Path options are exactly `path_segments` (not re-encoded)."""
    import aiocoap

    async def run():
        ctx = await aiocoap.Context.create_client_context()
        try:
            msg = aiocoap.Message(code=getattr(aiocoap, method), payload=payload, uri_path=path_segments)
            msg.remote = aiocoap.message.UndecidedRemote("coap", f"{HOST}:{port}")
            resp = await asyncio.wait_for(ctx.request(msg).response, 20)
            return f"{int(resp.code) >> 5}.{int(resp.code) & 0x1F:02d}", resp.payload
        finally:
            await ctx.shutdown()

    return asyncio.run(run())


def mosquitto_pub(port: int, token: str, message: str, version: str = "mqttv5", qos: int = 1):
    return subprocess.run(["mosquitto_pub", "-h", HOST, "-p", str(port), "-u", token, "-V", version, "-q", str(qos),
                           "-t", "v1/devices/me/telemetry", "-m", message, "-d"],
                          capture_output=True, text=True, timeout=15)


@pytest.fixture
def device(rest, run_id):
    name = f"ir-{run_id}-{secrets.token_hex(3)}"
    saved, token = make_device(rest, name)
    return {"id": saved.id.id, "device_id": saved.id, "token": token, "name": name}


# ---------------------------------------------------------------------------------------------------------------
# Out-of-range numbers: refused on every transport; a stored value never makes a read fail
# ---------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("payload", OUT_OF_RANGE)
def test_http_refuses_out_of_range_numbers_and_reads_keep_working(base_url, device, payload):
    headers = jwt(base_url)
    for kind in ("telemetry", "attributes"):
        r = requests.post(telemetry_url(base_url, device["token"], kind), data=payload, timeout=30)
        assert r.status_code == 400, (kind, r.status_code, r.text)
        assert "huge" in r.json()["message"]
    for scope_path in ("timeseries/ANY", "attributes/SERVER_SCOPE"):
        r = requests.post(f"{base_url}/api/plugins/telemetry/DEVICE/{device['id']}/{scope_path}", data=payload,
                          headers=headers, timeout=30)
        assert r.status_code == 400, (scope_path, r.status_code, r.text)
    r = latest_raw(base_url, headers, device["id"], "huge")
    assert r.status_code == 200 and "huge" not in r.json()
    r = requests.get(f"{base_url}/api/plugins/telemetry/DEVICE/{device['id']}/values/attributes", headers=headers,
                     timeout=30)
    assert r.status_code == 200 and all(a["key"] != "huge" for a in r.json())


@needs_mosquitto
def test_mqtt5_qos1_out_of_range_number_gets_puback_0x99(rest, base_url, mqtt_port, device):
    bad = mosquitto_pub(mqtt_port, device["token"], '{"huge":1e400}')
    assert re.search(r"PUBACK \(Mid: \d+, RC:153\)", bad.stdout + bad.stderr), bad.stdout + bad.stderr
    good = mosquitto_pub(mqtt_port, device["token"], '{"fine":2.5}')
    assert re.search(r"PUBACK \(Mid: \d+, RC:0\)", good.stdout + good.stderr), good.stdout + good.stderr
    # MQTT 3.1.1 has no reason code: the PUBLISH is dropped (and the connection closed), nothing is stored.
    mosquitto_pub(mqtt_port, device["token"], '{"huge":-1e999}', version="mqttv311", qos=0)
    headers = jwt(base_url)
    assert wait_for(lambda: "fine" in latest_raw(base_url, headers, device["id"], "fine,huge").json(), timeout=10)
    assert "huge" not in latest_raw(base_url, headers, device["id"], "fine,huge").json()


def test_coap_refuses_out_of_range_numbers_with_4_00(coap_port, device):
    for kind in ("telemetry", "attributes"):
        code, payload = coap(coap_port, "POST", ("api", "v1", device["token"], kind), b'{"huge":1e400}')
        assert code == "4.00", (kind, code, payload)
    code, _ = coap(coap_port, "POST", ("api", "v1", device["token"], "telemetry"), b'{"ok":1}')
    assert code == "2.01"


def test_bulk_import_keeps_an_out_of_range_cell_readable(rest, base_url, run_id):
    name = f"ir-import-num-{run_id}"
    csv = f'NAME,TYPE,HUGE,HUGEJSON\n{name},ir-type-{run_id},1e400,"{{""a"":1e400}}"\n'
    mapping = Mapping(columns=[ColumnMapping(type="NAME"), ColumnMapping(type="TYPE"),
                               ColumnMapping(type="TIMESERIES", key="huge"),
                               ColumnMapping(type="TIMESERIES", key="hugejson")], delimiter=",", update=True,
                      header=True)
    res = rest.process_devices_bulk_import(BulkImportRequest(file=csv, mapping=mapping))
    assert (res.created, res.errors) == (1, 0)
    device_id = rest.get_tenant_device(name).id.id
    r = latest_raw(base_url, jwt(base_url), device_id, "huge,hugejson")
    assert r.status_code == 200, r.text
    assert r.json()["huge"][0]["value"] == "1e400"
    assert r.json()["hugejson"][0]["value"] == '{"a":1e400}'  # kept as text, like any cell that is no JSON value


# ---------------------------------------------------------------------------------------------------------------
# A double stays a double; null values are ignored, on every transport
# ---------------------------------------------------------------------------------------------------------------

def test_a_double_reads_back_as_a_double(rest, base_url, device):
    r = requests.post(telemetry_url(base_url, device["token"]), data='{"flt":1.0,"int":1}', timeout=30)
    assert r.status_code == 200
    headers = jwt(base_url)
    strict = latest_raw(base_url, headers, device["id"], "flt,int")
    assert re.search(r'"value":1\.0\b', strict.text), strict.text
    values = strict.json()
    assert isinstance(values["flt"][0]["value"], float) and values["flt"][0]["value"] == 1.0
    assert isinstance(values["int"][0]["value"], int)
    loose = latest_raw(base_url, headers, device["id"], "flt", strict=False).json()
    assert loose["flt"][0]["value"] == "1.0"


@needs_mosquitto
def test_null_values_are_ignored_the_same_on_http_mqtt_and_coap(base_url, mqtt_port, coap_port, device):
    r = requests.post(telemetry_url(base_url, device["token"]), data='{"nul_http":null,"k_http":1}', timeout=30)
    assert r.status_code == 200
    done = mosquitto_pub(mqtt_port, device["token"], '{"nul_mqtt":null,"k_mqtt":1}')
    assert re.search(r"PUBACK \(Mid: \d+, RC:0\)", done.stdout + done.stderr), done.stdout + done.stderr
    code, _ = coap(coap_port, "POST", ("api", "v1", device["token"], "telemetry"), b'{"nul_coap":null,"k_coap":1}')
    assert code == "2.01"
    headers = jwt(base_url)
    keys = lambda: requests.get(f"{base_url}/api/plugins/telemetry/DEVICE/{device['id']}/keys/timeseries",  # noqa
                                headers=headers, timeout=30).json()
    assert wait_for(lambda: {"k_http", "k_mqtt", "k_coap"} <= set(keys()), timeout=10), keys()
    assert not any(k.startswith("nul_") for k in keys())


# ---------------------------------------------------------------------------------------------------------------
# Names: one rule (trim) on every path
# ---------------------------------------------------------------------------------------------------------------

def test_rest_and_bulk_import_trim_names(rest, run_id):
    saved, _ = make_device(rest, f"  ir-spaced-{run_id}  ")
    assert saved.name == f"ir-spaced-{run_id}"
    assert rest.get_tenant_device(f"ir-spaced-{run_id}").id.id == saved.id.id
    csv = f"NAME,TYPE\n\"  ir-padimp-{run_id}  \",ir-type-{run_id}\n"
    mapping = Mapping(columns=[ColumnMapping(type="NAME"), ColumnMapping(type="TYPE")], delimiter=",", update=False,
                      header=True)
    res = rest.process_devices_bulk_import(BulkImportRequest(file=csv, mapping=mapping))
    assert (res.created, res.errors) == (1, 0), res
    assert rest.get_tenant_device(f"ir-padimp-{run_id}").name == f"ir-padimp-{run_id}"


def test_a_pre_provisioned_name_with_spaces_provisions(rest, base_url, run_id, check_profile):
    _, token = make_device(rest, f" ir-pre-sp-{run_id} ", check_profile["id"])
    r = requests.post(f"{base_url}/api/v1/provision", timeout=30, json={
        "provisionDeviceKey": check_profile["key"], "provisionDeviceSecret": check_profile["secret"],
        "deviceName": f" ir-pre-sp-{run_id} "})
    assert r.json() == {"credentialsValue": token, "credentialsType": "ACCESS_TOKEN", "status": "SUCCESS"}


# ---------------------------------------------------------------------------------------------------------------
# Tokens: refused when a path cannot carry them; percent-decoded in the HTTP and CoAP device APIs
# ---------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("token", ["a b", "a/b", "tab\tx"])
def test_tokens_with_white_space_or_slash_are_refused(rest, device, token):
    creds = rest.get_device_credentials_by_device_id(device["device_id"])
    creds.credentials_id = token + secrets.token_hex(3)
    with pytest.raises(ApiException) as ei:
        rest.update_device_credentials(creds)
    assert ei.value.status == 400
    assert "white space or '/'" in error_body(ei.value)["message"] or "control characters" in error_body(ei.value)["message"]


def test_bulk_import_refuses_a_token_with_a_space(rest, run_id):
    csv = f"NAME,TYPE,TOKEN\nir-badtok-{run_id},ir-type-{run_id},\"a b{run_id}\"\n"
    mapping = Mapping(columns=[ColumnMapping(type="NAME"), ColumnMapping(type="TYPE"),
                               ColumnMapping(type="ACCESS_TOKEN")], delimiter=",", update=False, header=True)
    res = rest.process_devices_bulk_import(BulkImportRequest(file=csv, mapping=mapping))
    assert (res.created, res.errors) == (0, 1)
    assert "white space or '/'" in res.errors_list[0]


@pytest.mark.parametrize("special", ["ü", "a?b", 'tok"q', "a+b%"])
def test_tokens_with_other_characters_work_over_http_and_coap(rest, base_url, coap_port, device, special):
    token = special + secrets.token_hex(4)
    creds = rest.get_device_credentials_by_device_id(device["device_id"])
    creds.credentials_id = token
    rest.update_device_credentials(creds)
    r = requests.post(telemetry_url(base_url, token), data='{"x":1}', timeout=30)
    assert r.status_code == 200, r.status_code
    # A CoAP client that did not decode its URI sends the escaped text as the Uri-Path option.
    code, _ = coap(coap_port, "POST", ("api", "v1", urllib.parse.quote(token, safe=""), "telemetry"), b'{"y":1}')
    assert code == "2.01"


# ---------------------------------------------------------------------------------------------------------------
# Query strings: `+` is a space
# ---------------------------------------------------------------------------------------------------------------

def test_plus_in_a_query_string_is_a_space(rest, base_url, run_id):
    make_device(rest, f"ir two words {run_id}")
    headers = jwt(base_url)
    url = f"{base_url}/api/tenant/device?deviceName=ir+two+words+{run_id}"
    assert requests.get(url, headers=headers, timeout=30).status_code == 200
    # what requests itself sends for a space in params
    r = requests.get(f"{base_url}/api/tenant/device", params={"deviceName": f"ir two words {run_id}"},
                     headers=headers, timeout=30)
    assert r.status_code == 200 and r.json()["name"] == f"ir two words {run_id}"
    assert rest.get_tenant_device(f"ir two words {run_id}").name == f"ir two words {run_id}"
    make_device(rest, f"ir+plus+{run_id}")
    r = requests.get(f"{base_url}/api/tenant/device?deviceName=ir%2Bplus%2B{run_id}", headers=headers, timeout=30)
    assert r.status_code == 200 and r.json()["name"] == f"ir+plus+{run_id}"


# ---------------------------------------------------------------------------------------------------------------
# Lost updates: a stale version is 409
# ---------------------------------------------------------------------------------------------------------------

def test_saving_with_a_stale_version_is_409(rest, base_url, run_id):
    saved, _ = make_device(rest, f"ir-version-{run_id}")
    first = rest.get_device_by_id(saved.id.id)
    second = rest.get_device_by_id(saved.id.id)
    first.label = "first"
    rest.save_device(first)
    second.label = "second"
    with pytest.raises(ApiException) as ei:
        rest.save_device(second)
    assert ei.value.status == 409
    body = error_body(ei.value)
    assert body["status"] == 409 and "already changed by someone else" in body["message"]
    assert rest.get_device_by_id(saved.id.id).label == "first"
    # without a version there is no check
    headers = jwt(base_url)
    plain = {"id": {"id": saved.id.id, "entityType": "DEVICE"}, "name": f"ir-version-{run_id}", "label": "third"}
    r = requests.post(f"{base_url}/api/device", json=plain, headers=headers, timeout=30)
    assert r.status_code == 200 and r.json()["label"] == "third"

    profile = rest.save_device_profile(device_profile(f"ir-vprof-{run_id}", "ALLOW_CREATE_NEW_DEVICES",
                                                      "ir-vkey-" + secrets.token_hex(6), "ir-vsecret"))
    stale = rest.get_device_profile_by_id(profile.id.id)
    fresh = rest.get_device_profile_by_id(profile.id.id)
    fresh.description = "fresh"
    rest.save_device_profile(fresh)
    stale.description = "stale"
    with pytest.raises(ApiException) as ei:
        rest.save_device_profile(stale)
    assert ei.value.status == 409


# ---------------------------------------------------------------------------------------------------------------
# A server of its own: provisioning FAILUREs and a small bulk-import limit
# ---------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def own_server():
    server = MusterServer(server_binary(), Path(tempfile.mkdtemp(prefix="muster-compat-inputs-")),
                          log_dir() / "server-inputs.log")
    os.environ["MUSTER_IMPORT_MAX_REQUEST_SIZE"] = "65536"
    try:
        server.start()
    finally:
        del os.environ["MUSTER_IMPORT_MAX_REQUEST_SIZE"]
    yield server
    assert server.stop() == 0


@pytest.fixture(scope="module")
def own_profile(own_server):
    from tb_rest_client.rest_client import RestClient

    client = RestClient(base_url=own_server.base_url)
    client.login(username=ADMIN_EMAIL, password=ADMIN_PASSWORD)
    info = {"key": "ir-key-" + secrets.token_hex(6), "secret": "ir-secret-" + secrets.token_hex(6)}
    client.save_device_profile(device_profile("ir-allow", "ALLOW_CREATE_NEW_DEVICES", info["key"], info["secret"]))
    info["rest"] = client
    yield info
    client.stop()


def provision(server, profile, **fields):
    body = {"provisionDeviceKey": profile["key"], "provisionDeviceSecret": profile["secret"], **fields}
    r = requests.post(f"{server.base_url}/api/v1/provision", json=body, timeout=30)
    assert r.status_code == 200
    return r.json()


def test_provisioning_with_missing_credential_fields_fails(own_server, own_profile):
    assert provision(own_server, own_profile, deviceName="fw-basic", credentialsType="MQTT_BASIC") == {
        "errorMsg": "Both mqtt client id and user name are empty!", "status": "FAILURE"}
    for hash_value in (None, ""):
        fields = {"deviceName": "fw-x509", "credentialsType": "X509_CERTIFICATE"}
        if hash_value is not None:
            fields["hash"] = hash_value
        assert provision(own_server, own_profile, **fields) == {
            "errorMsg": "Device certificate should be specified!", "status": "FAILURE"}
    answer = provision(own_server, own_profile, deviceName="fw-x509", credentialsType="X509_CERTIFICATE",
                       hash="not a certificate")
    assert answer["status"] == "FAILURE" and "X.509" in answer["errorMsg"]
    answer = provision(own_server, own_profile, deviceName="fw-tok", credentialsType="ACCESS_TOKEN", token="a b")
    assert answer["status"] == "FAILURE" and "white space or '/'" in answer["errorMsg"]
    rest = own_profile["rest"]
    for name in ("fw-basic", "fw-x509", "fw-tok"):
        with pytest.raises(ApiException):
            rest.get_tenant_device(name)
    pem = self_signed_pem("fw-x509-good")
    answer = provision(own_server, own_profile, deviceName="fw-x509", credentialsType="X509_CERTIFICATE", hash=pem)
    assert answer["status"] == "SUCCESS" and answer["credentialsValue"] == pem_body(pem)


def test_allow_create_does_not_make_a_second_device_beside_a_padded_one(own_server, own_profile):
    rest = own_profile["rest"]
    rest.save_device(new_device("  padimp  "), access_token="padimp-" + secrets.token_hex(4))
    answer = provision(own_server, own_profile, deviceName="padimp")
    assert answer["status"] == "FAILURE"
    page = rest.get_tenant_devices(page_size=100, page=0, text_search="padimp")
    assert [d.name for d in page.data] == ["padimp"]


def test_bulk_import_beyond_the_limit_is_413_pointing_to_the_job_api(own_server):
    headers = jwt(own_server.base_url)
    csv = "NAME,TYPE\n" + "".join(f"big-{i},t\n" for i in range(8000))
    assert len(csv) > 65536
    body = {"file": csv, "mapping": {"columns": [{"type": "NAME"}, {"type": "TYPE"}], "delimiter": ",",
                                     "update": False, "header": True}}
    r = requests.post(f"{own_server.base_url}/api/device/bulk_import", json=body, headers=headers, timeout=30)
    assert r.status_code == 413, r.text
    assert "POST /api/imports" in r.json()["message"] and "65536" in r.json()["message"]
    small = dict(body, file="NAME,TYPE\nsmall-1,t\n")
    r = requests.post(f"{own_server.base_url}/api/device/bulk_import", json=small, headers=headers, timeout=30)
    assert r.status_code == 200 and r.json()["created"] == 1
