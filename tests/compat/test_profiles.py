"""Device profiles with provisioning configuration, read back through both REST SDKs."""
import secrets

import pytest

from muster_compat import device_profile, error_body


@pytest.mark.parametrize("which", ["allow_profile", "check_profile"])
def test_profile_saved_and_read_back_rest(request, rest, which):
    prof = request.getfixturevalue(which)
    saved = prof["saved"]
    assert saved.id.entity_type == "DEVICE_PROFILE"
    assert saved.name == prof["name"]
    assert saved.provision_type == prof["provision_type"]
    assert saved.provision_device_key == prof["key"]
    assert saved.profile_data.provision_configuration.type == prof["provision_type"]
    assert saved.profile_data.provision_configuration.provision_device_secret == prof["secret"]

    got = rest.get_device_profile_by_id(prof["id"])
    assert got.id.id == prof["id"]
    assert got.name == prof["name"]
    assert got.type == "DEFAULT"
    assert got.transport_type == "DEFAULT"
    assert got.provision_type == prof["provision_type"]
    assert got.provision_device_key == prof["key"]
    pc = got.profile_data.provision_configuration
    assert pc.type == prof["provision_type"]
    assert pc.provision_device_secret == prof["secret"]
    assert got.profile_data.configuration.type == "DEFAULT"
    assert got.profile_data.transport_configuration.type == "DEFAULT"
    assert got.tenant_id.entity_type == "TENANT"
    assert got.default is False


@pytest.mark.parametrize("which,cls_name", [
    ("allow_profile", "AllowCreateNewDevicesDeviceProfileProvisionConfiguration"),
    ("check_profile", "CheckPreProvisionedDevicesDeviceProfileProvisionConfiguration"),
])
def test_profile_read_back_ce_strict(request, ce, which, cls_name):
    prof = request.getfixturevalue(which)
    got = ce.get_device_profile_by_id(device_profile_id=prof["id"])
    assert str(got.id.id) == prof["id"]
    assert got.provision_type.value == prof["provision_type"]
    assert got.provision_device_key == prof["key"]
    pc = got.profile_data.provision_configuration
    assert type(pc).__name__ == cls_name  # polymorphic `type` discriminator resolved to the right subclass
    assert pc.provision_device_secret == prof["secret"]


def test_profile_pages_and_infos(rest, ce, allow_profile, check_profile):
    names = {allow_profile["name"], check_profile["name"]}
    page = rest.get_device_profiles(page_size=100, page=0)
    assert names <= {p.name for p in page.data}
    assert page.total_elements >= 3  # default profile + ours
    assert page.has_next is False
    cpage = ce.get_device_profiles(page_size=100, page=0, sort_property="name", sort_order="ASC")
    assert names <= {p.name for p in cpage.data}
    assert [p.name for p in cpage.data] == sorted(p.name for p in cpage.data)
    infos = ce.get_device_profile_infos(page_size=100, page=0)
    by_name = {i.name: i for i in infos.data}
    assert names <= set(by_name)
    assert str(by_name[allow_profile["name"]].id.id) == allow_profile["id"]
    assert by_name[allow_profile["name"]].transport_type.value == "DEFAULT"
    small = ce.get_device_profiles(page_size=1, page=0)
    assert len(small.data) == 1 and small.has_next is True and small.total_pages == small.total_elements


def test_default_device_profile_info(rest, ce):
    info = rest.get_default_device_profile_info()
    assert info.id.entity_type == "DEVICE_PROFILE"
    assert info.name
    cinfo = ce.get_default_device_profile_info()
    assert str(cinfo.id.id) == info.id.id
    full = rest.get_device_profile_by_id(info.id.id)
    assert full.default is True
    assert full.provision_type == "DISABLED"


def test_duplicate_provision_key_rejected(rest, run_id, allow_profile):
    from tb_rest_client.rest import ApiException

    dup = device_profile(f"compat-dup-{run_id}", "ALLOW_CREATE_NEW_DEVICES", allow_profile["key"],
                         "another-secret-" + secrets.token_hex(4))
    with pytest.raises(ApiException) as ei:
        rest.save_device_profile(dup)
    assert ei.value.status == 400
    body = error_body(ei.value)
    assert "provision device key already exists" in body.get("message", ""), body
    assert body.get("errorCode") == 31, body
    assert body.get("status") == 400, body
    # and nothing was created
    names = {p.name for p in rest.get_device_profiles(page_size=100, page=0).data}
    assert f"compat-dup-{run_id}" not in names


def test_duplicate_provision_key_rejected_ce(ce, run_id, check_profile):
    from tb_ce_client.exceptions import BadRequestException
    from tb_ce_client.models import (CheckPreProvisionedDevicesDeviceProfileProvisionConfiguration,
                                     DefaultDeviceProfileConfiguration,
                                     DefaultDeviceProfileTransportConfiguration, DeviceProfile, DeviceProfileData)

    dup = DeviceProfile(
        name=f"compat-dup-ce-{run_id}", type="DEFAULT", transport_type="DEFAULT",
        provision_type="CHECK_PRE_PROVISIONED_DEVICES", provision_device_key=check_profile["key"],
        profile_data=DeviceProfileData(
            configuration=DefaultDeviceProfileConfiguration(type="DEFAULT"),
            transport_configuration=DefaultDeviceProfileTransportConfiguration(type="DEFAULT"),
            provision_configuration=CheckPreProvisionedDevicesDeviceProfileProvisionConfiguration(
                type="CHECK_PRE_PROVISIONED_DEVICES", provision_device_secret="x")))
    with pytest.raises(BadRequestException) as ei:
        ce.save_device_profile(device_profile=dup)
    assert ei.value.status == 400
    # the error body validates as ThingsboardErrorResponse (errorCode must be one of TB's codes)
    assert ei.value.data is not None, ei.value.body
    assert "provision device key already exists" in ei.value.data.message
