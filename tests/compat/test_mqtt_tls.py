"""MQTT over TLS (the `--mqtts-port` listener): provisioning and token / MQTT-basic devices exactly as on plain TCP,
devices authenticated by their X.509 client certificate, and ThingsBoard's X.509 certificate-chain provisioning
(X509_CERTIFICATE_CHAIN profiles). Driven by tb-mqtt-client (TBDeviceMqttClient and its ProvisionClient), by the
paho client it ships (tb-paho-mqtt-client, MQTT 3.1.1 and 5) and by Debian's mosquitto clients; every certificate is
generated here with `cryptography`, and results are checked back through the REST SDK."""
from __future__ import annotations

import datetime as dt
import ipaddress
import json
import secrets
import shutil
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from paho.mqtt.enums import CallbackAPIVersion
from tb_device_mqtt import ProvisionClient, TBDeviceMqttClient
from tb_rest_client.models import (DefaultDeviceProfileConfiguration, DefaultDeviceProfileTransportConfiguration,
                                   Device, DeviceProfile, DeviceProfileData,
                                   X509CertificateChainProvisionConfiguration)

from conftest import MusterServer, log_dir, server_binary, start_server
from muster_compat import attr_map, http_provision, new_device, pem_body, sdk_provision_request, sha3_hex, wait_for

HOST = "127.0.0.1"
TIMEOUT = 10.0
TELEMETRY_TOPIC = "v1/devices/me/telemetry"
# tests/compat/run.sh installs mosquitto-clients or fails: a missing client is an error, never a skip.
needs_mosquitto = pytest.mark.usefixtures("mosquitto_clients")

# MQTT 5 reason code "Not authorized"; on MQTT 3.1.1 the wire code is 5, which paho reports as the same name.
NOT_AUTHORIZED_V5 = 0x87


# ------------------------------------------------------------------------------------------------------------------
# Certificates
# ------------------------------------------------------------------------------------------------------------------

@dataclass
class Identity:
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    cert: x509.Certificate

    @property
    def pem(self) -> str:
        return self.cert.public_bytes(serialization.Encoding.PEM).decode("ascii")

    @property
    def body(self) -> str:
        """base64(DER) without markers or line breaks: what ThingsBoard stores as X.509 credentialsValue."""
        return pem_body(self.pem)


def make_cert(common_name: str, issuer: Identity | None = None, *, ca: bool = False, use_rsa: bool = False,
              valid_from: dt.timedelta = dt.timedelta(days=-1), valid_to: dt.timedelta = dt.timedelta(days=365)
              ) -> Identity:
    """An ECDSA P-256 (or RSA 2048) certificate for `common_name`, signed by `issuer` (self-signed when None);
    validity relative to now."""
    key = rsa.generate_private_key(65537, 2048) if use_rsa else ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(issuer.cert.subject if issuer else subject).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now + valid_from).not_valid_after(now + valid_to))
    if ca:
        builder = (builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                                key_encipherment=False, data_encipherment=False, key_agreement=False,
                                                key_cert_sign=True, crl_sign=True, encipher_only=False,
                                                decipher_only=False), critical=True))
    else:
        builder = builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    cert = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    return Identity(key, cert)


