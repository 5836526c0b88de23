"""Issue 20: revoking a device ends its open sessions, and a second MQTT CONNECT with the same client id takes the
first session over.

Changing a device's credentials (tb-rest-client's `update_device_credentials`, i.e. `POST /api/device/credentials`)
or deleting it closes every session opened with the old credentials at once: MQTT 5 gets DISCONNECT 0x98
Administrative action (ThingsBoard's code for both), MQTT 3.1.1 a closed socket; a CoAP observer gets a final 4.01
(credentials changed) or 4.04 (device deleted) without Observe option and the observation ends (RFC 7641 §4.2).
Each closure is in the audit log (`SESSION_CLOSED`). Sessions are paho clients (tb-paho-mqtt-client, MQTT 3.1.1 and
5) driven synchronously with loop(), over plain TCP and TLS (X.509 client certificate), and aiocoap observations.
"""
from __future__ import annotations

import asyncio
import json
import secrets
import time

import paho.mqtt.client as paho
import pytest
import requests
from paho.mqtt.enums import CallbackAPIVersion
from tb_rest_client.models import Device

from muster_compat import sdk_provision_request, wait_for
from test_mqtt_tls import make_cert, write_identity

HOST = "127.0.0.1"
TIMEOUT = 10.0
TELEMETRY_TOPIC = "v1/devices/me/telemetry"
ATTRIBUTES_TOPIC = "v1/devices/me/attributes"
ADMINISTRATIVE_ACTION = 0x98
SESSION_TAKEN_OVER = 0x8E
NOT_AUTHORIZED_V5 = 0x87
BAD_USER_NAME_OR_PASSWORD_V5 = 0x86
VERSIONS = pytest.mark.parametrize("version", [paho.MQTTv311, paho.MQTTv5], ids=["mqtt311", "mqtt5"])


class Client:
    """A paho client driven synchronously with loop(): it records the CONNACK, every disconnection (with whether a
    DISCONNECT packet from the server caused it, and its reason code) and the messages it receives."""

    def __init__(self, port: int, version: int, *, client_id: str | None = None, username: str | None = None,
                 password: str | None = None, ca_file: str | None = None, certfile: str | None = None,
                 keyfile: str | None = None):
        self.version = version
        self.connack: paho.ReasonCode | None = None
        self.disconnects: list[tuple[bool, int]] = []
        self.messages: list[tuple[str, bytes]] = []
        self.client = paho.Client(callback_api_version=CallbackAPIVersion.VERSION2, protocol=version,
                                  client_id=client_id or f"rev-{secrets.token_hex(6)}")
        if ca_file is not None:
            self.client.tls_set(ca_certs=ca_file, certfile=certfile, keyfile=keyfile)
        if username is not None or password is not None:
            self.client.username_pw_set(username, password)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = lambda _c, _u, message: self.messages.append((message.topic, message.payload))
        self.client.connect(HOST, port, keepalive=60)
        self.pump_until(lambda: self.connack is not None or self.closed)

    def _on_connect(self, _c, _u, _flags, reason, _props):
        self.connack = reason

    def _on_disconnect(self, _c, _u, flags, reason, _props):
        self.disconnects.append((flags.is_disconnect_packet_from_server, reason.value))

    @property
    def accepted(self) -> bool:
        return self.connack is not None and self.connack == 0 and not self.closed

    @property
    def closed(self) -> bool:
        return bool(self.disconnects)

    @property
    def server_disconnect_reasons(self) -> list[int]:
        """Reason codes of DISCONNECT packets the server sent (MQTT 5 only)."""
        return [reason for from_server, reason in self.disconnects if from_server]

    def pump_until(self, condition, timeout: float = TIMEOUT) -> bool:
        """Runs the network loop until `condition()` holds or `timeout` passes (or the connection is gone)."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() >= deadline:
                return False
            if self.client.loop(0.05) != paho.MQTT_ERR_SUCCESS and not self.closed:
                self.disconnects.append((False, -1))
        return True

    def publish(self, payload: dict, topic: str = TELEMETRY_TOPIC) -> None:
        """Publishes with QoS 1 and waits for the PUBACK."""
        info = self.client.publish(topic, json.dumps(payload), qos=1)
        assert self.pump_until(lambda: info.is_published() or self.closed), "no PUBACK"
        assert info.is_published(), f"connection closed while publishing: {self.disconnects}"

    def subscribe(self, topic: str) -> None:
        granted = []
        self.client.on_subscribe = lambda _c, _u, _mid, codes, _p: granted.extend(codes)
        self.client.subscribe(topic, qos=1)
        assert self.pump_until(lambda: bool(granted)), "no SUBACK"

    def close(self) -> None:
        try:
            if self.accepted:
                self.client.disconnect()
                self.client.loop(0.05)
        finally:
            sock = self.client.socket()
            if sock is not None:
                sock.close()


def assert_revoked(client: Client) -> None:
    """The server ended the session: MQTT 5 with DISCONNECT 0x98 Administrative action, MQTT 3.1.1 by closing."""
    assert client.pump_until(lambda: client.closed), "the session stayed open after the revocation"
    if client.version == paho.MQTTv5:
        assert client.server_disconnect_reasons == [ADMINISTRATIVE_ACTION], client.disconnects


def assert_refused(port: int, version: int, **kw) -> None:
    """The old credentials no longer open a session."""
    client = Client(port, version, **kw)
    try:
        assert client.connack is not None and client.connack != 0, (client.connack, client.disconnects)
        if version == paho.MQTTv5:
            # ThingsBoard's codes: unknown token or MQTT-basic credentials 0x86, unknown certificate 0x87
            assert client.connack.value in (BAD_USER_NAME_OR_PASSWORD_V5, NOT_AUTHORIZED_V5), client.connack
    finally:
        client.close()


def token_device(rest, name: str) -> tuple[Device, str]:
    token = "rev" + secrets.token_hex(10)
    return rest.save_device(Device(name=name), access_token=token), token


def set_credentials(rest, device_id, credentials_type: str, credentials_id=None, credentials_value=None):
    """POST /api/device/credentials through tb-rest-client."""
    creds = rest.get_device_credentials_by_device_id(device_id)
    creds.credentials_type = credentials_type
    if credentials_id is not None:
        creds.credentials_id = credentials_id
    creds.credentials_value = credentials_value
    return rest.update_device_credentials(creds)


def session_closures(rest, base_url: str, device_id) -> list[dict]:
    """The device's SESSION_CLOSED entries of GET /api/audit/logs."""
    resp = requests.get(f"{base_url}/api/audit/logs",
                        params={"deviceId": device_id.id, "outcome": "SESSION_CLOSED", "pageSize": 50, "page": 0},
                        headers={"X-Authorization": f"Bearer {rest.get_token()}"}, timeout=TIMEOUT)
    resp.raise_for_status()
    return [entry["actionData"] for entry in resp.json()["data"]]


