"""Console fixes: keys and tokens in a monospace font, a "Copied" toast that covers no button, one default entry in the
Add-device profile list, plurals and thousands separators, and a profile in use that says so before any confirmation."""
from __future__ import annotations

import re
import secrets
import time

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from conftest import clickable, go, text_of, visible, wait

RUN = secrets.token_hex(3)
# l/1/I and 0/O, which a proportional font makes hard to tell apart.
LOOKALIKE_KEY = f"l1I0O{RUN}il1O0"[:20]

MONOSPACE = """
const element = arguments[0];
const style = getComputedStyle(element);
const context = document.createElement('canvas').getContext('2d');
context.font = style.font;
const widths = ['l', '1', 'I', '0', 'O', 'W', 'm'].map(c => context.measureText(c.repeat(10)).width);
return { family: style.fontFamily, widths };
"""


def search_profiles(driver, base_url, text):
    """The profile list, searched for `text` (the list keeps its last search: replaced, not appended to)."""
    go(driver, base_url, "profiles")
    search = visible(driver, "#profile-search")
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(text)


def assert_monospace(driver, element, what):
    measured = driver.execute_script(MONOSPACE, element)
    widths = measured["widths"]
    assert max(widths) - min(widths) < 0.5, f"{what} is not in a monospace font: {measured}"
    assert "mono" in measured["family"].lower(), f"{what}: {measured['family']}"


def make_profile(rest, name, key=None, secret=None):
    strategy = "ALLOW_CREATE_NEW_DEVICES" if key else "DISABLED"
    return rest.post("/api/deviceProfile", {
        "name": name, "type": "DEFAULT", "transportType": "DEFAULT", "provisionType": strategy, "provisionDeviceKey": key,
        "profileData": {"configuration": {"type": "DEFAULT"}, "transportConfiguration": {"type": "DEFAULT"},
                        "provisionConfiguration": {"type": strategy, "provisionDeviceSecret": secret}}})


def test_keys_secrets_and_tokens_are_monospace(console, base_url, rest):
    driver = console
    name = f"Mono {RUN}"
    profile = make_profile(rest, name, key=LOOKALIKE_KEY, secret=f"O0l1I{RUN}")
    go(driver, base_url, f"profiles/{profile['id']['id']}?tab=provisioning")
    for css in ("#provision-key", "#provision-secret"):
        assert_monospace(driver, visible(driver, css), css)
    search_profiles(driver, base_url, name)
    row = visible(driver, f"#profile-table tr[data-name='{name}']")
    key_cell = next(cell for cell in row.find_elements(By.TAG_NAME, "td") if cell.text == LOOKALIKE_KEY)
    assert_monospace(driver, key_cell, "the provision key column")

    device = rest.post("/api/device", {"name": f"Mono-{RUN}", "type": name})
    go(driver, base_url, f"devices/{device['id']['id']}")
    clickable(driver, "button[aria-label='Show access token']").click()
    assert_monospace(driver, visible(driver, "code.secret"), "the access token")
    clickable(driver, "#change-credentials").click()
    assert_monospace(driver, visible(driver, "#cred-token"), "the access token input")
    Select(visible(driver, "#cred-type")).select_by_value("MQTT_BASIC")
    for css in ("#cred-client-id", "#cred-user-name", "#cred-password"):
        assert_monospace(driver, visible(driver, css), css)


TOAST_COVERS = """
const toast = [...document.querySelectorAll('#toasts .toast')].pop();
if (!toast) return null;
const t = toast.getBoundingClientRect();
const covered = [];
for (const element of document.querySelectorAll('button, .btn, input[type=submit], input[type=button], select')) {
  const r = element.getBoundingClientRect();
  if (!r.width || !r.height || getComputedStyle(element).visibility === 'hidden') continue;
  if (r.bottom <= 0 || r.top >= innerHeight) continue;  // scrolled out of view
  if (r.left < t.right && t.left < r.right && r.top < t.bottom && t.top < r.bottom) covered.push(element.textContent.trim() || element.id);
}
return { toast: [t.left, t.top, t.right, t.bottom], covered };
"""