def write_identity(directory: Path, leaf: Identity, *chain: Identity) -> tuple[str, str]:
    """Writes `leaf` (followed by `chain`, e.g. its CA) as a PEM certfile and its key as a PEM keyfile."""
    stem = secrets.token_hex(6)
    certfile, keyfile = directory / f"{stem}.crt.pem", directory / f"{stem}.key.pem"
    certfile.write_text("".join(c.pem for c in (leaf, *chain)))
    keyfile.write_bytes(leaf.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    return str(certfile), str(keyfile)


# ------------------------------------------------------------------------------------------------------------------
# Clients
# ------------------------------------------------------------------------------------------------------------------

def tls_provision(port: int, ca_file: str, profile: dict, **kw) -> dict | None:
    """Provisioning over MQTT/TLS with tb-mqtt-client's own ProvisionClient and request body.

    TBDeviceMqttClient.provision() has no TLS parameters: it runs ProvisionClient, which turns TLS on (unverified)
    only when the port is 8883. So the same ProvisionClient is driven here with the request exactly as provision()
    builds it (sdk_provision_request), with TLS verified against the server certificate, and a 10 s limit."""
    client = ProvisionClient(HOST, port, sdk_provision_request(profile["key"], profile["secret"], **kw))
    client.tls_set(ca_certs=ca_file, tls_version=ssl.PROTOCOL_TLSv1_2)
    client.provision(timeout=TIMEOUT)
    return client.get_credentials()


def sdk_client(port: int, ca_file: str | None = None, certfile: str | None = None, keyfile: str | None = None,
               **kw) -> TBDeviceMqttClient:
    """A connected TBDeviceMqttClient (MQTT 5); over TLS when `ca_file` is given (the SDK then uses TLS 1.2)."""
    client = TBDeviceMqttClient(HOST, port=port, **kw)
    if ca_file is None:
        client.connect()
    else:
        client.connect(tls=True, ca_certs=ca_file, cert_file=certfile, key_file=keyfile)
    if not wait_for(client.is_connected, timeout=TIMEOUT):
        close_sdk(client)
        pytest.fail("tb-mqtt-client did not connect")
    return client


def close_sdk(client: TBDeviceMqttClient) -> None:
    client.disconnect()
    client.stop()


@dataclass
class Session:
    """The outcome of a paho CONNECT: `connack` (paho ReasonCode) when one arrived, else `error`."""
    client: paho.Client
    connack: paho.ReasonCode | None = None
    error: str | None = None

    @property
    def accepted(self) -> bool:
        return self.connack is not None and self.connack == 0

    def publish(self, payload: dict, topic: str = TELEMETRY_TOPIC) -> None:
        """Publishes with QoS 1 and waits for the PUBACK."""
        info = self.client.publish(topic, json.dumps(payload), qos=1)
        deadline = time.monotonic() + TIMEOUT
        while not info.is_published():
            assert time.monotonic() < deadline, "no PUBACK"
            rc = self.client.loop(0.1)
            assert rc == paho.MQTT_ERR_SUCCESS, f"connection lost while publishing: {rc}"

    def close(self) -> None:
        try:
            if self.accepted:
                self.client.disconnect()
                self.client.loop(0.1)
        finally:
            sock = self.client.socket()
            if sock is not None:
                sock.close()


def paho_connect(port: int, version: int, *, ca_file: str | None = None, certfile: str | None = None,
                 keyfile: str | None = None, username: str | None = None, password: str | None = None) -> Session:
    """Connects paho (driven synchronously with loop(), so a refused client is never retried) and waits up to 10 s
    for the CONNACK; a TLS handshake failure or a closed connection ends up in `error`."""
    client = paho.Client(callback_api_version=CallbackAPIVersion.VERSION2, protocol=version,
                         client_id=f"tls-{secrets.token_hex(6)}")
    session = Session(client)
    if ca_file is not None:
        client.tls_set(ca_certs=ca_file, certfile=certfile, keyfile=keyfile)
    if username is not None:
        client.username_pw_set(username, password)

    def on_connect(_c, _u, _flags, reason, _props):
        session.connack = reason

    client.on_connect = on_connect
    try:
        client.connect(HOST, port, keepalive=30)
    except (ssl.SSLError, OSError) as e:
        session.error = f"connect: {e!r}"
        return session
    deadline = time.monotonic() + TIMEOUT
    while session.connack is None and time.monotonic() < deadline:
        rc = client.loop(0.1)
        if rc != paho.MQTT_ERR_SUCCESS:
            session.error = f"loop: {rc!r}"
            break
    if session.connack is None and session.error is None:
        session.error = "no CONNACK within 10 s"
    return session


def assert_not_authorized(session: Session, version: int) -> None:
    assert session.connack is not None, f"expected CONNACK not authorized, got {session.error}"
    if version == paho.MQTTv5:
        assert session.connack.value == NOT_AUTHORIZED_V5, session.connack
    else:
        # paho maps the 3.1.1 return codes one to one onto reason names; "Not authorized" is wire code 5
        assert session.connack.getName() == "Not authorized", session.connack


def connack_refused(port: int, version: int, **kw) -> None:
    session = paho_connect(port, version, **kw)
    try:
        assert_not_authorized(session, version)
    finally:
        session.close()


def mosquitto(*args, timeout=15):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=timeout)


# ------------------------------------------------------------------------------------------------------------------
# REST look-ups
# ------------------------------------------------------------------------------------------------------------------

def latest(rest, device_id, key):
    data = rest.get_latest_timeseries(device_id, keys=key, use_strict_data_types=True)
    return [point.value for point in data.get(key, [])]


def devices_named(rest, name):
    page = rest.get_tenant_devices(page_size=100, page=0, text_search=name)
    return [d for d in page.data if d.name == name]


def provision_state(rest, device_id):
    attributes = rest.get_attributes_by_scope(device_id, "SERVER_SCOPE", keys="provisionState")
    return attr_map(attributes).get("provisionState")