# ------------------------------------------------------------------------------------------------------------------
# MQTT: access token, MQTT basic, X.509 over TLS
# ------------------------------------------------------------------------------------------------------------------

@VERSIONS
def test_token_session_closed_when_credentials_change(rest, base_url, mqtt_port, run_id, version):
    device, old = token_device(rest, f"rev-tok-{version}-{run_id}")
    session = Client(mqtt_port, version, username=old)
    try:
        assert session.accepted, (session.connack, session.disconnects)
        session.publish({"before": 1})

        new = "new" + secrets.token_hex(10)
        set_credentials(rest, device.id, "ACCESS_TOKEN", credentials_id=new)

        assert_revoked(session)
    finally:
        session.close()
    assert_refused(mqtt_port, version, username=old)
    fresh = Client(mqtt_port, version, username=new)
    try:
        assert fresh.accepted, (fresh.connack, fresh.disconnects)
    finally:
        fresh.close()
    closures = wait_for(lambda: session_closures(rest, base_url, device.id), timeout=TIMEOUT)
    assert [(c["transport"], c["reason"]) for c in closures] == [("MQTT", "CREDENTIALS_CHANGED")]
    assert old not in json.dumps(closures) and new not in json.dumps(closures)


@VERSIONS
def test_token_session_closed_when_device_deleted(rest, base_url, mqtt_port, run_id, version):
    device, token = token_device(rest, f"rev-del-{version}-{run_id}")
    session = Client(mqtt_port, version, username=token)
    try:
        assert session.accepted, (session.connack, session.disconnects)
        session.publish({"before": 1})

        rest.delete_device(device.id)

        assert_revoked(session)
    finally:
        session.close()
    assert_refused(mqtt_port, version, username=token)
    closures = wait_for(lambda: session_closures(rest, base_url, device.id), timeout=TIMEOUT)
    assert [(c["transport"], c["reason"]) for c in closures] == [("MQTT", "DEVICE_DELETED")]


