"""Every moderation route needs a valid token, and a token acts only on its sites."""

from __future__ import annotations

import pytest

from moderation.review.moderators import revoke_moderator
from tests.conftest import moderator_headers
from tests.review.conftest import (
    API,
    ROUTES,
    bearer,
    call,
    decide,
    new_token,
    stored_status,
)

# --- authentication and scope ---------------------------------------------------------------

@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("header", [
    None, "Basic YWxpY2U6c2VjcmV0", "Bearer", "Bearer ", "Bearer mod_not-a-real-token",
    "{token}", "Token {token}", "Bearer{token}"], ids=[
    "missing", "basic", "bearer-alone", "bearer-blank", "wrong-token", "no-scheme",
    "other-scheme", "no-space"])
def test_every_route_needs_a_valid_bearer_token(app, client, site, held, route, header):
    comment_id = held()
    token = new_token(app, "alice")
    headers = {"Authorization": header.format(token=token)} if header else {}
    response = call(client, route, comment_id, headers)
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert stored_status(app, comment_id) == "held"


@pytest.mark.parametrize("route", ROUTES)
def test_a_revoked_token_is_refused_on_every_route(app, client, site, held, route):
    comment_id = held()
    token = new_token(app, "bob")
    assert client.get(f"{API}/queue?site=news", headers=bearer(token)).status_code == 200
    with app.app_context():
        assert revoke_moderator("bob")
    response = call(client, route, comment_id, bearer(token))
    assert response.status_code == 401
    assert stored_status(app, comment_id) == "held"


@pytest.mark.parametrize("route", ["queue", "audit"])
def test_a_site_scoped_token_is_forbidden_on_another_site(app, client, site, held, route):
    comment_id = held()  # on "news"
    sport_only = moderator_headers(app, "sam", "sport")
    response = call(client, route, comment_id, sport_only)
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"


@pytest.mark.parametrize("route", [
    "detail", "decision", "bulk", "ban", "unban"])
def test_another_sites_comment_is_not_found_like_an_unknown_id(app, client, site, held, route):
    comment_id = held()  # on "news"
    sport_only = moderator_headers(app, "sam", "sport")
    response, unknown = (call(client, route, cid, sport_only)
                         for cid in (comment_id, "no-such-comment"))
    if route == "bulk":
        results = [r.get_json()["results"][0] for r in (response, unknown)]
        assert results[0]["error"] == "not_found"
        assert {k: v for k, v in results[0].items() if k != "id"} == {
            k: v for k, v in results[1].items() if k != "id"}
    else:
        assert response.status_code == 404
        assert response.get_json() == unknown.get_json()
    assert stored_status(app, comment_id) == "held"


def test_a_site_scoped_token_works_on_its_own_site(app, client, site, held):
    comment_id = held(site="sport")
    sport_only = moderator_headers(app, "sam", "sport")
    listed = client.get(f"{API}/queue?site=sport", headers=sport_only).get_json()["comments"]
    assert [c["id"] for c in listed] == [comment_id]
    assert decide(client, sport_only, comment_id, "approve").status_code == 200
    assert client.get(f"{API}/audit?site=sport", headers=sport_only).status_code == 200


def test_a_bulk_item_of_another_site_fails_alone(app, client, site, held):
    news, sport = held(), held(site="sport")
    sport_only = moderator_headers(app, "sam", "sport")
    response = client.post(f"{API}/decisions", headers=sport_only, json={"decisions": [
        {"id": news, "decision": "reject"}, {"id": sport, "decision": "reject"}]})
    assert response.status_code == 200
    body = response.get_json()
    assert [(r["id"], r["ok"], r["error"]) for r in body["results"]] == [
        (news, False, "not_found"), (sport, True, None)]
    assert (body["succeeded"], body["failed"]) == (1, 1)
    assert (stored_status(app, news), stored_status(app, sport)) == ("held", "rejected")
