"""The device and asset lists keep their state (search, page, page size, sort, profile filter) in the URL's hash, so
that a reload and the browser's Back button bring it back."""
from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlsplit

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from conftest import clickable, go, text_of, visible, wait, wait_rendered

RUN = secrets.token_hex(3)


def hash_query(driver) -> dict[str, str]:
    """The query of the hash (`#/devices?page=2` → {'page': '2'})."""
    fragment = urlsplit(driver.current_url).fragment
    return {key: values[0] for key, values in parse_qs(fragment.partition("?")[2]).items()}


def row_names(driver, table_css):
    return [row.get_attribute("data-name") for row in driver.find_elements(By.CSS_SELECTOR, f"{table_css} tbody tr")]


def wait_rows(driver, table_css, expected):
    wait(driver).until(lambda d: row_names(d, table_css) == expected,
                       f"rows of {table_css} never became {expected[:3]}… ({len(expected)})")


def search_for(driver, css, text):
    search = visible(driver, css)
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(text)


def list_controls(driver, kind):
    """What the list shows of its state: search, profile filter, page size, page number, sorted column."""
    sorted_headers = [th.text.strip(" ▲▼") + ":" + th.get_attribute("aria-sort")
                      for th in driver.find_elements(By.CSS_SELECTOR, f"#{kind}-table th[aria-sort]")
                      if th.get_attribute("aria-sort") != "none"]
    return {
        "search": driver.find_element(By.ID, f"{kind}-search").get_attribute("value"),
        "profile": Select(driver.find_element(By.ID, f"{kind}-profile-filter")).first_selected_option.text,
        "pageSize": Select(driver.find_element(By.ID, f"{kind}-page-size")).first_selected_option.text,
        "page": driver.find_element(By.ID, f"{kind}-page-number").get_attribute("value"),
        "sorted": sorted_headers,
    }


def test_device_list_state_survives_reload_and_back(console, base_url, rest):
    driver = console
    prefix = f"Paged-{RUN}"
    profile_name = f"Paged {RUN}"
    names = [f"{prefix}-{index:02d}" for index in range(60)]
    for name in names:
        rest.post("/api/device", {"name": name, "type": profile_name})
    rest.post("/api/device", {"name": f"{prefix}-other", "type": "Other"})  # matches the search, not the profile
    profile_id = next(p["id"]["id"] for p in rest.get("/api/deviceProfileInfos", pageSize=1000, page=0)["data"]
                      if p["name"] == profile_name)

    go(driver, base_url, "devices")
    assert Select(visible(driver, "#device-page-size")).first_selected_option.text == "20", "the default page size"
    search_for(driver, "#device-search", prefix)
    wait(driver).until(lambda d: hash_query(d).get("textSearch") == prefix)
    Select(visible(driver, "#device-profile-filter")).select_by_visible_text(profile_name)
    wait(driver).until(lambda d: hash_query(d).get("profile") == profile_id)
    clickable(driver, "#device-table th button.sort").click()  # Name, ascending
    wait(driver).until(lambda d: hash_query(d).get("sortProperty") == "name" and hash_query(d).get("sortOrder") == "ASC")
    wait_rows(driver, "#device-table", names[:20])
    Select(visible(driver, "#device-page-size")).select_by_value("50")
    wait_rows(driver, "#device-table", names[:50])
    text_of(driver, ".pager", r"Page\s+of 2 · 60 devices")
    clickable(driver, ".pager button:last-of-type").click()  # Next
    wait_rows(driver, "#device-table", names[50:])
    expected_query = {"textSearch": prefix, "profile": profile_id, "sortProperty": "name", "sortOrder": "ASC",
                      "pageSize": "50", "page": "2"}
    assert hash_query(driver) == expected_query
    shown = list_controls(driver, "device")
    assert shown == {"search": prefix, "profile": profile_name, "pageSize": "50", "page": "2", "sorted": ["Name:ascending"]}

    # A reload shows the same list.
    driver.refresh()
    wait_rendered(driver)
    wait_rows(driver, "#device-table", names[50:])
    assert list_controls(driver, "device") == shown
    assert hash_query(driver) == expected_query

    # To a device and Back: the same list again.
    driver.find_element(By.LINK_TEXT, names[55]).click()
    text_of(driver, "main h1", names[55])
    assert text_of(driver, ".crumbs", "Devices")
    driver.back()
    wait(driver).until(lambda d: d.find_elements(By.ID, "device-table") and hash_query(d) == expected_query)
    wait_rendered(driver)
    wait_rows(driver, "#device-table", names[50:])
    assert list_controls(driver, "device") == shown

    # The breadcrumb of a device page leads back to the list as it was, too.
    driver.find_element(By.LINK_TEXT, names[51]).click()
    text_of(driver, "main h1", names[51])
    clickable(driver, ".crumbs a").click()
    wait(driver).until(lambda d: hash_query(d) == expected_query)
    wait_rows(driver, "#device-table", names[50:])


