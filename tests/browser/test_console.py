"""The web console, driven in headless Chromium against the real server (issue 6's scenarios).

The tests share one browser session (log in, create a provisioning profile and provision a device with its key and
secret, run the import wizard on the issue's files, …), but each prepares what it needs through the REST API, so
any one of them can run alone and in any order.
"""
from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest
import requests
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from conftest import (
    ADMIN_EMAIL, ADMIN_PASSWORD, click_link, clickable, go, log_in, shot, text_of, visible, wait,
)

RUN = secrets.token_hex(3)
ISSUE_CSV = """name,type,label,serialNumber,accessToken
Sensor-001,Temperature Sensor,Warehouse A,SN-4A21F,tok-a1b2c3d4
Sensor-002,Temperature Sensor,Warehouse B,SN-4A22F,tok-e5f6g7h8
Gateway-001,IoT Gateway,Main Hub,GW-0010A,tok-i9j0k1l2
"""

# ---- log in -----------------------------------------------------------------------------------------------------

def test_login_rejects_a_wrong_password_then_logs_in_and_out(driver, base_url):
    driver.get(f"{base_url}/")
    driver.execute_script("sessionStorage.clear()")
    driver.get(f"{base_url}/")
    log_in(driver, ADMIN_EMAIL, "wrong-password")
    text_of(driver, "[role=alert]", r"\S")  # the server's message
    assert not driver.find_elements(By.ID, "logout")
    log_in(driver, ADMIN_EMAIL, ADMIN_PASSWORD)
    visible(driver, "#logout")
    assert text_of(driver, "main h1", "Devices")
    token = driver.execute_script("return sessionStorage.getItem('muster.token')")
    assert token and token.count(".") == 2, "the JWT is kept in sessionStorage"
    # The token is refreshed through POST /api/auth/token (the console schedules this before `exp`).
    refreshed = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const api = document.querySelector('script[type=module]').src.replace(/app\\.js$/, 'api.js');"
        "import(api).then(m => m.refresh()).then(() => m2(), e => done('failed: ' + e.message));"
        "function m2() { fetch('/api/auth/user', {headers: {'X-Authorization': 'Bearer ' + sessionStorage.getItem('muster.token')}})"
        "  .then(r => r.json()).then(u => done(u.email), e => done('failed: ' + e.message)); }")
    assert refreshed == ADMIN_EMAIL
    clickable(driver, "#logout").click()
    visible(driver, "form.login-card")
    assert driver.execute_script("return sessionStorage.getItem('muster.token')") is None
    log_in(driver, ADMIN_EMAIL, ADMIN_PASSWORD)
    visible(driver, "#logout")


# ---- device profile with "Allow creating new devices", then provisioning over HTTP --------------------------------