@VERSIONS
def test_mqtt_basic_session_closed_when_credentials_change(rest, mqtt_port, run_id, version):
    device, _ = token_device(rest, f"rev-basic-{version}-{run_id}")
    client_id, user, password = f"rev-cid-{run_id}-{version}", f"rev-user-{run_id}-{version}", secrets.token_hex(8)
    set_credentials(rest, device.id, "MQTT_BASIC",
                    credentials_value=json.dumps({"clientId": client_id, "userName": user, "password": password}))
    session = Client(mqtt_port, version, client_id=client_id, username=user, password=password)
    try:
        assert session.accepted, (session.connack, session.disconnects)
        session.publish({"basic": 1})

        set_credentials(rest, device.id, "ACCESS_TOKEN", credentials_id="rev" + secrets.token_hex(10))

        assert_revoked(session)
    finally:
        session.close()
    assert_refused(mqtt_port, version, client_id=client_id, username=user, password=password)


@VERSIONS
def test_x509_session_closed_when_switched_to_token(rest, mqtts_port, server_ca_file, run_id, tmp_path, version):
    name = f"rev-x509-{version}-{run_id}"
    me = make_cert(name)
    device, _ = token_device(rest, name)
    set_credentials(rest, device.id, "X509_CERTIFICATE", credentials_value=me.pem)
    certfile, keyfile = write_identity(tmp_path, me)
    tls = dict(ca_file=server_ca_file, certfile=certfile, keyfile=keyfile)
    session = Client(mqtts_port, version, **tls)
    try:
        assert session.accepted, (session.connack, session.disconnects)
        session.publish({"x509": 1})

        set_credentials(rest, device.id, "ACCESS_TOKEN", credentials_id="rev" + secrets.token_hex(10))

        assert_revoked(session)
    finally:
        session.close()
    assert_refused(mqtts_port, version, **tls)


def test_csv_import_that_replaces_the_token_ends_the_session(rest, mqtt_port, run_id):
    """ThingsBoard's bulk import with update (tb-rest-client `process_devices_bulk_import`): a row naming new
    credentials for an existing device ends its sessions; a row without credentials does not."""
    from tb_rest_client.models import BulkImportRequest, ColumnMapping, Mapping

    rotated, old = token_device(rest, f"rev-csv-rotated-{run_id}")
    _, kept = token_device(rest, f"rev-csv-kept-{run_id}")
    new = "csv" + secrets.token_hex(10)
    rotated_session = Client(mqtt_port, paho.MQTTv5, username=old)
    kept_session = Client(mqtt_port, paho.MQTTv5, username=kept)
    try:
        assert rotated_session.accepted and kept_session.accepted
        profile = rotated.type  # the import keeps each device in its profile
        csv = ("NAME,TYPE,TOKEN,LABEL\n"
               f"rev-csv-rotated-{run_id},{profile},{new},rotated\n"
               f"rev-csv-kept-{run_id},{profile},,relabelled\n")
        columns = [ColumnMapping(type="NAME"), ColumnMapping(type="TYPE"), ColumnMapping(type="ACCESS_TOKEN"),
                   ColumnMapping(type="LABEL")]
        result = rest.process_devices_bulk_import(BulkImportRequest(
            file=csv, mapping=Mapping(columns=columns, delimiter=",", update=True, header=True)))
        assert (result.updated, result.errors) == (2, 0), result

        assert_revoked(rotated_session)
        kept_session.publish({"kept": 1})
        assert not kept_session.closed
    finally:
        rotated_session.close()
        kept_session.close()
    assert rest.get_device_credentials_by_device_id(rotated.id).credentials_id == new


def test_other_devices_sessions_stay_open(rest, mqtt_port, run_id):
    device, token = token_device(rest, f"rev-target-{run_id}")
    _, other_token = token_device(rest, f"rev-bystander-{run_id}")
    target = Client(mqtt_port, paho.MQTTv5, username=token)
    bystander = Client(mqtt_port, paho.MQTTv5, username=other_token)
    try:
        assert target.accepted and bystander.accepted
        rest.delete_device(device.id)
        assert_revoked(target)
        bystander.publish({"still": "here"})  # PUBACK on the same connection
        assert not bystander.closed
    finally:
        target.close()
        bystander.close()


# ------------------------------------------------------------------------------------------------------------------
# CoAP observations
# ------------------------------------------------------------------------------------------------------------------

