"""The HTTP device API through tb-mqtt-client's TBHTTPDevice, checked back through the REST SDKs."""
import datetime as dt
import secrets
import time

import pytest
import requests
from tb_device_http import TBHTTPDevice

from muster_compat import attr_map, wait_for


@pytest.fixture(scope="module")
def device(rest, base_url, run_id, allow_profile):
    """A device provisioned with the SDK's own HTTP helper, plus its REST id."""
    name = f"api-dev-{run_id}"
    dev = TBHTTPDevice.provision(base_url, name, allow_profile["key"], allow_profile["secret"])
    return dev, rest.get_tenant_device(name).id


def latest(rest, device_id, keys, strict=True):
    return rest.get_latest_timeseries(device_id, keys=",".join(keys), use_strict_data_types=strict)


def test_connection_test_posts_empty_telemetry(device):
    dev, _ = device
    assert dev.test_connection() is True  # POST /api/v1/{token}/telemetry {} must be 200


def test_telemetry_ts_values_form_via_send_telemetry(rest, device):
    dev, device_id = device
    when = dt.datetime(2024, 1, 2, 3, 4, 5)
    expected_ts = int(when.replace(tzinfo=dt.timezone.utc).timestamp() * 1000)  # as the SDK computes it
    dev.send_telemetry({"temperature": 21.5, "status": "ok", "on": True, "count": 7}, timestamp=when, queued=False)
    got = latest(rest, device_id, ["temperature", "status", "on", "count"])
    assert {k: (v[0].ts, v[0].value) for k, v in got.items()} == {
        "temperature": (expected_ts, 21.5), "status": (expected_ts, "ok"), "on": (expected_ts, True),
        "count": (expected_ts, 7)}
    # without useStrictDataTypes ThingsBoard returns every value as a string
    loose = latest(rest, device_id, ["temperature", "count", "on"], strict=False)
    assert {k: v[0].value for k, v in loose.items()} == {"temperature": "21.5", "count": "7", "on": "true"}


def test_telemetry_plain_object_form(rest, device):
    dev, device_id = device
    before = int(time.time() * 1000)
    dev._publish_data({"humidity": 40, "label": "plain"}, "telemetry")  # SDK's raw POST (no ts wrapper)
    after = int(time.time() * 1000)
    got = latest(rest, device_id, ["humidity", "label"])
    assert got["humidity"][0].value == 40 and got["label"][0].value == "plain"
    assert before - 1000 <= got["humidity"][0].ts <= after + 1000  # server time of reception


def test_telemetry_list_form(rest, device):
    dev, device_id = device
    dev._publish_data([{"ts": 1700000000000, "values": {"pressure": 1.5}},
                       {"ts": 1700000001000, "values": {"pressure": 2.5}},
                       {"wind": 3}], "telemetry")
    got = latest(rest, device_id, ["pressure", "wind"])
    assert (got["pressure"][0].ts, got["pressure"][0].value) == (1700000001000, 2.5)
    assert got["wind"][0].value == 3
    hist = rest.get_timeseries(device_id, start_ts=1699999999000, end_ts=1700000002000, keys="pressure",
                               use_strict_data_types=True, order_by="ASC", limit=10, agg="NONE")
    assert [(p.ts, p.value) for p in hist["pressure"]] == [(1700000000000, 1.5), (1700000001000, 2.5)]


def test_telemetry_read_back_with_ce_client(ce, device):
    dev, device_id = device
    dev.send_telemetry({"ce_key": 99}, queued=False)
    got = ce.get_latest_timeseries(entity_type="DEVICE", entity_id=device_id.id, keys="ce_key",
                                   use_strict_data_types=True)
    assert got["ce_key"][0].value == 99 and isinstance(got["ce_key"][0].ts, int)
    assert "ce_key" in ce.get_timeseries_keys(entity_type="DEVICE", entity_id=device_id.id)


def test_queued_telemetry_through_publish_worker(rest, base_url, run_id, allow_profile):
    dev = TBHTTPDevice.provision(base_url, f"api-queued-{run_id}", allow_profile["key"], allow_profile["secret"])
    device_id = rest.get_tenant_device(dev.name).id
    assert dev.connect() is True  # connection test + starts the SDK's publish worker
    try:
        dev.send_telemetry({"queued": 5})
        got = wait_for(lambda: latest(rest, device_id, ["queued"]).get("queued"), timeout=10)
        assert got and got[0].value == 5
    finally:
        dev.stop_publish_worker()