def chain_profile(rest, run_id: str, tag: str, pattern: str, allow: bool = True, use_rsa: bool = False
                  ) -> tuple[Identity, str]:
    """A new CA and an X509_CERTIFICATE_CHAIN profile trusting it (POST /api/deviceProfile): (CA, profile id)."""
    ca = make_cert(f"Compat CA {tag} {run_id}", ca=True, use_rsa=use_rsa, valid_to=dt.timedelta(days=3650))
    saved = rest.save_device_profile(DeviceProfile(
        name=f"compat-chain-{tag}-{run_id}", type="DEFAULT", transport_type="DEFAULT",
        provision_type="X509_CERTIFICATE_CHAIN",
        profile_data=DeviceProfileData(
            configuration=DefaultDeviceProfileConfiguration(type="DEFAULT"),
            transport_configuration=DefaultDeviceProfileTransportConfiguration(type="DEFAULT"),
            provision_configuration=X509CertificateChainProvisionConfiguration(
                type="X509_CERTIFICATE_CHAIN", provision_device_secret=ca.pem, certificate_reg_ex_pattern=pattern,
                allow_create_new_devices_by_x509_certificate=allow))))
    assert saved.provision_device_key == sha3_hex(ca.body)
    return ca, saved.id.id


# ------------------------------------------------------------------------------------------------------------------
# The listener, provisioning and token / MQTT-basic devices over TLS
# ------------------------------------------------------------------------------------------------------------------

def test_listener_certificate_verifies_for_localhost_and_ip(mqtts_port, server_ca_file):
    ctx = ssl.create_default_context(cafile=server_ca_file)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2  # what tb-mqtt-client uses
    for server_name in ("localhost", HOST):
        with socket.create_connection((HOST, mqtts_port), timeout=TIMEOUT) as raw:
            with ctx.wrap_socket(raw, server_hostname=server_name) as tls:
                assert tls.version() == "TLSv1.2"
                assert tls.getpeercert()["subjectAltName"]


def test_tls_provision_access_token_then_telemetry(rest, mqtts_port, server_ca_file, run_id, allow_profile):
    name = f"tls-tok-{run_id}"
    creds = tls_provision(mqtts_port, server_ca_file, allow_profile, device_name=name)
    assert creds is not None and creds["status"] == "SUCCESS", creds
    assert creds["credentialsType"] == "ACCESS_TOKEN"
    device = rest.get_tenant_device(name)
    assert device.device_profile_id.id == allow_profile["id"]
    assert provision_state(rest, device.id) == "provisioned"

    client = sdk_client(mqtts_port, server_ca_file, username=creds["credentialsValue"])
    try:
        assert client.send_telemetry({"tlsTemp": 22.5}).get() == 0  # QoS 1: 0 once PUBACKed
        assert wait_for(lambda: latest(rest, device.id, "tlsTemp") == [22.5], timeout=TIMEOUT)
    finally:
        close_sdk(client)


def test_tls_provision_mqtt_basic_then_telemetry(rest, mqtts_port, server_ca_file, run_id, allow_profile):
    name = f"tls-basic-{run_id}"
    client_id, user, password = f"tls-cid-{run_id}", f"tls-user-{run_id}", "pw-" + secrets.token_hex(4)
    creds = tls_provision(mqtts_port, server_ca_file, allow_profile, device_name=name, client_id=client_id,
                          username=user, password=password)
    assert creds is not None and creds["status"] == "SUCCESS", creds
    assert creds["credentialsType"] == "MQTT_BASIC"
    assert creds["credentialsValue"] == {"clientId": client_id, "userName": user, "password": password}

    client = sdk_client(mqtts_port, server_ca_file, client_id=client_id, username=user, password=password)
    try:
        assert client.send_telemetry({"tlsBasic": 3}).get() == 0
        assert wait_for(lambda: latest(rest, rest.get_tenant_device(name).id, "tlsBasic") == [3], timeout=TIMEOUT)
    finally:
        close_sdk(client)


def test_tls_provision_wrong_secret_fails_like_plain(mqtts_port, server_ca_file, allow_profile):
    profile = dict(allow_profile, secret="wrong-secret")
    assert tls_provision(mqtts_port, server_ca_file, profile, device_name="x") is None


@needs_mosquitto
def test_mosquitto_rr_provisions_over_tls(mqtts_port, server_ca_file, run_id, allow_profile):
    request = json.dumps({"provisionDeviceKey": allow_profile["key"], "provisionDeviceSecret": allow_profile["secret"],
                          "deviceName": f"tls-rr-{run_id}"})
    result = mosquitto("mosquitto_rr", "-h", HOST, "-p", str(mqtts_port), "--cafile", server_ca_file, "-u", "provision",
                       "-t", "/provision/request", "-e", "/provision/response", "-m", request, "-W", "10")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["status"] == "SUCCESS" and answer["credentialsType"] == "ACCESS_TOKEN"


# ------------------------------------------------------------------------------------------------------------------
# Devices with X.509 credentials (the client certificate authenticates; user name and password are ignored)
# ------------------------------------------------------------------------------------------------------------------