def observe_until_revoked(coap_port: int, token: str, revoke) -> tuple:
    """Registers an aiocoap observation of the device's attributes, runs `revoke()` (blocking, in a thread) while a
    notification is awaited, and returns (final notification's code, whether the observation then ended)."""
    import aiocoap

    async def run():
        ctx = await aiocoap.Context.create_client_context()
        try:
            msg = aiocoap.Message(code=aiocoap.GET, uri=f"coap://{HOST}:{coap_port}/api/v1/{token}/attributes",
                                  observe=0)
            req = ctx.request(msg)
            first = await asyncio.wait_for(req.response, TIMEOUT)
            assert first.code == aiocoap.CONTENT and first.opt.observe is not None, first
            notifications = req.observation.__aiter__()
            final = asyncio.ensure_future(notifications.__anext__())
            await asyncio.get_running_loop().run_in_executor(None, revoke)
            note = await asyncio.wait_for(final, TIMEOUT)
            try:
                await asyncio.wait_for(notifications.__anext__(), TIMEOUT)
                ended = False
            except StopAsyncIteration:
                ended = True
            return note.code, note.opt.observe, ended
        finally:
            await ctx.shutdown()

    return asyncio.run(run())


def test_coap_observation_ends_with_401_when_credentials_change(rest, base_url, coap_port, run_id):
    import aiocoap

    device, token = token_device(rest, f"rev-coap-creds-{run_id}")
    code, observe, ended = observe_until_revoked(
        coap_port, token, lambda: set_credentials(rest, device.id, "ACCESS_TOKEN", credentials_id="rev" + secrets.token_hex(10)))
    assert code == aiocoap.UNAUTHORIZED
    assert observe is None  # a non-2.xx notification carries no Observe option and ends the observation
    assert ended
    closures = wait_for(lambda: session_closures(rest, base_url, device.id), timeout=TIMEOUT)
    assert [(c["transport"], c["reason"]) for c in closures] == [("COAP", "CREDENTIALS_CHANGED")]


def test_coap_observation_ends_with_404_when_device_deleted(rest, coap_port, run_id):
    import aiocoap

    device, token = token_device(rest, f"rev-coap-del-{run_id}")
    code, observe, ended = observe_until_revoked(coap_port, token, lambda: rest.delete_device(device.id))
    assert code == aiocoap.NOT_FOUND
    assert observe is None
    assert ended


# ------------------------------------------------------------------------------------------------------------------
# Client-id takeover
# ------------------------------------------------------------------------------------------------------------------

@VERSIONS
def test_second_connect_with_same_client_id_takes_over(rest, base_url, mqtt_port, run_id, version):
    device, token = token_device(rest, f"rev-takeover-{version}-{run_id}")
    client_id = f"rev-same-{run_id}-{version}"
    first = Client(mqtt_port, version, client_id=client_id, username=token)
    second = None
    try:
        assert first.accepted, (first.connack, first.disconnects)
        first.subscribe(ATTRIBUTES_TOPIC)

        second = Client(mqtt_port, version, client_id=client_id, username=token)
        assert second.accepted, (second.connack, second.disconnects)

        assert first.pump_until(lambda: first.closed), "the first session stayed open"
        if version == paho.MQTTv5:
            assert first.server_disconnect_reasons == [SESSION_TAKEN_OVER], first.disconnects
        second.subscribe(ATTRIBUTES_TOPIC)
        rest.save_entity_attributes_v2(device.id, "SHARED_SCOPE", {"pushed": version})
        assert second.pump_until(lambda: bool(second.messages)), "the second session got no push"
        assert json.loads(second.messages[0][1]) == {"pushed": version}
        assert first.messages == []
    finally:
        first.close()
        if second is not None:
            second.close()
    closures = wait_for(lambda: session_closures(rest, base_url, device.id), timeout=TIMEOUT)
    assert [(c["transport"], c["reason"]) for c in closures] == [("MQTT", "SESSION_TAKEN_OVER")]


def test_provisioning_sessions_do_not_take_each_other_over(mqtt_port, run_id, allow_profile):
    """Many provisioning clients share the client id `provision`: a second one must not end the first."""
    first = Client(mqtt_port, paho.MQTTv311, client_id="provision", username="provision")
    second = Client(mqtt_port, paho.MQTTv311, client_id="provision", username="provision")
    try:
        assert first.accepted and second.accepted, (first.connack, second.connack)
        first.subscribe("/provision/response")
        request = sdk_provision_request(allow_profile["key"], allow_profile["secret"], device_name=f"rev-prov-{run_id}")
        first.client.publish("/provision/request", json.dumps(request), qos=1)
        assert first.pump_until(lambda: bool(first.messages)), f"no provisioning answer: {first.disconnects}"
        assert json.loads(first.messages[0][1])["status"] == "SUCCESS"
    finally:
        first.close()
        second.close()
