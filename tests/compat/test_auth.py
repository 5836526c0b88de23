"""Login, token shape and refresh, through both REST SDKs."""
import time

import pytest

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from muster_compat import jwt_claims


def test_rest_client_login_token_is_jwt_with_exp_and_iat(rest):
    token = rest.get_token()
    claims = jwt_claims(token)
    now = time.time()
    # tb_rest_client reads `exp`; tb_ce_client reads `exp` and `iat` (clock skew) and refreshes 30 s before exp.
    assert isinstance(claims.get("exp"), int), claims
    assert isinstance(claims.get("iat"), int), claims
    assert claims["exp"] > now + 60, f"token expires too soon: {claims}"
    assert abs(claims["iat"] - now) < 300, f"iat far from now: {claims}"
    assert rest.token_info["exp"] == claims["exp"]
    refresh = rest.token_info["refreshToken"]
    assert refresh and isinstance(jwt_claims(refresh).get("exp"), int)


def test_rest_client_current_user(rest):
    user = rest.get_user()
    assert user.email == ADMIN_EMAIL
    assert user.authority == "TENANT_ADMIN"
    assert user.id.entity_type == "USER"
    assert user.tenant_id.entity_type == "TENANT"


def test_rest_client_refresh_gives_working_token(rest, base_url):
    from tb_rest_client.rest_client import RestClient

    client = RestClient(base_url=base_url)
    client.login(username=ADMIN_EMAIL, password=ADMIN_PASSWORD)
    old_refresh = client.token_info["refreshToken"]
    client.refresh()  # POST /api/auth/token {"refreshToken": ...}
    assert client.get_token(), "refresh returned no token"
    assert client.token_info["refreshToken"], "refresh returned no refreshToken"
    assert client.token_info["exp"] > time.time()
    assert client.get_user().email == ADMIN_EMAIL
    assert old_refresh  # the old one was a real token too


def test_ce_client_login_and_user(ce):
    user = ce.get_user()  # pydantic-strict User model: email + authority required
    assert user.email == ADMIN_EMAIL
    assert user.authority.value == "TENANT_ADMIN"
    assert user.tenant_id is not None and user.tenant_id.entity_type.value == "TENANT"
    claims = jwt_claims(ce.get_token())
    assert isinstance(claims.get("exp"), int) and isinstance(claims.get("iat"), int)


def test_ce_client_wrong_password_is_401(base_url):
    from tb_ce_client import ThingsboardClient
    from tb_ce_client.exceptions import UnauthorizedException

    with pytest.raises(UnauthorizedException) as ei:
        ThingsboardClient(base_url, username=ADMIN_EMAIL, password="definitely-wrong")
    assert ei.value.status == 401


def test_rest_client_wrong_password_gives_no_token(base_url):
    from tb_rest_client.rest_client import RestClient
    from tb_rest_client.rest import ApiException

    client = RestClient(base_url=base_url)
    client.login(username=ADMIN_EMAIL, password="definitely-wrong")  # this SDK does not raise on 401 ...
    assert not client.get_token()
    with pytest.raises(ApiException) as ei:  # ... but the next call is unauthorised
        client.get_user()
    assert ei.value.status == 401