def test_tls_provision_x509_then_sdk_connects_with_certificate(rest, mqtts_port, server_ca_file, run_id,
                                                               allow_profile, tmp_path):
    name = f"tls-x509-{run_id}"
    me = make_cert(name)
    creds = tls_provision(mqtts_port, server_ca_file, allow_profile, device_name=name, hash=me.pem)
    assert creds is not None and creds["status"] == "SUCCESS", creds
    assert creds["credentialsType"] == "X509_CERTIFICATE"
    assert creds["credentialsValue"] == me.body
    device = rest.get_tenant_device(name)
    assert rest.get_device_credentials_by_device_id(device.id).credentials_id == sha3_hex(me.body)

    certfile, keyfile = write_identity(tmp_path, me)
    client = sdk_client(mqtts_port, server_ca_file, certfile, keyfile)  # no user name at all
    try:
        assert client.send_telemetry({"x509": 1}).get() == 0
        assert wait_for(lambda: latest(rest, device.id, "x509") == [1], timeout=TIMEOUT)
    finally:
        close_sdk(client)


@pytest.mark.parametrize("version", [paho.MQTTv311, paho.MQTTv5], ids=["mqtt311", "mqtt5"])
def test_http_provisioned_x509_device_paho(rest, base_url, mqtts_port, server_ca_file, run_id, allow_profile,
                                          tmp_path, version):
    name = f"tls-paho-{version}-{run_id}"
    me = make_cert(name)
    resp = http_provision(base_url, sdk_provision_request(allow_profile["key"], allow_profile["secret"],
                                                          device_name=name, hash=me.pem))
    assert resp["status"] == "SUCCESS" and resp["credentialsType"] == "X509_CERTIFICATE", resp
    certfile, keyfile = write_identity(tmp_path, me)
    # the certificate decides: a user name and password that match no device are ignored
    session = paho_connect(mqtts_port, version, ca_file=server_ca_file, certfile=certfile, keyfile=keyfile,
                           username="not-a-token", password="ignored")
    try:
        assert session.accepted, (session.connack, session.error)
        session.publish({"paho": version})
    finally:
        session.close()
    assert wait_for(lambda: latest(rest, rest.get_tenant_device(name).id, "paho") == [version], timeout=TIMEOUT)


@pytest.mark.parametrize("form", ["pem", "base64"])
def test_admin_set_x509_credentials_authenticate(rest, mqtts_port, server_ca_file, run_id, tmp_path, form):
    name = f"tls-admin-{form}-{run_id}"
    me = make_cert(name, use_rsa=True)
    device = rest.save_device(Device(name=name))
    creds = rest.get_device_credentials_by_device_id(device.id)
    creds.credentials_type = "X509_CERTIFICATE"
    creds.credentials_value = me.pem if form == "pem" else me.body
    updated = rest.update_device_credentials(creds)
    assert updated.credentials_id == sha3_hex(me.body)

    certfile, keyfile = write_identity(tmp_path, me)
    session = paho_connect(mqtts_port, paho.MQTTv311, ca_file=server_ca_file, certfile=certfile, keyfile=keyfile)
    try:
        assert session.accepted, (session.connack, session.error)
        session.publish({"admin509": form})
    finally:
        session.close()
    assert wait_for(lambda: latest(rest, device.id, "admin509") == [form], timeout=TIMEOUT)


@needs_mosquitto
@pytest.mark.parametrize("version", ["mqttv311", "mqttv5"])
def test_mosquitto_pub_with_client_certificate(rest, base_url, mqtts_port, server_ca_file, run_id, allow_profile,
                                               tmp_path, version):
    name = f"tls-mosq-{version}-{run_id}"
    me = make_cert(name)
    resp = http_provision(base_url, sdk_provision_request(allow_profile["key"], allow_profile["secret"],
                                                          device_name=name, hash=me.pem))
    assert resp["status"] == "SUCCESS", resp
    certfile, keyfile = write_identity(tmp_path, me)
    result = mosquitto("mosquitto_pub", "-h", HOST, "-p", str(mqtts_port), "-V", version, "--cafile", server_ca_file,
                       "--cert", certfile, "--key", keyfile, "-q", "1", "-t", TELEMETRY_TOPIC, "-m", '{"mosq509":9}')
    assert result.returncode == 0, result.stderr
    assert wait_for(lambda: latest(rest, rest.get_tenant_device(name).id, "mosq509") == [9], timeout=TIMEOUT)


