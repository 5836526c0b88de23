"""Helpers shared by the compatibility tests (named so as not to clash with tb-mqtt-client's top-level `utils`)."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import time

import requests
from tb_rest_client.models import (
    AllowCreateNewDevicesDeviceProfileProvisionConfiguration,
    CheckPreProvisionedDevicesDeviceProfileProvisionConfiguration,
    DefaultDeviceProfileConfiguration,
    DefaultDeviceProfileTransportConfiguration,
    Device,
    DeviceProfile,
    DeviceProfileData,
    DeviceProfileId,
)

NULL_UUID = "13814000-1dd2-11b2-8080-808080808080"

PROVISION_CONFIG_CLASSES = {
    "ALLOW_CREATE_NEW_DEVICES": AllowCreateNewDevicesDeviceProfileProvisionConfiguration,
    "CHECK_PRE_PROVISIONED_DEVICES": CheckPreProvisionedDevicesDeviceProfileProvisionConfiguration,
}


def sha3_hex(text: str) -> str:
    return hashlib.sha3_256(text.encode("utf-8")).hexdigest()


def error_body(exc) -> dict:
    """JSON error body of a tb_rest_client ApiException (`body` is bytes) or tb_ce_client ApiException (`body` str)."""
    body = exc.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    try:
        return json.loads(body) if body else {}
    except ValueError:
        return {"_raw": body}


def device_profile(name: str, provision_type: str, key: str | None, secret: str | None) -> DeviceProfile:
    """A DeviceProfile as the ThingsBoard UI/SDK user builds it (tb_rest_client models)."""
    config_cls = PROVISION_CONFIG_CLASSES[provision_type]
    return DeviceProfile(
        name=name,
        description=f"compat profile {provision_type}",
        type="DEFAULT",
        transport_type="DEFAULT",
        provision_type=provision_type,
        provision_device_key=key,
        profile_data=DeviceProfileData(
            configuration=DefaultDeviceProfileConfiguration(type="DEFAULT"),
            transport_configuration=DefaultDeviceProfileTransportConfiguration(type="DEFAULT"),
            provision_configuration=config_cls(type=provision_type, provision_device_secret=secret),
        ),
    )


def new_device(name: str, profile_id: str | None = None, **kw) -> Device:
    if profile_id is not None:
        kw["device_profile_id"] = DeviceProfileId(id=profile_id, entity_type="DEVICE_PROFILE")
    return Device(name=name, **kw)


def sdk_provision_request(key, secret, device_name=None, access_token=None, client_id=None, username=None,
                          password=None, hash=None, gateway=None) -> dict:
    """The provisioning request body exactly as tb-mqtt-client builds it in TBDeviceMqttClient.provision()
    (tb_device_mqtt.py): note that for MQTT_BASIC it always sends all three of username/password/clientId, the
    absent ones as JSON null."""
    req = {"provisionDeviceKey": key, "provisionDeviceSecret": secret}
    if access_token is not None:
        req["token"] = access_token
        req["credentialsType"] = "ACCESS_TOKEN"
    elif username is not None or password is not None or client_id is not None:
        req["username"] = username
        req["password"] = password
        req["clientId"] = client_id
        req["credentialsType"] = "MQTT_BASIC"
    elif hash is not None:
        req["hash"] = hash
        req["credentialsType"] = "X509_CERTIFICATE"
    if device_name is not None:
        req["deviceName"] = device_name
    if gateway is not None:
        req["gateway"] = gateway
    return req


def http_provision(base_url: str, payload: dict) -> dict:
    """POST /api/v1/provision with a full request body.

    Uses `requests` directly: tb-mqtt-client's HTTP helper TBHTTPDevice.provision() can only send
    deviceName/provisionDeviceKey/provisionDeviceSecret (no credentialsType, token, MQTT/X.509 credentials or
    gateway flag). It mimics that helper's handling: raise_for_status(), then parse the body as JSON."""
    resp = requests.post(f"{base_url}/api/v1/provision", json=payload, timeout=30)
    resp.raise_for_status()
    return resp.json()


def self_signed_pem(common_name: str) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365)).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def pem_body(pem: str) -> str:
    """ThingsBoard's certTrimNewLines: drop the BEGIN/END markers and every CR/LF."""
    return (pem.replace("-----BEGIN CERTIFICATE-----", "").replace("-----END CERTIFICATE-----", "")
            .replace("\r", "").replace("\n", ""))


def jwt_claims(token: str) -> dict:
    payload = token.split(".")[1]
    payload += "=" * (-len(payload) % 4)
    return json.loads(base64.urlsafe_b64decode(payload))


def wait_for(fn, timeout=5.0, interval=0.1):
    """Poll fn() until it returns a truthy value (or the timeout passes); return the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def attr_map(attribute_data_list) -> dict:
    """[AttributeData] (tb_rest_client) -> {key: value}."""
    return {a.key: a.value for a in (attribute_data_list or [])}