def test_device_list_page_can_be_typed_and_is_clamped(console, base_url, rest):
    driver = console
    prefix = f"Jump-{RUN}"
    names = [f"{prefix}-{index:02d}" for index in range(45)]
    for name in names:
        rest.post("/api/device", {"name": name, "type": f"Jump {RUN}"})

    # A page past the end in the URL (an old link): the last page.
    go(driver, base_url, f"devices?textSearch={prefix}&sortProperty=name&sortOrder=ASC&page=9")
    wait_rows(driver, "#device-table", names[40:])
    wait(driver).until(lambda d: hash_query(d).get("page") == "3")
    assert driver.find_element(By.ID, "device-page-number").get_attribute("value") == "3"
    text_of(driver, ".pager", r"of 3 · 45 devices")

    # Typing a page number jumps there; out of range is clamped.
    number = driver.find_element(By.ID, "device-page-number")
    number.send_keys(Keys.CONTROL, "a")
    number.send_keys("2", Keys.ENTER)
    wait_rows(driver, "#device-table", names[20:40])
    assert hash_query(driver)["page"] == "2"
    number = driver.find_element(By.ID, "device-page-number")
    number.send_keys(Keys.CONTROL, "a")
    number.send_keys("0", Keys.ENTER)
    wait_rows(driver, "#device-table", names[:20])
    assert "page" not in hash_query(driver), "page 1 is the default, left out of the URL"
    number = driver.find_element(By.ID, "device-page-number")
    number.send_keys(Keys.CONTROL, "a")
    number.send_keys("1000", Keys.ENTER)
    wait_rows(driver, "#device-table", names[40:])
    assert driver.find_element(By.ID, "device-page-number").get_attribute("value") == "3"

    # Nonsense in the URL falls back to the defaults.
    go(driver, base_url, f"devices?textSearch={prefix}&pageSize=7&sortProperty=secret&sortOrder=UP&page=x")
    wait(driver).until(lambda d: len(row_names(d, "#device-table")) == 20)
    assert Select(driver.find_element(By.ID, "device-page-size")).first_selected_option.text == "20"
    assert hash_query(driver) == {"textSearch": prefix}


def test_asset_list_state_survives_reload_and_back(console, base_url, rest):
    driver = console
    prefix = f"Site-{RUN}"
    names = [f"{prefix}-{index:02d}" for index in range(55)]
    for name in names:
        rest.post("/api/asset", {"name": name, "type": f"Site {RUN}"})

    go(driver, base_url, "assets")
    search_for(driver, "#asset-search", prefix)
    wait(driver).until(lambda d: hash_query(d).get("textSearch") == prefix)
    clickable(driver, "#asset-table th button.sort").click()  # Name, ascending
    wait_rows(driver, "#asset-table", names[:20])
    Select(visible(driver, "#asset-page-size")).select_by_value("50")
    wait_rows(driver, "#asset-table", names[:50])
    clickable(driver, ".pager button:last-of-type").click()
    wait_rows(driver, "#asset-table", names[50:])
    expected_query = {"textSearch": prefix, "sortProperty": "name", "sortOrder": "ASC", "pageSize": "50", "page": "2"}
    assert hash_query(driver) == expected_query
    shown = list_controls(driver, "asset")

    driver.refresh()
    wait_rendered(driver)
    wait_rows(driver, "#asset-table", names[50:])
    assert list_controls(driver, "asset") == shown

    driver.find_element(By.LINK_TEXT, names[52]).click()
    text_of(driver, "main h1", names[52])
    driver.back()
    wait(driver).until(lambda d: d.find_elements(By.ID, "asset-table") and hash_query(d) == expected_query)
    wait_rows(driver, "#asset-table", names[50:])
    assert list_controls(driver, "asset") == shown