# ------------------------------------------------------------------------------------------------------------------
# Unknown client certificates
# ------------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("version", [paho.MQTTv311, paho.MQTTv5], ids=["mqtt311", "mqtt5"])
def test_unknown_certificate_refused_then_server_keeps_serving(rest, mqtt_port, mqtts_port, server_ca_file, run_id,
                                                               allow_profile, tmp_path, version):
    stranger = f"tls-stranger-{version}-{run_id}"
    certfile, keyfile = write_identity(tmp_path, make_cert(stranger))
    name = f"tls-after-{version}-{run_id}"
    token = tls_provision(mqtts_port, server_ca_file, allow_profile, device_name=name)["credentialsValue"]
    # the certificate wins over the (valid) token: it authenticates no device, so the CONNECT is refused
    connack_refused(mqtts_port, version, ca_file=server_ca_file, certfile=certfile, keyfile=keyfile, username=token)
    assert devices_named(rest, stranger) == []
    # and both listeners keep serving token devices
    for port, ca_file in ((mqtts_port, server_ca_file), (mqtt_port, None)):
        session = paho_connect(port, version, ca_file=ca_file, username=token)
        try:
            assert session.accepted, (port, session.connack, session.error)
            session.publish({"after": port})
        finally:
            session.close()
    assert wait_for(lambda: latest(rest, rest.get_tenant_device(name).id, "after") == [mqtt_port], timeout=TIMEOUT)


@needs_mosquitto
@pytest.mark.parametrize("version,code", [("mqttv311", "5"), ("mqttv5", "135")])
def test_mosquitto_pub_unknown_certificate_connack(mqtts_port, server_ca_file, run_id, tmp_path, version, code):
    certfile, keyfile = write_identity(tmp_path, make_cert(f"tls-mosq-stranger-{run_id}"))
    result = mosquitto("mosquitto_pub", "-d", "-h", HOST, "-p", str(mqtts_port), "-V", version, "--cafile",
                       server_ca_file, "--cert", certfile, "--key", keyfile, "-t", TELEMETRY_TOPIC, "-m", "{}")
    assert result.returncode != 0
    assert f"received CONNACK ({code})" in result.stdout + result.stderr


# ------------------------------------------------------------------------------------------------------------------
# X.509 certificate-chain provisioning (X509_CERTIFICATE_CHAIN profiles)
# ------------------------------------------------------------------------------------------------------------------

def test_chain_creates_device_named_by_cn(rest, mqtts_port, server_ca_file, run_id, tmp_path):
    ca, profile_id = chain_profile(rest, run_id, "create", r"(.*)\.company\.com")
    name = f"chain-new-{run_id}"
    leaf = make_cert(f"{name}.company.com", ca)
    certfile, keyfile = write_identity(tmp_path, leaf, ca)
    assert devices_named(rest, name) == []

    client = sdk_client(mqtts_port, server_ca_file, certfile, keyfile)
    try:
        assert client.send_telemetry({"chain": 1}).get() == 0
    finally:
        close_sdk(client)
    device = rest.get_tenant_device(name)
    assert device.device_profile_id.id == profile_id
    creds = rest.get_device_credentials_by_device_id(device.id)
    assert creds.credentials_type == "X509_CERTIFICATE"
    assert creds.credentials_id == sha3_hex(leaf.body)
    assert pem_body(creds.credentials_value) == leaf.body
    assert provision_state(rest, device.id) == "provisioned"
    assert wait_for(lambda: latest(rest, device.id, "chain") == [1], timeout=TIMEOUT)

    # Decision: the same certificate reconnecting authenticates the same device - with the chain on MQTT 3.1.1 and
    # MQTT 5, and with the bare leaf now that it is the device's credentials
    leaf_only = write_identity(tmp_path, leaf)
    for version, (cf, kf), value in ((paho.MQTTv311, (certfile, keyfile), 2), (paho.MQTTv5, (certfile, keyfile), 3),
                                     (paho.MQTTv311, leaf_only, 4)):
        session = paho_connect(mqtts_port, version, ca_file=server_ca_file, certfile=cf, keyfile=kf)
        try:
            assert session.accepted, (version, session.connack, session.error)
            session.publish({"chain": value})
        finally:
            session.close()
        assert wait_for(lambda: latest(rest, device.id, "chain") == [value], timeout=TIMEOUT)
    assert [d.id.id for d in devices_named(rest, name)] == [device.id.id]
    assert rest.get_device_credentials_by_device_id(device.id).credentials_id == sha3_hex(leaf.body)


def test_chain_renewed_certificate_rebinds_same_device(rest, mqtts_port, server_ca_file, run_id, tmp_path):
    ca, _ = chain_profile(rest, run_id, "renew", r"(.*)\.company\.com")
    name = f"chain-renew-{run_id}"
    first, second = make_cert(f"{name}.company.com", ca), make_cert(f"{name}.company.com", ca)
    for leaf in (first, second):
        certfile, keyfile = write_identity(tmp_path, leaf, ca)
        session = paho_connect(mqtts_port, paho.MQTTv5, ca_file=server_ca_file, certfile=certfile, keyfile=keyfile)
        try:
            assert session.accepted, (session.connack, session.error)
        finally:
            session.close()
    devices = devices_named(rest, name)
    assert len(devices) == 1
    assert rest.get_device_credentials_by_device_id(devices[0].id).credentials_id == sha3_hex(second.body)


