"""The import wizard checks the whole CSV file in the browser, with the server's rules, as soon as it is chosen; the
server's own verdict is shown plainly when it still refuses a file; the progress of a running import says what it
counts (the file check first, then rows of the file's total)."""
from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path

import requests
from selenium.webdriver.common.by import By

from conftest import clickable, go, text_of, visible, wait

RUN = secrets.token_hex(3)
BUTTONS = ("import-dryrun", "import-start")


def write_bytes(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def choose_file(driver, base_url, path):
    go(driver, base_url, "devices/import")
    driver.find_element(By.ID, "import-file").send_keys(path)
    visible(driver, "#import-mapping")


def server_verdict(rest, data: bytes, columns: int, delimiter=",") -> str | None:
    """What the server says of a file (a dry run through the job API): its failure text, or None when it imports."""
    mapping = {"entityType": "DEVICE", "delimiter": delimiter, "header": True, "update": False, "dryRun": True,
               "columns": [{"type": "NAME"}, {"type": "TYPE"}] + [{"type": "SKIP"}] * (columns - 2)}
    response = requests.post(f"{rest.base_url}/api/imports", headers=rest.headers, timeout=30, files={
        "mapping": ("mapping.json", json.dumps(mapping), "application/json"), "file": ("file.csv", data, "text/csv")})
    assert response.status_code == 202, response.text  # accepted: the job runs
    job = response.json()
    deadline = time.monotonic() + 30
    while job["status"] == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.1)
        job = rest.get(f"/api/imports/{job['id']}")
    assert job["status"] != "RUNNING"
    return job["failure"]


def assert_refused_in_browser(driver, rest, data: bytes, message: str, columns: int):
    """The wizard shows `message` in its preview area, disables both buttons, and the server refuses the same file
    with the same words."""
    error = text_of(driver, "#import-file-error", re.escape(message))
    assert "cannot be imported" in error
    for button in BUTTONS:
        assert not driver.find_element(By.ID, button).is_enabled(), f"{button} is enabled"
    assert driver.find_element(By.ID, "import-file-check").location["y"] < (
        driver.find_element(By.ID, "import-preview").location["y"] if driver.find_elements(By.ID, "import-preview") else 10**6
    ), "the error is shown above the preview rows"
    assert server_verdict(rest, data, columns) in (message, f"the file is not valid CSV: {message}")


def test_unbalanced_quote_on_line_3_is_shown_before_upload(console, base_url, rest, tmp_path):
    driver = console
    data = (f'name,type\nQuote-{RUN}-1,Quoted\n"Quote-{RUN}-2,Quoted\nQuote-{RUN}-3,Quoted\nQuote-{RUN}-4,Quoted\n').encode()
    jobs_before = len(rest.get("/api/imports"))
    choose_file(driver, base_url, write_bytes(tmp_path, "quote.csv", data))
    assert_refused_in_browser(driver, rest, data, "line 3: unterminated quoted field", columns=2)
    # The preview holds the rows before the error only, not the rest of the file stuffed into one cell.
    rows = [row.text for row in driver.find_elements(By.CSS_SELECTOR, "#import-preview tbody tr")]
    assert rows == [f"Quote-{RUN}-1 Quoted"], rows
    assert f"Quote-{RUN}-3" not in driver.find_element(By.ID, "import-mapping").text
    assert len(rest.get("/api/imports")) == jobs_before + 1, "only the test's own server check was uploaded"


def test_invalid_utf8_is_shown_with_its_line_and_column(console, base_url, rest, tmp_path):
    driver = console
    data = b"name,type,label\n" + f"Bytes-{RUN}-1,Bytes,ok\n".encode() + f"Bytes-{RUN}-2,Bytes,caf".encode() + b"\xe9\n"
    choose_file(driver, base_url, write_bytes(tmp_path, "latin1.csv", data))
    assert_refused_in_browser(driver, rest, data, "line 3, column 3: field is not valid UTF-8", columns=3)


def test_a_row_wider_than_the_mapping_is_refused_like_the_server_does(console, base_url, rest, tmp_path):
    driver = console
    # Past the wizard's first rows (which decide the columns), so that only a check of the whole file sees it.
    lines = ["name,type"] + [f"Wide-{RUN}-{index},Wide" for index in range(1, 11)] + [f"Wide-{RUN}-11,Wide,extra"]
    data = ("\n".join(lines) + "\n").encode()
    choose_file(driver, base_url, write_bytes(tmp_path, "wide.csv", data))
    assert_refused_in_browser(driver, rest, data, "line 12: the row has 3 cells but the mapping has 2 columns", columns=2)
    # A row with fewer cells than the header is imported by the server (missing cells are empty): not refused.
    narrow = ("name,type,label\n" f"Narrow-{RUN}-1,Narrow\n").encode()
    assert server_verdict(rest, narrow, 3) is None
    choose_file(driver, base_url, write_bytes(tmp_path, "narrow.csv", narrow))
    text_of(driver, "#import-file-ok", r"1 data row, no error")
    wait(driver).until(lambda d: all(d.find_element(By.ID, b).is_enabled() for b in BUTTONS))
    assert not driver.find_elements(By.ID, "import-file-error")


def test_choosing_the_right_delimiter_checks_the_file_again(console, base_url, rest, tmp_path):
    driver = console
    # Sniffed as ';' (two columns everywhere in the first lines); the last line has a third cell.
    lines = ["name;type"] + [f"Semi-{RUN}-{index};Semi" for index in range(1, 10)] + [f"Semi-{RUN}-10;Semi;x"]
    choose_file(driver, base_url, write_bytes(tmp_path, "semi.csv", ("\n".join(lines) + "\n").encode()))
    text_of(driver, "#import-file-error", re.escape("line 11: the row has 3 cells but the mapping has 2 columns"))
    # As ',' the file is one column everywhere (no Type column then, but no file error).
    driver.execute_script("const s = document.getElementById('import-delimiter'); s.value = ',';"
                          "s.dispatchEvent(new Event('change'));")
    text_of(driver, "#import-file-ok", r"10 data rows, no error")
    assert not driver.find_elements(By.ID, "import-file-error")


