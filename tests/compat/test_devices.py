"""Devices and device credentials through the REST SDKs."""
import json
import re
import secrets
import uuid

import pytest
from tb_rest_client.models import Device, DeviceCredentials, SaveDeviceWithCredentialsRequest
from tb_rest_client.rest import ApiException

from muster_compat import error_body, new_device, sha3_hex

TOKEN_RE = re.compile(r"^[A-Za-z0-9]{20}$")


def test_create_device_without_token(rest, ce, run_id, allow_profile):
    name = f"dev-plain-{run_id}"
    dev = rest.save_device(new_device(name, allow_profile["id"], label="lbl-1"))
    assert dev.id.entity_type == "DEVICE"
    assert dev.name == name
    assert dev.label == "lbl-1"
    assert dev.type == allow_profile["name"]  # type = profile name
    assert dev.device_profile_id.id == allow_profile["id"]
    assert dev.device_profile_id.entity_type == "DEVICE_PROFILE"
    assert dev.tenant_id.entity_type == "TENANT"
    assert isinstance(dev.created_time, int) and dev.created_time > 1_600_000_000_000

    creds = rest.get_device_credentials_by_device_id(dev.id)
    assert creds.credentials_type == "ACCESS_TOKEN"
    assert TOKEN_RE.match(creds.credentials_id), creds.credentials_id
    assert creds.device_id.id == dev.id.id
    assert creds.device_id.entity_type == "DEVICE"
    assert uuid.UUID(creds.id.id)  # DeviceCredentialsId is {"id": <uuid>} (tb-ce-client validates the UUID)

    # the same through the pydantic-strict client
    c = ce.get_device_credentials_by_device_id(device_id=dev.id.id)
    assert c.credentials_id == creds.credentials_id
    assert str(c.device_id.id) == dev.id.id
    cd = ce.get_device_by_id(device_id=dev.id.id)
    assert cd.name == name and str(cd.device_profile_id.id) == allow_profile["id"]
    info = ce.get_device_info_by_id(device_id=dev.id.id)
    assert info.name == name
    assert info.device_profile_name == allow_profile["name"]


def test_create_device_default_profile_when_none_given(rest, run_id):
    dev = rest.save_device(Device(name=f"dev-default-{run_id}"))
    default = rest.get_default_device_profile_info()
    assert dev.device_profile_id.id == default.id.id
    assert dev.type == default.name


def test_create_device_with_access_token(rest, ce, run_id, allow_profile):
    token = "tok" + secrets.token_hex(8)
    dev = rest.save_device(new_device(f"dev-tok-{run_id}", allow_profile["id"]), access_token=token)
    creds = rest.get_device_credentials_by_device_id(dev.id)
    assert creds.credentials_type == "ACCESS_TOKEN"
    assert creds.credentials_id == token
    # ... and the tb-ce-client spelling of the same call
    token2 = "tok" + secrets.token_hex(8)
    from tb_ce_client.models import Device as CeDevice, DeviceProfileId as CeProfileId
    cdev = ce.save_device(device=CeDevice(name=f"dev-tok-ce-{run_id}",
                                          device_profile_id=CeProfileId(id=allow_profile["id"],
                                                                        entity_type="DEVICE_PROFILE")),
                          access_token=token2)
    assert ce.get_device_credentials_by_device_id(device_id=str(cdev.id.id)).credentials_id == token2


def test_duplicate_access_token_rejected(rest, run_id):
    token = "dup" + secrets.token_hex(8)
    rest.save_device(Device(name=f"dev-duptok-a-{run_id}"), access_token=token)
    with pytest.raises(ApiException) as ei:
        rest.save_device(Device(name=f"dev-duptok-b-{run_id}"), access_token=token)
    assert ei.value.status == 400, ei.value.body
    with pytest.raises(ApiException) as ei2:
        rest.get_tenant_device(f"dev-duptok-b-{run_id}")
    assert ei2.value.status == 404


def test_duplicate_device_name_rejected(rest, run_id):
    name = f"dev-dupname-{run_id}"
    rest.save_device(Device(name=name))
    with pytest.raises(ApiException) as ei:
        rest.save_device(Device(name=name))
    assert ei.value.status == 400
    assert "already exists" in error_body(ei.value).get("message", "")


