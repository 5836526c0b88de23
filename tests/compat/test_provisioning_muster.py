"""Provisioning behaviour that Muster decides itself (spec/README.md "Decisions"), seen through the SDKs."""
import secrets
import tempfile
from pathlib import Path

import pytest
import requests
from tb_device_http import TBHTTPDevice, TBProvisionFailure
from tb_rest_client.models import (DefaultDeviceProfileConfiguration, DefaultDeviceProfileTransportConfiguration,
                                   DeviceProfile, DeviceProfileData, X509CertificateChainProvisionConfiguration)

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, MusterServer, log_dir, server_binary
from muster_compat import device_profile, pem_body, self_signed_pem, sha3_hex


def test_missing_key_field_is_400_json(base_url, allow_profile):
    # Decision 2. No SDK sends such a request, so plain requests is used here.
    r = requests.post(f"{base_url}/api/v1/provision", json={"deviceName": "x", "provisionDeviceSecret": "s"},
                      timeout=30)
    assert r.status_code == 400
    assert r.json()["status"] == 400 and r.json()["message"]
    r = requests.post(f"{base_url}/api/v1/provision", data=b"{not json", timeout=30)
    assert r.status_code == 400
    assert r.json()["status"] == 400


def test_x509_chain_profile_key_and_key_secret_request_not_found(rest, base_url, run_id):
    # Spec 1.3: saving an X509_CERTIFICATE_CHAIN profile normalises the PEM secret and sets
    # provisionDeviceKey = sha3(cert); decision 9: a key/secret request for such a profile is NOT_FOUND at once.
    pem = self_signed_pem(f"chain-{run_id}")
    prof = DeviceProfile(
        name=f"compat-x509chain-{run_id}", type="DEFAULT", transport_type="MQTT",
        provision_type="X509_CERTIFICATE_CHAIN",
        profile_data=DeviceProfileData(
            configuration=DefaultDeviceProfileConfiguration(type="DEFAULT"),
            transport_configuration=DefaultDeviceProfileTransportConfiguration(type="DEFAULT"),
            provision_configuration=X509CertificateChainProvisionConfiguration(
                type="X509_CERTIFICATE_CHAIN", provision_device_secret=pem, certificate_reg_ex_pattern="(.*)",
                allow_create_new_devices_by_x509_certificate=True)))
    saved = rest.save_device_profile(prof)
    body = pem_body(pem)
    assert saved.provision_type == "X509_CERTIFICATE_CHAIN"
    assert saved.provision_device_key == sha3_hex(body)
    pc = rest.get_device_profile_by_id(saved.id.id).profile_data.provision_configuration
    assert pc.type == "X509_CERTIFICATE_CHAIN"
    assert pc.provision_device_secret == body
    assert pc.certificate_reg_ex_pattern == "(.*)"
    assert pc.allow_create_new_devices_by_x509_certificate is True
    with pytest.raises(TBProvisionFailure) as ei:
        TBHTTPDevice.provision(base_url, f"chain-dev-{run_id}", saved.provision_device_key, body)
    assert ei.value.args[0]["status"] == "NOT_FOUND"


@pytest.fixture
def limited_server():
    """A second server with a low provisioning failure limit, so the lockout does not disturb other tests."""
    server = MusterServer(server_binary(), Path(tempfile.mkdtemp(prefix="muster-compat-limit-")),
                          log_dir() / "server-limit.log", extra_args=("--provision-failure-limit", "3"))
    try:
        server.start()
    except RuntimeError as e:
        server.stop()
        pytest.fail(str(e), pytrace=False)
    yield server
    assert server.stop() == 0, server.tail()


def test_failed_attempts_lock_out_the_source(limited_server, run_id):
    from tb_rest_client.rest_client import RestClient

    base = limited_server.base_url
    rest = RestClient(base_url=base)
    rest.login(username=ADMIN_EMAIL, password=ADMIN_PASSWORD)
    key, secret = "lk-" + secrets.token_hex(6), "ls-" + secrets.token_hex(6)
    rest.save_device_profile(device_profile(f"limit-{run_id}", "ALLOW_CREATE_NEW_DEVICES", key, secret))

    for i in range(3):  # below the limit: ordinary NOT_FOUND answers
        with pytest.raises(TBProvisionFailure) as ei:
            TBHTTPDevice.provision(base, f"limit-dev-{i}", key, secret + "-wrong")
        assert ei.value.args[0]["status"] == "NOT_FOUND"
    # past the limit this source is refused, even with the right secret (decision 7): HTTP 429 + Retry-After,
    # which the SDK surfaces as requests.HTTPError from raise_for_status()
    with pytest.raises(requests.HTTPError) as ei:
        TBHTTPDevice.provision(base, "limit-dev-ok", key, secret)
    resp = ei.value.response
    assert resp.status_code == 429
    assert int(resp.headers["Retry-After"]) >= 1
    with pytest.raises(Exception):
        rest.get_tenant_device("limit-dev-ok")  # nothing was created