@pytest.mark.parametrize("version", [paho.MQTTv311, paho.MQTTv5], ids=["mqtt311", "mqtt5"])
def test_chain_not_allowed_then_precreated_device_is_bound(rest, mqtts_port, server_ca_file, run_id, tmp_path,
                                                           version):
    ca, profile_id = chain_profile(rest, run_id, f"noallow-{version}", r"(.*)\.company\.com", allow=False)
    name = f"chain-pre-{version}-{run_id}"
    leaf = make_cert(f"{name}.company.com", ca)
    certfile, keyfile = write_identity(tmp_path, leaf, ca)

    connack_refused(mqtts_port, version, ca_file=server_ca_file, certfile=certfile, keyfile=keyfile)
    assert devices_named(rest, name) == []

    device = rest.save_device(new_device(name, profile_id))  # the admin pre-creates it (it gets an access token)
    assert rest.get_device_credentials_by_device_id(device.id).credentials_type == "ACCESS_TOKEN"
    assert provision_state(rest, device.id) is None
    session = paho_connect(mqtts_port, version, ca_file=server_ca_file, certfile=certfile, keyfile=keyfile)
    try:
        assert session.accepted, (session.connack, session.error)
        session.publish({"bound": 1})
    finally:
        session.close()
    creds = rest.get_device_credentials_by_device_id(device.id)
    assert creds.credentials_type == "X509_CERTIFICATE"
    assert creds.credentials_id == sha3_hex(leaf.body)
    assert provision_state(rest, device.id) == "provisioned"
    assert wait_for(lambda: latest(rest, device.id, "bound") == [1], timeout=TIMEOUT)
    assert len(devices_named(rest, name)) == 1


def test_chain_forged_leaf_fails_tls_handshake(rest, mqtts_port, server_ca_file, run_id, tmp_path):
    ca, _ = chain_profile(rest, run_id, "forged", r"(.*)\.company\.com")
    rogue = make_cert(f"Rogue CA {run_id}", ca=True)
    name = f"chain-forged-{run_id}"
    forged = make_cert(f"{name}.company.com", rogue)  # issuer is the rogue CA; the real CA is appended below
    certfile, keyfile = write_identity(tmp_path, forged, ca)

    # tb-mqtt-client (TLS 1.2): the server rejects the chain inside the handshake, so connect() itself raises
    client = TBDeviceMqttClient(HOST, port=mqtts_port)
    try:
        with pytest.raises(ssl.SSLError):
            client.connect(tls=True, ca_certs=server_ca_file, cert_file=certfile, key_file=keyfile)
    finally:
        client.stop()
    # paho with the default TLS version (1.3 finishes the client side first): no CONNACK, the connection fails
    session = paho_connect(mqtts_port, paho.MQTTv5, ca_file=server_ca_file, certfile=certfile, keyfile=keyfile)
    try:
        assert session.connack is None, session.connack
        assert session.error
    finally:
        session.close()
    assert devices_named(rest, name) == []


@pytest.mark.parametrize("validity,version", [
    ((dt.timedelta(days=-30), dt.timedelta(days=-1)), paho.MQTTv311),   # expired
    ((dt.timedelta(days=-30), dt.timedelta(days=-1)), paho.MQTTv5),
    ((dt.timedelta(days=1), dt.timedelta(days=30)), paho.MQTTv5),       # not yet valid
], ids=["expired-mqtt311", "expired-mqtt5", "not-yet-valid-mqtt5"])
def test_chain_leaf_outside_validity_not_authorized(rest, mqtts_port, server_ca_file, run_id, tmp_path, validity,
                                                    version):
    ca, _ = chain_profile(rest, run_id, f"validity-{secrets.token_hex(3)}", r"(.*)\.company\.com")
    name = f"chain-validity-{secrets.token_hex(3)}-{run_id}"
    leaf = make_cert(f"{name}.company.com", ca, valid_from=validity[0], valid_to=validity[1])
    certfile, keyfile = write_identity(tmp_path, leaf, ca)
    connack_refused(mqtts_port, version, ca_file=server_ca_file, certfile=certfile, keyfile=keyfile)
    assert devices_named(rest, name) == []


def test_chain_cn_not_matching_pattern_refused(rest, mqtts_port, server_ca_file, run_id, tmp_path):
    ca, _ = chain_profile(rest, run_id, "nomatch", r"(.*)\.company\.com")
    cn = f"chain-nomatch-{run_id}.example.org"
    certfile, keyfile = write_identity(tmp_path, make_cert(cn, ca), ca)
    connack_refused(mqtts_port, paho.MQTTv5, ca_file=server_ca_file, certfile=certfile, keyfile=keyfile)
    assert devices_named(rest, cn) == [] and devices_named(rest, f"chain-nomatch-{run_id}") == []