def test_get_device_by_name_id_and_page(rest, ce, run_id, allow_profile):
    name = f"dev-find-{run_id}"
    dev = rest.save_device(new_device(name, allow_profile["id"]))
    by_name = rest.get_tenant_device(name)
    assert by_name.id.id == dev.id.id
    assert ce.get_tenant_device_by_name(device_name=name).name == name
    assert rest.get_device_by_id(dev.id.id).name == name
    page = rest.get_tenant_devices(page_size=100, page=0, text_search=name)
    assert [d.name for d in page.data] == [name]
    assert page.total_elements == 1 and page.has_next is False
    cpage = ce.get_tenant_devices(page_size=100, page=0, type=allow_profile["name"])
    assert name in {d.name for d in cpage.data}
    assert all(d.type == allow_profile["name"] for d in cpage.data)
    with pytest.raises(ApiException) as ei:
        rest.get_tenant_device(f"no-such-device-{run_id}")
    assert ei.value.status == 404


def test_credentials_mqtt_basic_then_access_token(rest, ce, run_id):
    dev = rest.save_device(Device(name=f"dev-creds-{run_id}"))
    creds = rest.get_device_credentials_by_device_id(dev.id)
    client_id, user, password = f"dev-cid-{run_id}", f"dev-user-{run_id}", "pw-" + secrets.token_hex(4)

    creds.credentials_type = "MQTT_BASIC"
    # tb_rest_client cannot send credentialsId=null (its setter raises), so like any SDK user we leave the old
    # token there; the server must recompute the id for MQTT_BASIC.
    creds.credentials_value = json.dumps({"clientId": client_id, "userName": user, "password": password})
    updated = rest.update_device_credentials(creds)
    expected_id = sha3_hex(f"{client_id}|{user}")
    assert updated.credentials_type == "MQTT_BASIC"
    assert updated.credentials_id == expected_id

    back = rest.get_device_credentials_by_device_id(dev.id)
    assert back.credentials_type == "MQTT_BASIC"
    assert back.credentials_id == expected_id
    assert isinstance(back.credentials_value, str)  # stringified JSON, not an object (tb-ce-client: StrictStr)
    assert json.loads(back.credentials_value) == {"clientId": client_id, "userName": user, "password": password}
    cback = ce.get_device_credentials_by_device_id(device_id=dev.id.id)
    assert cback.credentials_type.value == "MQTT_BASIC" and cback.credentials_id == expected_id

    token = "back" + secrets.token_hex(8)
    back.credentials_type = "ACCESS_TOKEN"
    back.credentials_id = token
    back.credentials_value = None
    again = rest.update_device_credentials(back)
    assert again.credentials_type == "ACCESS_TOKEN" and again.credentials_id == token
    final = rest.get_device_credentials_by_device_id(dev.id)
    assert final.credentials_type == "ACCESS_TOKEN"
    assert final.credentials_id == token
    assert final.credentials_value is None


def test_credentials_change_takes_effect_on_device_api(rest, base_url, run_id):
    from tb_device_http import TBHTTPDevice

    old = "old" + secrets.token_hex(8)
    dev = rest.save_device(Device(name=f"dev-rotate-{run_id}"), access_token=old)
    assert TBHTTPDevice(base_url, old).test_connection() is True
    creds = rest.get_device_credentials_by_device_id(dev.id)
    new = "new" + secrets.token_hex(8)
    creds.credentials_id = new
    rest.update_device_credentials(creds)
    assert TBHTTPDevice(base_url, new).test_connection() is True
    assert TBHTTPDevice(base_url, old).test_connection() is False


def test_save_device_with_credentials(rest, run_id):
    token = "wc" + secrets.token_hex(8)
    req = SaveDeviceWithCredentialsRequest(
        device=Device(name=f"dev-withcreds-{run_id}"),
        credentials=DeviceCredentials(credentials_type="ACCESS_TOKEN", credentials_id=token))
    dev = rest.save_device_with_credentials(req)
    assert dev.name == f"dev-withcreds-{run_id}"
    creds = rest.get_device_credentials_by_device_id(dev.id)
    assert creds.credentials_type == "ACCESS_TOKEN" and creds.credentials_id == token


def test_delete_device(rest, base_url, run_id):
    from tb_device_http import TBHTTPDevice

    token = "del" + secrets.token_hex(8)
    dev = rest.save_device(Device(name=f"dev-delete-{run_id}"), access_token=token)
    rest.delete_device(dev.id)
    with pytest.raises(ApiException) as ei:
        rest.get_device_by_id(dev.id)
    assert ei.value.status == 404
    assert TBHTTPDevice(base_url, token).test_connection() is False  # its token is gone too
