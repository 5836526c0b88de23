"""The console's live pages and the system administrator's view, in headless Chromium against the real server:
telemetry and attributes a device sends appear on its open page without a reload, new audit entries appear on the
open audit page, admin actions are on record with their actor, and a guessing attack with unknown keys is visible
to the system administrator (the installation-wide audit, the sources cooling off)."""
from __future__ import annotations

import http.client
import json
import re

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import ADMIN_EMAIL, clickable, go, log_in, shot, text_of, visible, wait
from test_console import RUN


def provisioning_profile(rest, name: str, key: str, secret: str) -> dict:
    return rest.post("/api/deviceProfile", {
        "name": name, "type": "DEFAULT", "transportType": "DEFAULT",
        "provisionType": "ALLOW_CREATE_NEW_DEVICES", "provisionDeviceKey": key,
        "profileData": {"configuration": {"type": "DEFAULT"}, "transportConfiguration": {"type": "DEFAULT"},
                        "provisionConfiguration": {"type": "ALLOW_CREATE_NEW_DEVICES", "provisionDeviceSecret": secret}}})


def provision_from(base_url: str, source: str, body: dict) -> int:
    """POSTs a provisioning request from the loopback address `source` (Linux routes all of 127/8 to lo), so that
    the limiter counts it apart from the other tests' requests; returns the status."""
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10, source_address=(source, 0))
    try:
        connection.request("POST", "/api/v1/provision", body=json.dumps(body), headers={"Content-Type": "application/json"})
        return connection.getresponse().status
    finally:
        connection.close()


def test_telemetry_and_attributes_appear_on_an_open_device_page_without_a_reload(console, base_url, rest):
    driver = console
    key, secret = f"live-key-{RUN}", f"live-secret-{RUN}"
    provisioning_profile(rest, f"Live {RUN}", key, secret)
    name = f"Live-{RUN}"
    reply = requests.post(f"{base_url}/api/v1/provision", timeout=10,
                          json={"deviceName": name, "provisionDeviceKey": key, "provisionDeviceSecret": secret})
    assert reply.status_code == 200 and reply.json()["status"] == "SUCCESS", reply.text
    token = reply.json()["credentialsValue"]
    device_id = rest.get("/api/tenant/device", deviceName=name)["id"]["id"]

    go(driver, base_url, f"devices/{device_id}")
    text_of(driver, "#device-provision-state", "^provisioned$")
    text_of(driver, "#device-last-activity", "^never$")
    clickable(driver, "[role=tab][data-tab=telemetry]").click()
    text_of(driver, "#telemetry-box", "No telemetry yet")
    # A marker on the page: a reload would remove it.
    driver.execute_script("window.__notReloaded = true;")

    assert requests.post(f"{base_url}/api/v1/{token}/telemetry", json={"temperature": 23.5, "door": "open"}, timeout=10).ok
    text_of(driver, "#telemetry-table", r"temperature\s+23\.5")
    text_of(driver, "#telemetry-table", r"door\s+open")
    text_of(driver, "#device-last-activity", r"^\d{4}-\d{2}-\d{2} ")
    assert requests.post(f"{base_url}/api/v1/{token}/telemetry", json={"temperature": 24.25}, timeout=10).ok
    text_of(driver, "#telemetry-table", r"temperature\s+24\.25")

    clickable(driver, "[role=tab][data-tab=attributes]").click()
    text_of(driver, "#scope-SERVER_SCOPE", "provisionState")
    assert requests.post(f"{base_url}/api/v1/{token}/attributes", json={"firmware": "2.4.1"}, timeout=10).ok
    text_of(driver, "#scope-CLIENT_SCOPE", r"firmware\s+2\.4\.1")
    assert driver.execute_script("return window.__notReloaded === true"), "the page was reloaded"
    shot(driver, "console-device-live")

    # The device list: this device is active, with its last activity; one that never sent anything is inactive.
    rest.post("/api/device", {"name": f"Live-quiet-{RUN}"})
    go(driver, base_url, f"devices?textSearch=Live-")
    text_of(driver, f"#device-table tr[data-name='{name}'] .activity", r"^active \d{4}-\d{2}-\d{2} ")
    text_of(driver, f"#device-table tr[data-name='Live-quiet-{RUN}'] .activity", r"^inactive never$")


