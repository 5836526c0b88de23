"""The console's operations features (issue 16): a secret rotation with an overlap and a key's expiry on the
profile's Device provisioning tab, and the device list's export in the import's dialect."""
from __future__ import annotations

import csv
import io
import json
import re
import secrets

import requests
from selenium.webdriver.common.by import By

from conftest import clickable, go, text_of, visible, wait

RUN = secrets.token_hex(3)


def provision(base_url, key, secret, name) -> str:
    reply = requests.post(f"{base_url}/api/v1/provision", timeout=10,
                          json={"deviceName": name, "provisionDeviceKey": key, "provisionDeviceSecret": secret})
    assert reply.status_code == 200, reply.text
    return reply.json()["status"]


def press(driver, css):
    """Clicks `css` once scrolled to the middle of the window (the sticky action bar covers the bottom)."""
    element = clickable(driver, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    clickable(driver, css).click()


def save_and_reload(driver):
    press(driver, "#profile-save")
    text_of(driver, ".toast", "Saved")
    clickable(driver, "[role=tab][data-tab=provisioning]").click()


def test_rotation_overlap_and_expiry_on_the_provisioning_tab(console, base_url, rest):
    driver = console
    key, old = "ck-" + secrets.token_hex(6), "cs-old-" + secrets.token_hex(6)
    profile = rest.post("/api/deviceProfile", {
        "name": f"Rotating {RUN}", "provisionType": "ALLOW_CREATE_NEW_DEVICES", "provisionDeviceKey": key,
        "profileData": {"provisionConfiguration": {"type": "ALLOW_CREATE_NEW_DEVICES", "provisionDeviceSecret": old}}})
    go(driver, base_url, f"profiles/{profile['id']['id']}?tab=provisioning")
    assert not driver.find_elements(By.ID, "profile-previous-secret")

    # A new secret with a 30-minute overlap: the page shows the previous secret and the time left.
    secret_input = visible(driver, "#provision-secret")
    press(driver, "#provision-secret-regenerate")
    new = secret_input.get_attribute("value")
    assert new != old
    overlap = visible(driver, "#profile-overlap-minutes")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", overlap)
    overlap.send_keys("30")
    save_and_reload(driver)
    notice = text_of(driver, "#profile-previous-secret", re.escape(old))
    assert re.search(r"\((29|30) min left\)", notice), notice
    assert provision(base_url, key, old, f"console-old-{RUN}") == "SUCCESS"
    assert provision(base_url, key, new, f"console-new-{RUN}") == "SUCCESS"

    # Ending the overlap: the old secret is refused from then on.
    press(driver, "#profile-end-overlap")
    save_and_reload(driver)
    wait(driver).until(lambda d: not d.find_elements(By.ID, "profile-previous-secret"))
    assert provision(base_url, key, old, f"console-late-{RUN}") == "NOT_FOUND"

    # An expiry in the past: the page says the key expired, and provisioning is refused.
    driver.execute_script(
        "const input = document.getElementById('profile-valid-until'); input.value = '2001-01-01T00:00';"
        "input.dispatchEvent(new Event('input'));")
    save_and_reload(driver)
    visible(driver, "#profile-key-expired")
    assert provision(base_url, key, new, f"console-expired-{RUN}") == "NOT_FOUND"
    stored = rest.get(f"/api/deviceProfile/{profile['id']['id']}")["profileData"]["provisionConfiguration"]
    assert 0 < stored["validUntil"] < 1_000_000_000_000


def test_budget_on_the_provisioning_tab(console, base_url, rest):
    driver = console
    key, secret = "cb-" + secrets.token_hex(6), "cb-s-" + secrets.token_hex(6)
    profile = rest.post("/api/deviceProfile", {
        "name": f"Budgeted {RUN}", "provisionType": "ALLOW_CREATE_NEW_DEVICES", "provisionDeviceKey": key,
        "profileData": {"provisionConfiguration": {"type": "ALLOW_CREATE_NEW_DEVICES", "provisionDeviceSecret": secret}}})
    go(driver, base_url, f"profiles/{profile['id']['id']}?tab=provisioning")
    budget = visible(driver, "#profile-max-devices")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", budget)
    budget.send_keys("1")
    save_and_reload(driver)
    text_of(driver, "#profile-budget-used", r"0 of 1 devices created through this key\.")
    assert provision(base_url, key, secret, f"budget-one-{RUN}") == "SUCCESS"
    assert provision(base_url, key, secret, f"budget-two-{RUN}") == "NOT_FOUND"
    driver.refresh()
    clickable(driver, "[role=tab][data-tab=provisioning]").click()
    text_of(driver, "#profile-budget-used", r"1 of 1 devices created through this key: the budget is spent\.")


def test_device_list_exports_csv_and_mapping(console, base_url, rest):
    driver = console
    token = "exp-tok-" + secrets.token_hex(6)
    name = f"Exported-{RUN}"
    rest.post(f"/api/device?accessToken={token}", {"name": name, "type": f"exporting-{RUN}", "label": "L1"})
    go(driver, base_url, "devices")
    driver.execute_script(
        "window.__blobs = []; const make = URL.createObjectURL.bind(URL);"
        "URL.createObjectURL = (blob) => { window.__blobs.push(blob); return make(blob); };")
    clickable(driver, "#device-export").click()
    wait(driver).until(lambda d: d.execute_script("return window.__blobs.length") == 2)
    text = driver.execute_async_script("window.__blobs[0].text().then(arguments[0]);")
    mapping = json.loads(driver.execute_async_script("window.__blobs[1].text().then(arguments[0]);"))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["name", "type", "label"]
    assert [name, f"exporting-{RUN}", "L1"] in [row[:3] for row in rows]
    assert token not in text, "no credentials unless asked"
    assert mapping["entityType"] == "DEVICE" and mapping["columns"][0] == {"type": "NAME"}

    clickable(driver, "#device-export-credentials").click()
    text_of(driver, "dialog[open]", "credentials")
    clickable(driver, "dialog [data-confirm]").click()
    wait(driver).until(lambda d: d.execute_script("return window.__blobs.length") == 4)
    with_credentials = driver.execute_async_script("window.__blobs[2].text().then(arguments[0]);")
    assert token in with_credentials