def test_client_attributes(rest, device):
    dev, device_id = device
    dev.send_attributes({"fw": "1.0.3", "slots": 4, "ratio": 0.25, "enabled": False, "cfg": {"a": [1, 2]}})
    attrs = attr_map(rest.get_attributes_by_scope(device_id, "CLIENT_SCOPE"))
    assert attrs["fw"] == "1.0.3" and attrs["slots"] == 4 and attrs["ratio"] == 0.25
    assert attrs["enabled"] is False and attrs["cfg"] == {"a": [1, 2]}
    only = rest.get_attributes_by_scope(device_id, "CLIENT_SCOPE", keys="fw,slots")
    assert sorted(a.key for a in only) == ["fw", "slots"]
    assert all(isinstance(a.last_update_ts, int) for a in only)
    # client attributes are not server or shared ones
    assert "fw" not in attr_map(rest.get_attributes_by_scope(device_id, "SHARED_SCOPE"))
    # the device reads its own client attribute back
    assert dev.request_attributes(client_keys=["fw"])["client"]["fw"] == "1.0.3"


def test_shared_attributes_set_by_rest_read_by_device(rest, device):
    dev, device_id = device
    rest.save_entity_attributes_v2(device_id, "SHARED_SCOPE", {"target": 42, "mode": "eco"})
    assert attr_map(rest.get_attributes_by_scope(device_id, "SHARED_SCOPE", keys="target,mode")) == \
        {"target": 42, "mode": "eco"}
    got = dev.request_attributes(shared_keys=["target", "mode"])
    assert got["shared"]["target"] == 42
    assert got["shared"]["mode"] == "eco"


def test_shared_attributes_by_camel_case_query(device, rest):
    dev, device_id = device
    rest.save_entity_attributes_v2(device_id, "SHARED_SCOPE", {"only_this": 1, "not_this": 2})
    # ThingsBoard's documented query (clientKeys/sharedKeys). tb-mqtt-client's request_attributes() sends the
    # snake_case spelling instead, so this one plain GET checks the documented form.
    r = requests.get(f"{dev.api_base_url}/attributes", params={"sharedKeys": "only_this"}, timeout=30)
    assert r.status_code == 200
    assert r.json() == {"shared": {"only_this": 1}}


def test_server_attributes_v1_and_delete(rest, ce, device):
    dev, device_id = device
    key = "srv_" + secrets.token_hex(3)
    rest.save_entity_attributes_v1(device_id, "SERVER_SCOPE", {key: "v1", "keep": 1})
    assert attr_map(rest.get_attributes_by_scope(device_id, "SERVER_SCOPE", keys=key)) == {key: "v1"}
    ce.save_entity_attributes_v2(entity_type="DEVICE", entity_id=device_id.id, scope="SERVER_SCOPE",
                                 body='{"%s": "v2"}' % key)  # tb-ce-client: body is JSON text, sent as text/plain
    assert attr_map(rest.get_attributes_by_scope(device_id, "SERVER_SCOPE", keys=key)) == {key: "v2"}
    rest.delete_entity_attributes(device_id, "SERVER_SCOPE", keys=key)
    remaining = attr_map(rest.get_attributes_by_scope(device_id, "SERVER_SCOPE"))
    assert key not in remaining
    assert remaining["keep"] == 1 and remaining["provisionState"] == "provisioned"


def test_unknown_token_is_401(base_url):
    stranger = TBHTTPDevice(base_url, "no-such-token-" + secrets.token_hex(4))
    assert stranger.test_connection() is False
    with pytest.raises(requests.HTTPError) as ei:
        stranger.send_attributes({"x": 1})
    assert ei.value.response.status_code == 401
    with pytest.raises(requests.HTTPError) as ei:
        stranger.send_telemetry({"x": 1}, queued=False)
    assert ei.value.response.status_code == 401
    with pytest.raises(requests.HTTPError) as ei:
        stranger.request_attributes(shared_keys=["x"])
    assert ei.value.response.status_code == 401
