"""Device provisioning over HTTP, driven by tb-mqtt-client's TBHTTPDevice.provision() where it can express the
request, and by the same request body that tb-mqtt-client's MQTT provision() builds where it cannot (credentials
types, gateway flag)."""
import json
import secrets

import pytest
from tb_device_http import TBHTTPDevice, TBProvisionFailure
from tb_rest_client.models import Device

from muster_compat import (attr_map, http_provision, new_device, pem_body, self_signed_pem, sdk_provision_request,
                           sha3_hex)


def provision_state(rest, device_id):
    return attr_map(rest.get_attributes_by_scope(device_id, "SERVER_SCOPE", keys="provisionState")).get("provisionState")


def devices_named(rest, name):
    page = rest.get_tenant_devices(page_size=100, page=0, text_search=name)
    return [d for d in page.data if d.name == name]


def test_allow_create_new_device(rest, ce, base_url, run_id, allow_profile):
    name = f"prov-new-{run_id}"
    dev = TBHTTPDevice.provision(base_url, name, allow_profile["key"], allow_profile["secret"])
    assert isinstance(dev, TBHTTPDevice)
    assert dev.name == name
    assert len(dev.token) == 20 and dev.token.isalnum(), dev.token

    device = rest.get_tenant_device(name)
    assert device.device_profile_id.id == allow_profile["id"]
    assert device.type == allow_profile["name"]
    creds = rest.get_device_credentials_by_device_id(device.id)
    assert creds.credentials_type == "ACCESS_TOKEN"
    assert creds.credentials_id == dev.token
    assert provision_state(rest, device.id) == "provisioned"
    # same attribute through tb-ce-client (all scopes)
    cattrs = ce.get_attributes(entity_type="DEVICE", entity_id=device.id.id, keys="provisionState")
    assert [(a.key, a.value) for a in cattrs] == [("provisionState", "provisioned")]
    assert isinstance(cattrs[0].last_update_ts, int)
    # and the token works on the device API
    assert dev.test_connection() is True


def test_allow_create_resend_returns_same_credentials(rest, base_url, run_id, allow_profile):
    name = f"prov-again-{run_id}"
    first = TBHTTPDevice.provision(base_url, name, allow_profile["key"], allow_profile["secret"])
    second = TBHTTPDevice.provision(base_url, name, allow_profile["key"], allow_profile["secret"])
    assert second.token == first.token
    assert len(devices_named(rest, name)) == 1


def test_allow_create_raw_response_shape(base_url, run_id, allow_profile):
    resp = http_provision(base_url, sdk_provision_request(allow_profile["key"], allow_profile["secret"],
                                                          device_name=f"prov-shape-{run_id}"))
    assert resp["status"] == "SUCCESS"
    assert resp["credentialsType"] == "ACCESS_TOKEN"
    assert isinstance(resp["credentialsValue"], str) and len(resp["credentialsValue"]) == 20


def test_allow_create_with_requested_access_token(rest, base_url, run_id, allow_profile):
    token = "req" + secrets.token_hex(8)
    name = f"prov-reqtok-{run_id}"
    resp = http_provision(base_url, sdk_provision_request(allow_profile["key"], allow_profile["secret"],
                                                          device_name=name, access_token=token))
    assert resp == {"credentialsValue": token, "credentialsType": "ACCESS_TOKEN", "status": "SUCCESS"}
    assert rest.get_device_credentials_by_device_id(rest.get_tenant_device(name).id).credentials_id == token


def test_allow_create_name_of_device_in_other_profile_fails(rest, base_url, run_id, allow_profile):
    name = f"prov-clash-{run_id}"
    rest.save_device(Device(name=name))  # default profile
    with pytest.raises(TBProvisionFailure) as ei:
        TBHTTPDevice.provision(base_url, name, allow_profile["key"], allow_profile["secret"])
    assert ei.value.args[0]["status"] == "FAILURE"
    assert len(devices_named(rest, name)) == 1


def test_check_pre_provisioned_device(rest, base_url, run_id, check_profile):
    name = f"prov-pre-{run_id}"
    token = "pre" + secrets.token_hex(8)
    device = rest.save_device(new_device(name, check_profile["id"]), access_token=token)
    assert provision_state(rest, device.id) is None

    dev = TBHTTPDevice.provision(base_url, name, check_profile["key"], check_profile["secret"])
    assert dev.token == token
    assert provision_state(rest, device.id) == "provisioned"
    # Muster decision 1: a re-send returns the same credentials (ThingsBoard >= 4.2.1.1 says FAILURE)
    again = TBHTTPDevice.provision(base_url, name, check_profile["key"], check_profile["secret"])
    assert again.token == token
    assert len(devices_named(rest, name)) == 1


def test_check_pre_provisioned_unknown_device_fails(rest, base_url, run_id, check_profile):
    name = f"prov-unknown-{run_id}"
    with pytest.raises(TBProvisionFailure) as ei:
        TBHTTPDevice.provision(base_url, name, check_profile["key"], check_profile["secret"])
    body = ei.value.args[0]
    assert body["status"] == "FAILURE"
    assert body.get("errorMsg") == "Failed to provision device!"
    assert devices_named(rest, name) == []