def test_profile_key_and_secret_provision_a_device(console, base_url, rest):
    driver = console
    go(driver, base_url, "profiles/new")
    profile_name = f"Thermostats {RUN}"
    visible(driver, "#profile-name").send_keys(profile_name)
    clickable(driver, "[role=tab][data-tab=provisioning]").click()
    clickable(driver, "#strategy-ALLOW_CREATE_NEW_DEVICES").click()
    key_input = visible(driver, "#provision-key")
    secret_input = visible(driver, "#provision-secret")
    generated_key = key_input.get_attribute("value")
    assert re.fullmatch(r"[a-z0-9]{20}", generated_key), generated_key
    clickable(driver, "#provision-key-regenerate").click()
    assert key_input.get_attribute("value") != generated_key, "Regenerate gives a new key"
    assert re.fullmatch(r"[a-z0-9]{20}", secret_input.get_attribute("value"))
    assert driver.find_element(By.ID, "reprovision-RETURN_EXISTING").is_selected()
    clickable(driver, "#profile-save").click()

    # After saving, the page is the saved profile's: read key and secret from it.
    wait(driver).until(lambda d: re.search(r"#/profiles/[0-9a-f-]{36}", d.current_url))
    text_of(driver, "main h1", re.escape(profile_name))
    key = visible(driver, "#provision-key").get_attribute("value")
    secret = visible(driver, "#provision-secret").get_attribute("value")
    assert re.fullmatch(r"[a-z0-9]{20}", key) and re.fullmatch(r"[a-z0-9]{20}", secret)
    shot(driver, "console-provisioning", height=1000)

    device_name = f"Thermostat-{RUN}"
    response = requests.post(f"{base_url}/api/v1/provision", json={
        "deviceName": device_name, "provisionDeviceKey": key, "provisionDeviceSecret": secret}, timeout=10)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "SUCCESS", body
    assert body["credentialsType"] == "ACCESS_TOKEN"

    go(driver, base_url, "devices")
    search = visible(driver, "#device-search")
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(device_name[:12])
    row_css = f"#device-table tr[data-name='{device_name}']"
    visible(driver, row_css)
    assert wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, f"{row_css} .provision-state").text == "provisioned")
    row_text = text_of(driver, row_css, re.escape(profile_name))
    assert "ACCESS_TOKEN" in row_text

    # The device page: its credentials hold the token the device got; the audit tab shows the attempt.
    click_link(driver, row_css, device_name)
    text_of(driver, "main h1", re.escape(device_name))
    assert text_of(driver, "#credentials-type", "ACCESS_TOKEN")
    clickable(driver, "button[aria-label='Show access token']").click()
    text_of(driver, "code.secret", re.escape(body["credentialsValue"]))
    clickable(driver, "[role=tab][data-tab=audit]").click()
    text_of(driver, "#audit-table", "SUCCESS")


# ---- import wizard ----------------------------------------------------------------------------------------------

ISSUE_NAMES = ("Sensor-001", "Sensor-002", "Gateway-001")


def import_issue_devices(rest):
    """Makes the issue's three devices exist as its file describes them (created, or updated in place)."""
    columns = [{"type": "NAME"}, {"type": "TYPE"}, {"type": "LABEL"}, {"type": "SERVER_ATTRIBUTE", "key": "serialNumber"},
               {"type": "ACCESS_TOKEN"}]
    result = rest.post("/api/device/bulk_import", {
        "file": ISSUE_CSV, "mapping": {"columns": columns, "delimiter": ",", "update": True, "header": True}})
    assert result["created"] + result["updated"] == 3, result


def delete_issue_devices(rest):
    """Removes the issue's three devices, if they exist."""
    for name in ISSUE_NAMES:
        found = requests.get(f"{rest.base_url}/api/tenant/device", params={"deviceName": name}, headers=rest.headers,
                             timeout=10)
        if found.status_code == 200:
            deleted = requests.delete(f"{rest.base_url}/api/device/{found.json()['id']['id']}", headers=rest.headers,
                                      timeout=10)
            assert deleted.status_code == 200, deleted.text


@pytest.fixture
def issue_devices(rest):
    """The issue's three devices, present before the test."""
    import_issue_devices(rest)