def test_chain_thingsboard_pattern_example(rest, mqtts_port, server_ca_file, run_id, tmp_path):
    # the example of ThingsBoard's X509ProvisionStrategy tests: ([^@]+) on deviceCertificate@X509ProvisionStrategy
    ca, profile_id = chain_profile(rest, run_id, "tbexample", r"([^@]+)", use_rsa=True)
    leaf = make_cert("deviceCertificate@X509ProvisionStrategy", ca, use_rsa=True)
    certfile, keyfile = write_identity(tmp_path, leaf, ca)
    session = paho_connect(mqtts_port, paho.MQTTv311, ca_file=server_ca_file, certfile=certfile, keyfile=keyfile)
    try:
        assert session.accepted, (session.connack, session.error)
    finally:
        session.close()
    device = rest.get_tenant_device("deviceCertificate")
    assert device.device_profile_id.id == profile_id
    assert rest.get_device_credentials_by_device_id(device.id).credentials_id == sha3_hex(leaf.body)


def test_chain_name_of_device_in_other_profile_refused(rest, mqtts_port, server_ca_file, run_id, tmp_path):
    ca, _ = chain_profile(rest, run_id, "clash", r"(.*)\.company\.com")
    name = f"chain-clash-{run_id}"
    token = "clash" + secrets.token_hex(8)
    device = rest.save_device(Device(name=name), access_token=token)  # default profile
    certfile, keyfile = write_identity(tmp_path, make_cert(f"{name}.company.com", ca), ca)
    connack_refused(mqtts_port, paho.MQTTv5, ca_file=server_ca_file, certfile=certfile, keyfile=keyfile)
    assert len(devices_named(rest, name)) == 1
    creds = rest.get_device_credentials_by_device_id(device.id)
    assert creds.credentials_type == "ACCESS_TOKEN" and creds.credentials_id == token
    assert provision_state(rest, device.id) is None


def test_chain_leaf_without_ca_is_provisioned_by_its_issuer(rest, mqtts_port, server_ca_file, run_id, tmp_path):
    # Beyond ThingsBoard: a client that sends only its device certificate still chains to the profile's CA.
    ca, profile_id = chain_profile(rest, run_id, "leafonly", r"(.*)\.company\.com")
    name = f"chain-leafonly-{run_id}"
    leaf = make_cert(f"{name}.company.com", ca)
    certfile, keyfile = write_identity(tmp_path, leaf)  # no CA in the chain
    session = paho_connect(mqtts_port, paho.MQTTv311, ca_file=server_ca_file, certfile=certfile, keyfile=keyfile)
    try:
        assert session.accepted, (session.connack, session.error)
        session.publish({"leafonly": 1})
    finally:
        session.close()
    device = rest.get_tenant_device(name)
    assert device.device_profile_id.id == profile_id
    assert rest.get_device_credentials_by_device_id(device.id).credentials_id == sha3_hex(leaf.body)
    assert provision_state(rest, device.id) == "provisioned"
    assert wait_for(lambda: latest(rest, device.id, "leafonly") == [1], timeout=TIMEOUT)


def test_chain_leaf_of_unknown_ca_refused(rest, mqtts_port, server_ca_file, run_id, tmp_path):
    chain_profile(rest, run_id, "strangerca", r"(.*)\.company\.com")
    stranger = make_cert(f"Stranger CA {run_id}", ca=True)
    name = f"chain-stranger-{run_id}"
    certfile, keyfile = write_identity(tmp_path, make_cert(f"{name}.company.com", stranger))
    connack_refused(mqtts_port, paho.MQTTv311, ca_file=server_ca_file, certfile=certfile, keyfile=keyfile)
    assert devices_named(rest, name) == []


# ------------------------------------------------------------------------------------------------------------------
# The announced certificate on further starts and with --tls-cert / --tls-key (servers of their own)
# ------------------------------------------------------------------------------------------------------------------

def started(server: MusterServer) -> MusterServer:
    try:
        server.start()
    except RuntimeError as e:
        server.stop()
        pytest.fail(str(e), pytrace=False)
    if not server._mqtts_listening.wait(TIMEOUT):
        server.stop()
        pytest.fail("no 'mqtts listening on' line\n" + server.tail(), pytrace=False)
    return server


def provision_session_accepted(port: int, ca_file: str) -> bool:
    session = paho_connect(port, paho.MQTTv311, ca_file=ca_file, username="provision")
    try:
        return session.accepted
    finally:
        session.close()