def test_a_file_the_server_refuses_shows_its_reason_without_result_cards(console, base_url, rest):
    """The server stays the authority: a job it failed on the file shows the reason alone, with no 0 / 0 / 0 cards
    (here a job started through the API, opened by its URL as the wizard keeps it during and after an import)."""
    driver = console
    data = f'name,type\nRefused-{RUN},T\n"Refused-{RUN}-2,T\n'.encode()
    mapping = {"entityType": "DEVICE", "delimiter": ",", "header": True, "update": False, "dryRun": False,
               "columns": [{"type": "NAME"}, {"type": "TYPE"}]}
    job = requests.post(f"{base_url}/api/imports", headers=rest.headers, timeout=30, files={
        "mapping": ("mapping.json", json.dumps(mapping), "application/json"), "file": ("f.csv", data, "text/csv")}).json()
    assert job["status"] == "RUNNING", job
    go(driver, base_url, f"devices/import?job={job['id']}")
    failure = text_of(driver, "#import-failure", "unterminated quoted field")
    assert failure == "the file is not valid CSV: line 3: unterminated quoted field"
    text_of(driver, "#import-result h2", "The file cannot be imported")
    assert driver.find_element(By.ID, "import-result").get_attribute("data-status") == "FAILED"
    assert not driver.find_elements(By.CSS_SELECTOR, "#import-result .stats"), "no 0 / 0 / 0 cards"
    assert not driver.find_elements(By.ID, "import-created")


# ---- progress of a long import -----------------------------------------------------------------------------------

RECORD_PROGRESS = """
window.__progress = [];
const text = document.getElementById('import-progress-text');
const bar = document.getElementById('import-progress');
const result = document.getElementById('import-result');
const note = () => window.__progress.push({
  text: text.textContent, bar: bar.hasAttribute('value') ? bar.value : null, title: document.getElementById('import-progress-title').textContent,
  resultShown: !result.hidden, at: performance.now() });
new MutationObserver(note).observe(text, { childList: true, characterData: true, subtree: true });
new MutationObserver(note).observe(bar, { attributes: true });
"""
PROGRESS_TEXT = re.compile(r"^(Uploading…|Checking the file before any row is written… \d+ % read"
                           r"|(?P<done>[\d,]+) of (?P<total>[\d,]+) rows (\((?P<percent>\d+) %\)|· finishing…)( · [\d,]+ rows/s)?"
                           r"( · about \d+ (s|min) left)?)$")


def test_import_progress_counts_committed_rows_of_the_file(console, base_url, rest, tmp_path):
    """A 30,000-row import: the text says it is checking the file until the rows are counted, then "N of 30,000 rows";
    it never shows 100 % before the result, whose counts are right.

    The server's `rowsTotal` (null until its check of the file is done) is new: the last assertion fails on a server
    without it. The console falls back to its own count of the file then, so the assertions before it pass either way.
    """
    driver = console
    total = 30_000
    lines = ["name,type"] + [f"Progress-{RUN}-{index:05d},Progress {RUN}" for index in range(total)]
    path = write_bytes(tmp_path, "30000.csv", ("\n".join(lines) + "\n").encode())
    choose_file(driver, base_url, path)
    text_of(driver, "#import-file-ok", r"30,000 data rows, no error")
    driver.execute_script(RECORD_PROGRESS)
    clickable(driver, "#import-start").click()
    wait(driver, 170).until(lambda d: d.find_element(By.ID, "import-result").get_attribute("data-status") in
                            ("DONE", "FAILED", "CANCELLED"))
    samples = driver.execute_script("return window.__progress")
    running = [s for s in samples if not s["resultShown"]]
    assert running, "progress was shown"
    done_before = 0
    for sample in running:
        match = PROGRESS_TEXT.match(sample["text"])
        assert match, f"unexpected progress text {sample['text']!r}"
        assert "100 %" not in sample["text"], f"100 % before the result: {sample}"
        assert sample["bar"] is None or sample["bar"] < 100, f"a full bar before the result: {sample}"
        if match.group("done"):
            assert int(match.group("total").replace(",", "")) == total, sample
            done = int(match.group("done").replace(",", ""))
            assert done_before <= done <= total, (done_before, sample)
            done_before = done
            assert sample["title"] == "Importing…"
        elif sample["text"].startswith("Checking"):
            assert sample["title"] == "Checking the file…"
    result = driver.find_element(By.ID, "import-result")
    assert result.get_attribute("data-status") == "DONE"
    counts = {kind: driver.find_element(By.ID, f"import-{kind}") for kind in ("created", "updated", "failed")}
    assert {kind: int(e.get_attribute("data-count")) for kind, e in counts.items()} == {"created": total, "updated": 0, "failed": 0}
    assert counts["created"].text == "30,000"
    assert driver.find_element(By.ID, "import-rows").text.startswith("30,000 rows processed")
    assert rest.get("/api/tenant/deviceInfos", pageSize=1, page=0, textSearch=f"Progress-{RUN}-")["totalElements"] == total

    # The server's side: the job counts the file's rows once its check is done.
    job = rest.get(f"/api/imports/{result.get_attribute('data-job-id')}")
    assert "rowsTotal" in job, "the server does not send rowsTotal yet (GET /api/imports/{id})"
    assert job["rowsTotal"] == total