def write_csv(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def open_wizard(driver, base_url, csv_path):
    go(driver, base_url, "devices/import")
    driver.find_element(By.ID, "import-file").send_keys(csv_path)
    visible(driver, "#import-mapping")


def set_update(driver, on: bool):
    box = driver.find_element(By.ID, "import-update")
    if box.is_selected() != on:
        driver.find_element(By.CSS_SELECTOR, "label[for=import-update]").click()
    assert box.is_selected() == on


def run_import(driver, dry_run=False):
    clickable(driver, "#import-dryrun" if dry_run else "#import-start").click()
    stats = wait(driver).until(lambda d: (element := d.find_element(By.CSS_SELECTOR, "#import-result .stats"))
                               and element.get_attribute("data-dry-run") == str(dry_run).lower() and element)
    counts = {kind: int(driver.find_element(By.ID, f"import-{kind}").text) for kind in ("created", "updated", "failed")}
    return stats.get_attribute("data-status"), counts


def test_import_wizard_creates_the_three_devices(console, base_url, rest, tmp_path):
    driver = console
    delete_issue_devices(rest)  # the wizard must create them
    open_wizard(driver, base_url, write_csv(tmp_path, "devices.csv", ISSUE_CSV))
    assert Select(driver.find_element(By.ID, "import-delimiter")).first_selected_option.get_attribute("value") == ","
    types = [Select(driver.find_element(By.ID, f"import-type-{i}")).first_selected_option.get_attribute("value") for i in range(5)]
    assert types == ["NAME", "TYPE", "LABEL", "SERVER_ATTRIBUTE", "ACCESS_TOKEN"]
    assert driver.find_element(By.ID, "import-key-3").get_attribute("value") == "serialNumber"
    assert "Sensor-002" in driver.find_element(By.ID, "import-preview").text

    status, counts = run_import(driver, dry_run=True)
    assert status == "DONE" and counts == {"created": 3, "updated": 0, "failed": 0}
    assert rest.get("/api/tenant/deviceInfos", pageSize=10, page=0, textSearch="Sensor-00")["totalElements"] == 0, \
        "a dry run writes nothing"
    shot(driver, "console-import", height=1150, scroll_to="#import-mapping-title")

    status, counts = run_import(driver)
    assert status == "DONE" and counts == {"created": 3, "updated": 0, "failed": 0}
    device = rest.get("/api/tenant/device", deviceName="Sensor-001")
    assert device["type"] == "Temperature Sensor" and device["label"] == "Warehouse A"
    credentials = rest.get(f"/api/device/{device['id']['id']}/credentials")
    assert credentials["credentialsId"] == "tok-a1b2c3d4"
    attributes = rest.get(f"/api/plugins/telemetry/DEVICE/{device['id']['id']}/values/attributes/SERVER_SCOPE")
    assert {"key": "serialNumber", "value": "SN-4A21F"}.items() <= {**{a["key"]: a for a in attributes}["serialNumber"]}.items()


def test_import_again_without_update_fails_each_row_with_a_reason(console, base_url, rest, tmp_path, issue_devices):
    driver = console
    open_wizard(driver, base_url, write_csv(tmp_path, "devices.csv", ISSUE_CSV))
    set_update(driver, False)
    status, counts = run_import(driver)
    assert counts == {"created": 0, "updated": 0, "failed": 3}, status
    lines = visible(driver, "#import-error-lines").find_elements(By.TAG_NAME, "li")
    assert len(lines) == 3
    for line in lines:
        assert re.search(r"Line \d+: \S", line.text), line.text
    assert visible(driver, "#import-download-errors")

    # The failed rows come back as a CSV with an `error` column, which the wizard maps to Skip on re-import.
    job_id = driver.find_element(By.CSS_SELECTOR, "#import-result .stats").get_attribute("data-job-id")
    errors = requests.get(f"{base_url}/api/imports/{job_id}/errors.csv", headers=rest.headers, timeout=10)
    assert errors.status_code == 200
    records = [line for line in errors.text.splitlines() if line]
    assert len(records) == 4 and records[0].split(",")[-1] == "error", errors.text
    open_wizard(driver, base_url, write_csv(tmp_path, "failed-rows.csv", errors.text))
    types = [Select(s).first_selected_option.get_attribute("value")
             for s in driver.find_elements(By.CSS_SELECTOR, "#import-mapping select[id^=import-type-]")]
    assert types == ["NAME", "TYPE", "LABEL", "SERVER_ATTRIBUTE", "ACCESS_TOKEN", "SKIP"]


def test_import_again_with_update_updates_the_three(console, base_url, tmp_path, issue_devices):
    driver = console
    open_wizard(driver, base_url, write_csv(tmp_path, "devices.csv", ISSUE_CSV))
    set_update(driver, True)
    status, counts = run_import(driver)
    assert status == "DONE" and counts == {"created": 0, "updated": 3, "failed": 0}


def test_import_semicolon_delimited_file(console, base_url, rest, tmp_path):
    driver = console
    text = ("name;type;label;firmware\n"
            f"Semi-{RUN}-1;Humidity Sensor;Floor 1;1.0.4\n"
            f"Semi-{RUN}-2;Humidity Sensor;Floor 2;1.0.5\n")
    open_wizard(driver, base_url, write_csv(tmp_path, "semicolon.csv", text))
    assert Select(driver.find_element(By.ID, "import-delimiter")).first_selected_option.get_attribute("value") == ";"
    assert driver.find_element(By.ID, "import-key-3").get_attribute("value") == "firmware"
    status, counts = run_import(driver)
    assert status == "DONE" and counts == {"created": 2, "updated": 0, "failed": 0}
    assert rest.get("/api/tenant/device", deviceName=f"Semi-{RUN}-2")["label"] == "Floor 2"


def test_file_without_type_column_is_refused_before_upload(console, base_url, rest, tmp_path):
    driver = console
    jobs_before = len(rest.get("/api/imports"))
    open_wizard(driver, base_url, write_csv(tmp_path, "no-type.csv", "name,label\nNoType-1,Somewhere\n"))
    text_of(driver, "#import-validation", "A TYPE column is required")
    assert not driver.find_element(By.ID, "import-start").is_enabled()
    assert not driver.find_element(By.ID, "import-dryrun").is_enabled()
    # Mapping the label column to Type makes it valid; mapping it back refuses again.
    Select(driver.find_element(By.ID, "import-type-1")).select_by_value("TYPE")
    wait(driver).until(lambda d: d.find_element(By.ID, "import-start").is_enabled())
    Select(driver.find_element(By.ID, "import-type-1")).select_by_value("LABEL")
    text_of(driver, "#import-validation", "A TYPE column is required")
    assert len(rest.get("/api/imports")) == jobs_before, "nothing was uploaded"


# ---- the rest of the console, briefly ----------------------------------------------------------------------------

def test_asset_create_edit_attributes_delete(console, base_url, rest):
    driver = console
    go(driver, base_url, "assets")
    clickable(driver, "#asset-add").click()
    name = f"Building-{RUN}"
    visible(driver, "#asset-new-name").send_keys(name)
    driver.find_element(By.ID, "asset-new-label").send_keys("North campus", Keys.ENTER)
    wait(driver).until(lambda d: re.search(r"#/assets/[0-9a-f-]{36}$", d.current_url))
    text_of(driver, "main h1", re.escape(name))
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-tab=credentials]"), "assets have no credentials"
    clickable(driver, "[role=tab][data-tab=attributes]").click()
    form = visible(driver, "#scope-SERVER_SCOPE form.row")
    form.find_element(By.CSS_SELECTOR, "input[type=text]").send_keys("floors")
    form.find_elements(By.CSS_SELECTOR, "input[type=text]")[1].send_keys("12", Keys.ENTER)
    text_of(driver, "#scope-SERVER_SCOPE table", "floors")
    asset_id = driver.current_url.rsplit("/", 1)[1]
    attributes = rest.get(f"/api/plugins/telemetry/ASSET/{asset_id}/values/attributes/SERVER_SCOPE")
    assert [(a["key"], a["value"]) for a in attributes] == [("floors", 12)], "numbers are stored typed"
    clickable(driver, "button[aria-label='Edit floors']").click()
    edit = visible(driver, "input[aria-label='Value of floors']")
    edit.send_keys(Keys.CONTROL, "a")
    edit.send_keys("13", Keys.ENTER)
    wait(driver).until(lambda d: rest.get(f"/api/plugins/telemetry/ASSET/{asset_id}/values/attributes/SERVER_SCOPE")[0]["value"] == 13)
    clickable(driver, ".page-head .btn-danger").click()
    clickable(driver, "dialog [data-confirm]").click()
    wait(driver).until(lambda d: d.current_url.endswith("#/assets"))
    assert requests.get(f"{base_url}/api/asset/{asset_id}", headers=rest.headers, timeout=10).status_code == 404