def toast_after(driver, css):
    """Clicks `css`, waits for the toast it raises, and returns what that toast covers."""
    driver.execute_script("document.getElementById('toasts').replaceChildren()")
    button = clickable(driver, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)  # not under the sticky Save bar
    button.click()
    text_of(driver, "#toasts .toast", "Copied")
    return driver.execute_script(TOAST_COVERS)


def test_copied_toast_covers_no_button(console, base_url, rest):
    driver = console
    profile = make_profile(rest, f"Toast {RUN}", key=f"toast-key-{RUN}", secret=f"toast-secret-{RUN}")
    device = rest.post("/api/device", {"name": f"Toast-{RUN}", "type": f"Toast {RUN}"})
    try:
        for height in (800, 600):  # the profile page's sticky Save bar lies at the bottom of the window
            driver.set_window_size(1280, height)
            go(driver, base_url, f"profiles/{profile['id']['id']}?tab=provisioning")
            for css in ("#provision-key-copy", "#provision-secret-copy"):
                shown = toast_after(driver, css)
                assert shown and not shown["covered"], f"the toast {shown} covers buttons at 1280×{height}"
            go(driver, base_url, f"devices/{device['id']['id']}")
            for css in ("button[aria-label='Copy id']", "button[aria-label='Copy access token']"):
                shown = toast_after(driver, css)
                assert shown and not shown["covered"], f"the toast {shown} covers buttons at 1280×{height}"
    finally:
        driver.set_window_size(1280, 800)


def test_add_device_lists_each_profile_once_with_the_default_selected(console, base_url, rest):
    driver = console
    rest.post("/api/device", {"name": f"Another-{RUN}", "type": f"Another {RUN}"})
    names = [p["name"] for p in rest.get("/api/deviceProfileInfos", pageSize=1000, page=0, sortProperty="name",
                                         sortOrder="ASC")["data"]]
    default = rest.get("/api/deviceProfileInfo/default")["name"]
    go(driver, base_url, "devices")
    clickable(driver, "#device-add").click()
    profile = Select(visible(driver, "#device-new-profile"))
    options = [option.text for option in profile.options]
    assert options == names, options
    assert len({option.lower() for option in options}) == len(options)
    assert "Default profile" not in options
    assert profile.first_selected_option.text == default

    # Created without touching the list: the device has the default profile.
    visible(driver, "#device-new-name").send_keys(f"Defaulted-{RUN}", Keys.ENTER)
    text_of(driver, "main h1", f"Defaulted-{RUN}")
    assert rest.get("/api/tenant/device", deviceName=f"Defaulted-{RUN}")["type"] == default


def test_counts_are_plural_and_formatted(console, base_url, rest, tmp_path):
    driver = console
    # One profile, one device: "1 profile", "1 device".
    rest.post("/api/device", {"name": f"Single-{RUN}", "type": f"Single {RUN}"})
    search_profiles(driver, base_url, f"Single {RUN}")
    text_of(driver, ".pager", r"· 1 profile\b(?!s)")
    go(driver, base_url, f"devices?textSearch=Single-{RUN}")
    text_of(driver, ".pager", r"· 1 device(?!s)")
    assert driver.execute_script("return document.querySelector('main [aria-live=polite].sr-only').textContent") == "1 device"

    # The device's audit tab: "1 entry" (the pager's plural nouns are made singular too).
    key, secret = f"plural-key-{RUN}", f"plural-secret-{RUN}"
    make_profile(rest, f"Plural {RUN}", key=key, secret=secret)
    reply = requests.post(f"{base_url}/api/v1/provision", timeout=10, json={
        "deviceName": f"Plural-{RUN}", "provisionDeviceKey": key, "provisionDeviceSecret": secret})
    assert reply.json()["status"] == "SUCCESS", reply.text
    device = rest.get("/api/tenant/device", deviceName=f"Plural-{RUN}")
    go(driver, base_url, f"devices/{device['id']['id']}")
    # The page's read of the credentials is audited through the 100 ms buffer: the tab is opened once it is stored.
    deadline = time.monotonic() + 10
    while rest.get("/api/audit/logs", pageSize=10, page=0, deviceId=device["id"]["id"])["totalElements"] < 2:
        assert time.monotonic() < deadline, "the credentials read was not audited within 10 s"
        time.sleep(0.05)
    clickable(driver, "[role=tab][data-tab=audit]").click()
    # The tab holds the provisioning and the console's own read of the credentials (audited): "2 entries".
    text_of(driver, "#tab-panel .pager", r"· 2 entries\b")
    go(driver, base_url, f"audit?action=PROVISION&textSearch=Plural-{RUN}")
    text_of(driver, "main .pager", r"· 1 entry\b")

    # An import's counts: "1,200" rows, with separators, and "1 row".
    lines = ["name,type"] + [f"Counted-{RUN}-{index:04d},Counted {RUN}" for index in range(1200)]
    path = tmp_path / "1200.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    go(driver, base_url, "devices/import")
    driver.find_element(By.ID, "import-file").send_keys(str(path))
    text_of(driver, "#import-file-ok", r"1,200 data rows")
    clickable(driver, "#import-dryrun").click()
    wait(driver, 60).until(lambda d: d.find_element(By.ID, "import-result").get_attribute("data-status") == "DONE")
    assert driver.find_element(By.ID, "import-created").text == "1,200"
    assert driver.find_element(By.ID, "import-rows").text.startswith("1,200 rows processed")
    one = tmp_path / "one.csv"
    one.write_text(f"name,type\nCounted-{RUN}-one,Counted {RUN}\n", encoding="utf-8")
    go(driver, base_url, "devices/import")
    driver.find_element(By.ID, "import-file").send_keys(str(one))
    text_of(driver, "#import-file-ok", r"1 data row,")
    clickable(driver, "#import-dryrun").click()
    wait(driver, 60).until(lambda d: d.find_element(By.ID, "import-result").get_attribute("data-status") == "DONE")
    assert driver.find_element(By.ID, "import-rows").text.startswith("1 row processed")