def test_admin_actions_appear_on_the_open_audit_page_with_their_actor(console, base_url, rest):
    driver = console
    go(driver, base_url, "audit")
    Select(visible(driver, "#audit-action")).select_by_value("DEVICE_CREATED")
    actor = visible(driver, "#audit-actor")
    actor.send_keys(ADMIN_EMAIL)
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "main .table-box").get_attribute("aria-busy") == "false")
    driver.execute_script("window.__notReloaded = true;")

    # Created behind the page's back: the entry appears without Refresh.
    name = f"Audited-admin-{RUN}"
    rest.post("/api/device", {"name": name, "label": "made by the test"})
    row = text_of(driver, "#audit-table tbody tr", re.escape(name))
    assert "Device created" in row and ADMIN_EMAIL in row, row
    assert driver.execute_script("return window.__notReloaded === true")
    rows = driver.find_elements(By.CSS_SELECTOR, "#audit-table tbody tr")
    assert all("Device created" in r.text for r in rows), [r.text for r in rows]

    # The same filters through the REST API agree, and the log holds no token or password.
    entries = rest.get("/api/audit/logs", pageSize=100, page=0, action="DEVICE_CREATED", actor=ADMIN_EMAIL)["data"]
    assert any(e["entityName"] == name and e["actor"] == ADMIN_EMAIL for e in entries)
    logins = rest.get("/api/audit/logs", pageSize=100, page=0, action="LOGIN", outcome="SUCCESS")["data"]
    assert logins and all(e["actionData"]["sourceAddress"] == "127.0.0.1" for e in logins)
    Select(visible(driver, "#audit-action")).select_by_value("")
    actor.clear()
    actor.send_keys(" ")


def test_an_attack_of_unknown_keys_is_visible_to_the_system_administrator(driver, server, base_url, rest):
    """50 requests with unknown provision keys from two sources: all 50 are in the system administrator's audit
    view (they belong to no tenant, so a tenant admin's page has none of them); 5 more from one source start its
    cooling-off, which the system page lists."""
    assert server.sysadmin, "the server did not print the system administrator's login"
    prefix = f"attack-{RUN}"
    for index in range(50):
        source = "127.0.0.2" if index % 2 else "127.0.0.3"
        status = provision_from(base_url, source, {
            "deviceName": f"{prefix}-{index:02d}", "provisionDeviceKey": f"{prefix}-key-{index}",
            "provisionDeviceSecret": "guess"})
        assert status == 200, status
    # The tenant admin sees none of them.
    assert rest.get("/api/audit/logs", pageSize=10, page=0, textSearch=prefix)["totalElements"] == 0

    driver.get(f"{base_url}/")
    if driver.find_elements(By.ID, "logout"):
        clickable(driver, "#logout").click()
    log_in(driver, *server.sysadmin)
    try:
        text_of(driver, "main h1", "^Tenants$")
        text_of(driver, "#system-tenants", re.escape(ADMIN_EMAIL))
        go(driver, base_url, "audit")
        Select(visible(driver, "#audit-tenant")).select_by_value("none")
        visible(driver, "#audit-name").send_keys(prefix)
        text_of(driver, ".pager-info", r"· 50 entries")
        rows = driver.find_elements(By.CSS_SELECTOR, "#audit-table tbody tr")
        assert len(rows) == 25 and all("NOT_FOUND" in r.text and prefix in r.text for r in rows)
        sources = {r.find_elements(By.CSS_SELECTOR, "td")[3].text for r in rows}
        assert sources == {"127.0.0.2", "127.0.0.3"}, sources
        shot(driver, "console-system-audit")

        # 5 more from one source: its 30th failure starts its cooling-off; the audit page shows them as they come.
        statuses = [provision_from(base_url, "127.0.0.3", {
            "deviceName": f"{prefix}-more-{index}", "provisionDeviceKey": f"{prefix}-more-{index}",
            "provisionDeviceSecret": "guess"}) for index in range(6)]
        assert statuses == [200] * 5 + [429], statuses
        text_of(driver, ".pager-info", r"· 55 entries")
        go(driver, base_url, "system")
        text_of(driver, "#cooling-off-table", r"Provisioning source\s+127\.0\.0\.3")
        assert "127.0.0.2" not in driver.find_element(By.ID, "system-cooling-off").text
        shot(driver, "console-system")
    finally:
        clickable(driver, "#logout").click()
        visible(driver, "form.login-card")


def test_the_device_list_finds_a_name_by_a_part_inside_it(console, base_url, rest):
    """Starting with stays the default; "Anywhere in the name" searches the trigram index, and the choice stays in
    the URL across a reload."""
    driver = console
    name = f"Shelf-{RUN}-Inner-7"
    rest.post("/api/device", {"name": name})
    go(driver, base_url, "devices")
    search = visible(driver, "#device-search")
    search.send_keys(f"{RUN}-inner")
    text_of(driver, "main .table-box", "No devices match")
    clickable(driver, "#device-search-contains").click()
    visible(driver, f"#device-table tr[data-name='{name}']")
    assert "textSearchMode=CONTAINS" in driver.current_url, driver.current_url
    driver.refresh()
    visible(driver, f"#device-table tr[data-name='{name}']")
    assert driver.find_element(By.ID, "device-search-contains").is_selected()
    clickable(driver, "#device-search-contains").click()
    text_of(driver, "main .table-box", "No devices match")