def test_generated_certificate_is_kept_across_restarts(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    first = started(MusterServer(server_binary(), data_dir, log_dir() / "server-tls-first.log"))
    try:
        assert "(made a self-signed certificate " in first.tail()
        assert first.mqtts_cert == data_dir / "tls" / "mqtt-server.pem"
        pem = first.mqtts_cert.read_text()
        assert provision_session_accepted(first.mqtts_port, str(first.mqtts_cert))
    finally:
        assert first.stop() == 0, first.tail()
    again = started(MusterServer(server_binary(), data_dir, log_dir() / "server-tls-again.log"))
    try:
        assert "(self-signed certificate " in again.tail()
        assert again.mqtts_cert == first.mqtts_cert and again.mqtts_cert.read_text() == pem
        assert provision_session_accepted(again.mqtts_port, str(again.mqtts_cert))
    finally:
        assert again.stop() == 0, again.tail()


def test_own_certificate_given_by_relative_path(tmp_path, run_id):
    data_dir = tmp_path / "data"
    (data_dir / "own").mkdir(parents=True)
    ca = make_cert(f"Compat server CA {run_id}", ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    server_cert = (x509.CertificateBuilder()
                   .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "muster compat")]))
                   .issuer_name(ca.cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                               x509.IPAddress(ipaddress.ip_address(HOST))]),
                                  critical=False)
                   .sign(ca.key, hashes.SHA256()))
    server_id = Identity(key, server_cert)
    certfile, keyfile = write_identity(data_dir / "own", server_id, ca)  # served chain: server cert + CA
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text(ca.pem)
    # relative to the server's working directory, which MusterServer makes the data directory
    rel_cert, rel_key = (str(Path(p).relative_to(data_dir)) for p in (certfile, keyfile))
    server = started(MusterServer(server_binary(), data_dir, log_dir() / "server-tls-own.log",
                                  extra_args=("--tls-cert", rel_cert, "--tls-key", rel_key)))
    try:
        assert f"(certificate {rel_cert})" in server.tail()
        assert server.mqtts_cert == data_dir / rel_cert
        assert provision_session_accepted(server.mqtts_port, str(ca_file))
    finally:
        assert server.stop() == 0, server.tail()


# ------------------------------------------------------------------------------------------------------------------
# Rotating the listener's certificate (issue 16)
# ------------------------------------------------------------------------------------------------------------------

def served_certificate(port: int, ca_file: str) -> bytes:
    """The DER certificate the listener serves now, verified against `ca_file` for `localhost`."""
    ctx = ssl.create_default_context(cafile=ca_file)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    with socket.create_connection((HOST, port), timeout=TIMEOUT) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            return tls.getpeercert(binary_form=True)


@needs_mosquitto
def test_rotated_certificate_is_served_without_restarting_server_or_clients(run_id):
    server = start_server("server-rotate-tls")
    try:
        assert server._mqtts_listening.wait(30)
        ca_file, port = str(server.mqtts_cert), server.mqtts_port
        before = served_certificate(port, ca_file)
        # A TLS connection opened before the rotation stays open and usable.
        ctx = ssl.create_default_context(cafile=ca_file)
        early = ctx.wrap_socket(socket.create_connection((HOST, port), timeout=TIMEOUT), server_hostname="localhost")
        rotated = subprocess.run([str(server_binary()), "rotate-mqtt-certificate", "--data-dir", str(server.data_dir)],
                                 capture_output=True, text=True, timeout=60)
        assert rotated.returncode == 0, rotated.stderr
        assert "mqtt-leaf.pem" in rotated.stdout and "clients keep as their CA file" in rotated.stdout
        # Within seconds new connections get the new certificate, verified with the CA file clients already have.
        assert wait_for(lambda: served_certificate(port, ca_file) != before, timeout=15), "still the old certificate"
        after = x509.load_der_x509_certificate(served_certificate(port, ca_file))
        ca = x509.load_pem_x509_certificate(Path(ca_file).read_bytes())
        assert after.issuer == ca.subject and after.subject != ca.subject
        # mosquitto's client with the same --cafile, and tb-mqtt-client's TLS connection, work unchanged.
        # (The handshake succeeds, then the server answers: a CONNACK refusing the unknown token, a provisioning
        # answer for the unknown key.)
        result = mosquitto("mosquitto_pub", "-h", HOST, "-p", str(port), "--cafile", ca_file, "-u", "bad-" + run_id,
                           "-t", TELEMETRY_TOPIC, "-m", "{}")
        assert "not authori" in result.stderr.lower(), result.stderr
        answer = mosquitto("mosquitto_rr", "-h", HOST, "-p", str(port), "--cafile", ca_file, "-u", "provision",
                           "-t", "/provision/request", "-e", "/provision/response", "-W", "10",
                           "-m", json.dumps(sdk_provision_request("x", "y", device_name=f"rot-{run_id}")))
        assert answer.returncode == 0, answer.stderr
        assert json.loads(answer.stdout)["status"] == "NOT_FOUND"
        # MQTT 3.1.1 CONNECT with client id "early" on the connection opened before: the server answers CONNACK.
        early.sendall(bytes([0x10, 17, 0, 4]) + b"MQTT" + bytes([4, 2, 0, 30, 0, 5]) + b"early")
        assert early.recv(4)[:1] == bytes([0x20])
        early.close()
    finally:
        assert server.stop() == 0, server.tail()