def test_check_pre_provisioned_device_of_other_profile_fails(rest, base_url, run_id, check_profile):
    name = f"prov-otherprof-{run_id}"
    rest.save_device(Device(name=name))  # default profile, not check_profile
    with pytest.raises(TBProvisionFailure) as ei:
        TBHTTPDevice.provision(base_url, name, check_profile["key"], check_profile["secret"])
    assert ei.value.args[0]["status"] == "FAILURE"


@pytest.mark.parametrize("which", ["allow_profile", "check_profile"])
def test_wrong_key_is_not_found(request, rest, base_url, run_id, which):
    prof = request.getfixturevalue(which)
    name = f"prov-badkey-{which}-{run_id}"
    with pytest.raises(TBProvisionFailure) as ei:
        TBHTTPDevice.provision(base_url, name, prof["key"] + "x", prof["secret"])
    body = ei.value.args[0]
    assert body["status"] == "NOT_FOUND"
    assert body.get("errorMsg") == "Provision data was not found!"
    assert devices_named(rest, name) == []


@pytest.mark.parametrize("which", ["allow_profile", "check_profile"])
def test_wrong_secret_is_not_found(request, rest, base_url, run_id, which):
    prof = request.getfixturevalue(which)
    name = f"prov-badsecret-{which}-{run_id}"
    if which == "check_profile":
        rest.save_device(new_device(name, prof["id"]))
    with pytest.raises(TBProvisionFailure) as ei:
        TBHTTPDevice.provision(base_url, name, prof["key"], prof["secret"] + "x")
    assert ei.value.args[0]["status"] == "NOT_FOUND"
    if which == "allow_profile":
        assert devices_named(rest, name) == []
    else:
        assert provision_state(rest, rest.get_tenant_device(name).id) is None


def test_allow_create_mqtt_basic_credentials(rest, base_url, run_id, allow_profile):
    name = f"prov-mqtt-{run_id}"
    client_id, user, password = f"c-{run_id}", f"u-{run_id}", "p-" + secrets.token_hex(4)
    resp = http_provision(base_url, sdk_provision_request(allow_profile["key"], allow_profile["secret"],
                                                          device_name=name, client_id=client_id, username=user,
                                                          password=password))
    assert resp["status"] == "SUCCESS", resp
    assert resp["credentialsType"] == "MQTT_BASIC"
    assert resp["credentialsValue"] == {"clientId": client_id, "userName": user, "password": password}
    creds = rest.get_device_credentials_by_device_id(rest.get_tenant_device(name).id)
    assert creds.credentials_type == "MQTT_BASIC"
    assert creds.credentials_id == sha3_hex(f"{client_id}|{user}")
    assert json.loads(creds.credentials_value) == {"clientId": client_id, "userName": user, "password": password}


def test_allow_create_x509_credentials(rest, base_url, run_id, allow_profile):
    name = f"prov-x509-{run_id}"
    pem = self_signed_pem(name)
    body = pem_body(pem)
    resp = http_provision(base_url, sdk_provision_request(allow_profile["key"], allow_profile["secret"],
                                                          device_name=name, hash=pem))
    assert resp["status"] == "SUCCESS", resp
    assert resp["credentialsType"] == "X509_CERTIFICATE"
    assert resp["credentialsValue"] == body
    creds = rest.get_device_credentials_by_device_id(rest.get_tenant_device(name).id)
    assert creds.credentials_type == "X509_CERTIFICATE"
    assert creds.credentials_value == body
    assert creds.credentials_id == sha3_hex(body)


def test_allow_create_gateway_flag(rest, ce, base_url, run_id, allow_profile):
    name = f"prov-gw-{run_id}"
    resp = http_provision(base_url, sdk_provision_request(allow_profile["key"], allow_profile["secret"],
                                                          device_name=name, gateway=True))
    assert resp["status"] == "SUCCESS", resp
    device = rest.get_tenant_device(name)
    assert device.additional_info["gateway"] is True
    assert ce.get_device_by_id(device_id=device.id.id).additional_info["gateway"] is True
    # and a device provisioned without the flag is not a gateway
    plain = TBHTTPDevice.provision(base_url, f"prov-nogw-{run_id}", allow_profile["key"], allow_profile["secret"])
    info = rest.get_tenant_device(plain.name).additional_info
    assert not (info or {}).get("gateway", False)


def test_provision_answers_200_and_json_for_every_status(base_url, run_id, allow_profile):
    import requests

    # No SDK call can show the raw status: TBHTTPDevice.provision() would have raised on non-200 (it calls
    # raise_for_status() before reading `status`), so we look at the raw response once.
    r = requests.post(f"{base_url}/api/v1/provision",
                      json={"deviceName": f"prov-raw-{run_id}", "provisionDeviceKey": "nope-" + run_id,
                            "provisionDeviceSecret": "nope"}, timeout=30)
    assert r.status_code == 200
    assert r.json() == {"errorMsg": "Provision data was not found!", "status": "NOT_FOUND"}
