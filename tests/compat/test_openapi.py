"""The REST API against its own description (issue 14).

`GET /api/openapi.json` serves the OpenAPI 3.1 document of the admin REST API and the device HTTP API
(`Sources/MusterHTTP/OpenAPI/openapi.json`). These tests check that it is served without a login, that it is a valid
OpenAPI 3.1 document (`openapi-spec-validator`), that it names exactly the routes the server registers, and run
`schemathesis` against a server of their own: every answer must be documented (status, content type, body schema),
and none may be a 5xx.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from openapi_spec_validator import OpenAPIV31SpecValidator

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, REPO, MusterServer, log_dir, server_binary

DOCUMENT = REPO / "Sources" / "MusterHTTP" / "OpenAPI" / "openapi.json"
ROUTES = [*sorted((REPO / "Sources" / "MusterHTTP" / "Routes").glob("*.swift")),
          REPO / "Sources" / "MusterHTTP" / "MusterHTTPServices.swift"]
# The console's HTML and files are not part of the API.
CONSOLE_PATHS = {"/", "/index.html", "/console/**"}

# Bounded: test cases per operation and the whole run's wall time (the run takes about 2 minutes on 2 cores).
MAX_EXAMPLES = 25
SCHEMATHESIS_TIMEOUT_S = 300
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


@pytest.fixture(scope="module")
def api_server(tmp_path_factory):
    """A server of its own: schemathesis creates, changes and deletes what it likes. Its failure limiters are off,
    so that random logins and provisioning requests are answered, not cooled off."""
    server = MusterServer(server_binary(), tmp_path_factory.mktemp("openapi-data"), log_dir() / "server-openapi.log",
                          extra_args=("--login-failure-limit", "0", "--provision-failure-limit", "0"))
    try:
        server.start()
    except RuntimeError as e:
        server.stop()
        pytest.fail(str(e), pytrace=False)
    yield server
    assert server.stop() == 0, server.tail()


@pytest.fixture(scope="module")
def admin_token(api_server) -> str:
    r = requests.post(f"{api_server.base_url}/api/auth/login",
                      json={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["token"]


def test_document_is_served_without_login_and_is_valid_openapi_3_1(api_server):
    r = requests.get(f"{api_server.base_url}/api/openapi.json", timeout=10)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "application/json"
    document = r.json()
    assert document == json.loads(DOCUMENT.read_text())
    assert document["openapi"].startswith("3.1.")
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in OpenAPIV31SpecValidator(document).iter_errors()]
    assert not errors, "\n".join(errors)


def registered_routes() -> set[tuple[str, str]]:
    """(METHOD, path with `{}` for each parameter) of every route the HTTP target registers, read from its source."""
    routes = set()
    call = re.compile(r'router\.(get|post|put|delete|head|patch)\("([^"]+)"')
    for file in ROUTES:
        text = file.read_text()
        base = re.search(r'let base = "([^"]+)"', text)
        for method, path in call.findall(text):
            if base:
                path = path.replace(r"\(base)", base.group(1))
            if path in CONSOLE_PATHS:
                continue
            routes.add((method.upper(), re.sub(r":\w+", "{}", path)))
    return routes


def documented_routes(document: dict) -> set[tuple[str, str]]:
    return {(method.upper(), re.sub(r"\{\w+\}", "{}", path))
            for path, item in document["paths"].items() for method in item if method != "parameters"}


def test_document_describes_exactly_the_registered_routes():
    registered = registered_routes()
    documented = documented_routes(json.loads(DOCUMENT.read_text()))
    assert len(registered) > 60, sorted(registered)  # the source reading found the routes
    assert not any("\\(" in path for _, path in registered), sorted(registered)
    assert sorted(registered - documented) == [], "registered but not documented"
    assert sorted(documented - registered) == [], "documented but not registered"


def test_schemathesis_finds_every_answer_documented_and_no_server_error(api_server, admin_token, tmp_path):
    st = Path(sys.executable).parent / "st"
    assert st.exists(), f"schemathesis is not installed in {sys.executable}'s environment"
    cmd = [str(st), "run", f"{api_server.base_url}/api/openapi.json", "--url", api_server.base_url,
           "--checks", CHECKS, "--max-examples", str(MAX_EXAMPLES),
           # The stateful phase needs links between operations, which the document does not declare.
           "--phases", "examples,coverage,fuzzing",
           "--header", f"X-Authorization: Bearer {admin_token}",
           "--generation-with-security-parameters", "false",
           "--generation-database", "none",
           "--workers", "2", "--request-timeout", "20", "--suppress-health-check", "all",
           "--no-color", "--output-truncate", "false"]
    started = time.monotonic()
    try:
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=SCHEMATHESIS_TIMEOUT_S, cwd=tmp_path)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"schemathesis did not finish within {SCHEMATHESIS_TIMEOUT_S} s\n{e.stdout or ''}", pytrace=False)
    elapsed = time.monotonic() - started
    report = run.stdout + run.stderr
    (log_dir() / "schemathesis.txt").write_text(report)
    print(report)
    assert run.returncode == 0, f"schemathesis failed after {elapsed:.0f} s (exit {run.returncode}):\n{report}"
    assert "No issues found" in report or "passed" in report, report
    # The server is still serving.
    assert requests.get(f"{api_server.base_url}/api/health", timeout=10).status_code == 200