def test_device_list_search_and_profile_filter(console, base_url, rest, issue_devices):
    driver = console
    for index in range(3):  # at least six devices in the list
        rest.post("/api/device", {"name": f"List-{RUN}-{index}", "type": "List Sensor"})
    go(driver, base_url, "devices")
    search = visible(driver, "#device-search")
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(Keys.BACKSPACE)
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#device-table tbody tr")) >= 6)
    shot(driver, "console-devices", height=700)
    search.send_keys("sensor-00")  # case-insensitive prefix
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#device-table tbody tr")) == 2)
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys("x")
    text_of(driver, "main .empty", "No devices match")
    search.send_keys(Keys.BACKSPACE)
    Select(visible(driver, "#device-profile-filter")).select_by_visible_text("IoT Gateway")
    wait(driver).until(lambda d: [r.get_attribute("data-name") for r in d.find_elements(By.CSS_SELECTOR, "#device-table tbody tr")] == ["Gateway-001"])


def test_console_assets_are_cached(base_url):
    index = requests.get(f"{base_url}/", timeout=10)
    assert index.status_code == 200 and index.headers["Cache-Control"] == "no-cache"
    script = re.search(r'src="(/console/v/[0-9a-f]+/js/app\.js)"', index.text)
    assert script, "index.html names versioned files"
    asset = requests.get(f"{base_url}{script.group(1)}", timeout=10)
    assert asset.status_code == 200 and "immutable" in asset.headers["Cache-Control"]
    assert asset.headers["Content-Type"].startswith("text/javascript")
    again = requests.get(f"{base_url}{script.group(1)}", headers={"If-None-Match": asset.headers["ETag"]}, timeout=10)
    assert again.status_code == 304