def delete_from_list(driver, base_url, name):
    search_profiles(driver, base_url, name)
    clickable(driver, f"#profile-table tr[data-name='{name}'] button[aria-label='Delete {name}']").click()
    return visible(driver, "dialog[open]")


def test_deleting_a_profile_in_use_says_how_many_devices_first(console, base_url, rest):
    driver = console
    used = f"In use {RUN}"
    for index in range(2):
        rest.post("/api/device", {"name": f"InUse-{RUN}-{index}", "type": used})
    used_id = next(p["id"]["id"] for p in rest.get("/api/deviceProfileInfos", pageSize=1000, page=0)["data"] if p["name"] == used)

    dialog = delete_from_list(driver, base_url, used)
    assert re.search(rf"2 devices use the device profile “{re.escape(used)}”, so it cannot be deleted", dialog.text), dialog.text
    assert not dialog.find_elements(By.CSS_SELECTOR, "[data-confirm]"), "nothing to confirm"
    dialog.find_element(By.ID, "profile-devices-link").click()
    wait(driver).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog[open]") and f"profile={used_id}" in d.current_url)
    wait(driver).until(lambda d: sorted(r.get_attribute("data-name") for r in d.find_elements(By.CSS_SELECTOR, "#device-table tbody tr"))
                       == [f"InUse-{RUN}-0", f"InUse-{RUN}-1"])
    assert requests.get(f"{base_url}/api/deviceProfile/{used_id}", headers=rest.headers, timeout=10).status_code == 200

    # One device, from the profile's own page: singular.
    single = f"One user {RUN}"
    device = rest.post("/api/device", {"name": f"OneUser-{RUN}", "type": single})
    go(driver, base_url, f"profiles/{device['deviceProfileId']['id']}")
    clickable(driver, "#profile-delete").click()
    dialog = visible(driver, "dialog[open]")
    assert f"1 device uses the device profile “{single}”" in dialog.text, dialog.text
    dialog.find_element(By.CSS_SELECTOR, "[data-close]").click()
    wait(driver).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog[open]"))

    # Unused: a confirmation that says so, and the profile is deleted.
    unused = make_profile(rest, f"Unused {RUN}")
    dialog = delete_from_list(driver, base_url, f"Unused {RUN}")
    assert "No device uses it" in dialog.text, dialog.text
    dialog.find_element(By.CSS_SELECTOR, "[data-confirm]").click()
    wait(driver).until(lambda d: requests.get(f"{base_url}/api/deviceProfile/{unused['id']['id']}", headers=rest.headers,
                                              timeout=10).status_code == 404)