# ---- issue 14: markup in names stays text; the console's security headers ---------------------------------------

XSS_NAME = "<img src=x onerror=alert(1)>"


def assert_shown_as_text(driver, css):
    """`css` shows XSS_NAME literally, no alert fired and no `img` element came from it."""
    text_of(driver, css, re.escape(XSS_NAME))
    assert driver.execute_script("return document.querySelectorAll('img[src=\"x\"], img[onerror]').length") == 0
    assert driver.execute_script("return window.__alerts.length") == 0
    try:
        alert = driver.switch_to.alert
        text = alert.text
        alert.dismiss()
        pytest.fail(f"an alert fired: {text!r}")
    except NoAlertPresentException:
        pass


def test_a_device_named_like_markup_is_shown_as_text(console, base_url, rest):
    driver = console
    # Imported through the REST API's bulk import (the server keeps the name as given); a second run of this test on
    # the same server finds it already there.
    result = rest.post("/api/device/bulk_import", {
        "file": f"name,type\n\"{XSS_NAME}\",Markup {RUN}\n",
        "mapping": {"columns": [{"type": "NAME"}, {"type": "TYPE"}], "delimiter": ",", "update": True, "header": True},
    })
    assert result["created"] + result["updated"] == 1, result
    device = rest.get("/api/tenant/device", deviceName=XSS_NAME)
    assert device["name"] == XSS_NAME

    go(driver, base_url, "devices")
    # Any alert() the page would call is counted (an inline handler would also be blocked by the CSP).
    driver.execute_script("window.__alerts = []; window.alert = (m) => window.__alerts.push(String(m));")
    search = visible(driver, "#device-search")
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys("<img")
    wait(driver).until(lambda d: [r.get_attribute("data-name") for r in d.find_elements(By.CSS_SELECTOR, "#device-table tbody tr")]
                       == [XSS_NAME])
    assert_shown_as_text(driver, "#device-table tbody tr")

    click_link(driver, "#device-table tbody tr", XSS_NAME)
    wait(driver).until(lambda d: device["id"]["id"] in d.current_url)
    assert_shown_as_text(driver, "main h1")
    assert driver.find_element(By.CSS_SELECTOR, "main h1").text == XSS_NAME


def test_console_answers_carry_csp_framing_and_referrer_headers(base_url):
    index = requests.get(f"{base_url}/", timeout=10)
    script = re.search(r'src="(/console/v/[0-9a-f]+/js/app\.js)"', index.text)
    assert script
    assert not re.search(r"<script(?![^>]*\bsrc=)", index.text), "no inline script"
    assert not re.search(r"\son[a-z]+=", index.text), "no inline event handler"
    for response in (index, requests.get(f"{base_url}{script.group(1)}", timeout=10),
                     requests.get(f"{base_url}/console/style.css", timeout=10)):
        assert response.status_code == 200
        policy = response.headers["Content-Security-Policy"]
        directives = {part.strip().split(" ")[0]: part.strip() for part in policy.split(";") if part.strip()}
        assert directives["default-src"] == "default-src 'self'"
        assert directives["script-src"] == "script-src 'self'"
        assert directives["object-src"] == "object-src 'none'"
        assert directives["frame-ancestors"] == "frame-ancestors 'none'"
        assert directives["base-uri"] == "base-uri 'none'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


# ---- audit log --------------------------------------------------------------------------------------------------

def test_audit_page_filters_by_name_and_time_and_exports_the_filtered_entries(console, base_url, rest):
    """A device provisioned, then re-sent: the audit page finds both attempts by the device's name (the first
    PROVISIONED, the re-send RESENT), a time range after them shows none, and Export CSV writes what the filters show."""
    driver = console
    key, secret = f"audit-key-{RUN}", f"audit-secret-{RUN}"
    rest.post("/api/deviceProfile", {
        "name": f"Audit {RUN}", "type": "DEFAULT", "transportType": "DEFAULT",
        "provisionType": "ALLOW_CREATE_NEW_DEVICES", "provisionDeviceKey": key,
        "profileData": {"configuration": {"type": "DEFAULT"}, "transportConfiguration": {"type": "DEFAULT"},
                        "provisionConfiguration": {"type": "ALLOW_CREATE_NEW_DEVICES", "provisionDeviceSecret": secret}}})
    name = f"Audited-{RUN}"
    tokens = set()
    for _ in range(2):
        reply = requests.post(f"{base_url}/api/v1/provision", timeout=10, json={
            "deviceName": name, "provisionDeviceKey": key, "provisionDeviceSecret": secret})
        assert reply.status_code == 200 and reply.json()["status"] == "SUCCESS", reply.text
        tokens.add(reply.json()["credentialsValue"])
    assert len(tokens) == 1

    go(driver, base_url, "audit")
    search = visible(driver, "#audit-name")
    search.send_keys(name)
    rows_css = "#audit-table tbody tr"
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, rows_css)) == 2
                       and all(name in r.text for r in d.find_elements(By.CSS_SELECTOR, rows_css)))
    reasons = sorted(r.find_elements(By.CSS_SELECTOR, "td")[7].text for r in driver.find_elements(By.CSS_SELECTOR, rows_css))
    assert reasons == ["PROVISIONED", "RESENT"], reasons

    # Export CSV: the blob the page hands to the download link is captured and read back.
    driver.execute_script(
        "window.__blobs = []; const make = URL.createObjectURL.bind(URL);"
        "URL.createObjectURL = (blob) => { window.__blobs.push(blob); return make(blob); };")
    clickable(driver, "#audit-export").click()
    wait(driver).until(lambda d: d.execute_script("return window.__blobs.length") == 1)
    csv_text = driver.execute_async_script("window.__blobs[0].text().then(arguments[0]);")
    lines = csv_text.strip().split("\r\n")
    assert lines[0].startswith("time,transport,source,profile"), lines[0]
    assert len(lines) == 3 and all(name in line for line in lines[1:]), lines
    assert sorted(line.split(",")[6] for line in lines[1:]) == ["PROVISIONED", "RESENT"], lines

    # A range that starts after both attempts: none; the same range through the REST API agrees.
    driver.execute_script(
        "const input = document.getElementById('audit-from'); input.value = '2999-01-01T00:00';"
        "input.dispatchEvent(new Event('change'));")
    text_of(driver, "main .table-box", "No audit entries")
    later = rest.get("/api/audit/logs", pageSize=10, page=0, textSearch=name, startTime=32503680000000)
    assert later["totalElements"] == 0
    both = rest.get("/api/audit/logs", pageSize=10, page=0, textSearch=name, startTime=0, endTime=32503680000000)
    assert both["totalElements"] == 2
    bad = requests.get(f"{base_url}/api/audit/logs", headers=rest.headers, timeout=10,
                       params={"pageSize": 10, "page": 0, "startTime": 10, "endTime": 5})
    assert bad.status_code == 400 and "endTime" in bad.text, bad.text
    driver.execute_script(
        "const input = document.getElementById('audit-from'); input.value = '';"
        "input.dispatchEvent(new Event('change'));")
