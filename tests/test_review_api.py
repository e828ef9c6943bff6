"""The moderation API over HTTP: tokens, scopes, queue, one comment, decisions, audit, bans."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select, update

from moderation.extensions import db
from moderation.orm import Comment, StatusChange
from moderation.review.moderators import create_moderator, revoke_moderator
from moderation.sites import create_site
from tests.conftest import moderator_headers

THREAD = "2026/11/city-council-budget"
API = "/api/v1/moderation"


@pytest.fixture
def site(app):
    """Two pre-moderated sites, "news" and "sport": every new comment is held."""
    with app.app_context():
        create_site("sport", "Sport Daily", ["https://sport.example"], premoderate=True,
                    flood_interval_seconds=0)
        return create_site("news", "Daily News", ["https://news.example"], premoderate=True,
                           flood_interval_seconds=0).id


def new_token(app, name: str) -> str:
    with app.app_context():
        return create_moderator(name, None, "moderator")[1]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def auth(app, site) -> dict:
    """alice, who may moderate every site."""
    return moderator_headers(app, "alice")


@pytest.fixture
def held(post_comment) -> Callable[..., str]:
    """Post a comment that is held for a moderator; returns its id."""

    def post(**overrides) -> str:
        response = post_comment(**overrides)
        assert response.get_json()["status"] == "held", response.get_json()
        return response.get_json()["id"]

    return post


def set_columns(app, comment_id: str, **values) -> None:
    with app.app_context():
        db.session.execute(update(Comment).where(Comment.public_id == comment_id).values(**values))
        db.session.commit()


def stored_status(app, comment_id: str) -> str:
    with app.app_context():
        return db.session.scalar(select(Comment.status).where(Comment.public_id == comment_id))


def decide(client, auth, comment_id: str, decision: str, reason: str | None = None):
    body = {"decision": decision} | ({"reason": reason} if reason else {})
    return client.post(f"{API}/comments/{comment_id}/decision", json=body, headers=auth)


def queue_ids(client, auth, query: str = "") -> list[str]:
    response = client.get(f"{API}/queue?site=news{query}", headers=auth)
    assert response.status_code == 200, response.get_json()
    return [c["id"] for c in response.get_json()["comments"]]


# Every moderation route, as (method, path, body) for a comment id.
ROUTES = {
    "queue": lambda cid: ("get", f"{API}/queue?site=news", None),
    "detail": lambda cid: ("get", f"{API}/comments/{cid}", None),
    "decision": lambda cid: ("post", f"{API}/comments/{cid}/decision", {"decision": "approve"}),
    "bulk": lambda cid: ("post", f"{API}/decisions",
                         {"decisions": [{"id": cid, "decision": "approve"}]}),
    "ban": lambda cid: ("post", f"{API}/comments/{cid}/ban", {}),
    "unban": lambda cid: ("delete", f"{API}/comments/{cid}/ban", None),
    "audit": lambda cid: ("get", f"{API}/audit?site=news", None),
}


def call(client, route: str, comment_id: str, headers: dict):
    method, path, body = ROUTES[route](comment_id)
    return getattr(client, method)(path, json=body, headers=headers)


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


# --- the queue ------------------------------------------------------------------------------

@pytest.fixture
def ranked(app, held) -> dict[str, str]:
    """Five held comments with known risk and age: a is oldest, e is newest."""
    start = datetime(2026, 11, 1, 12, tzinfo=UTC)
    risks = {"a": 0.2, "b": 0.9, "c": 0.5, "d": 0.5, "e": 0.05}
    ids = {}
    for n, (name, risk) in enumerate(risks.items()):
        ids[name] = held(body=f"comment {name}")
        set_columns(app, ids[name], risk=risk, spam_score=risk,
                    created_at=start + timedelta(minutes=n))
    return ids


@pytest.mark.parametrize("order, expected", [
    ("", "bdcae"), ("&order=risk", "bdcae"), ("&order=oldest", "abcde"),
    ("&order=newest", "edcba")])
def test_queue_order(client, auth, ranked, order, expected):
    # equal risk (c, d) falls back to the newer row first
    assert queue_ids(client, auth, order) == [ranked[name] for name in expected]


def test_queue_items_carry_scores_reasons_masked_email_thread_and_history(client, auth, held):
    comment_id = held(author_email="Kim.Lee@Example.org", thread_title="Budget")
    item = client.get(f"{API}/queue?site=news", headers=auth).get_json()["comments"][0]
    assert item["id"] == comment_id
    assert item["author_email"] == "K***@e***.org"
    assert item["thread"] == {"key": THREAD, "title": "Budget", "url": None}
    assert item["reasons"] == [{"check": "premoderation", "detail": "site pre-moderates"}]
    assert item["author_history"] == {"approved": 0, "held": 1, "rejected": 0, "spam": 0}
    assert {"spam_score", "toxicity_score", "risk", "model_versions"} <= set(item)


def test_replies_in_the_queue_name_their_parent_without_a_query_each(app, client, auth, held):
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    def queue_with_replies(count: int) -> tuple[list[str], list[str | None]]:
        parents = [held(body=f"Parent {n} of {count}.") for n in range(count)]
        for parent in parents:
            assert decide(client, auth, parent, "approve").status_code == 200
            held(parent_id=parent, body=f"Reply to {parent}.")
        statements.clear()
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", record)
            try:
                response = client.get(f"{API}/queue?site=news", headers=auth)
            finally:
                event.remove(db.engine, "before_cursor_execute", record)
        return parents, [c["parent_id"] for c in response.get_json()["comments"]]

    parents, shown = queue_with_replies(1)
    queries_for_one = len(statements)
    more_parents, more_shown = queue_with_replies(3)
    assert shown == parents
    assert sorted(more_shown) == sorted(parents + more_parents)
    assert len(statements) == queries_for_one


def test_queue_shows_held_by_default_and_other_statuses_on_request(client, auth, held):
    first, second = held(body="one"), held(body="two")
    assert decide(client, auth, first, "approve").status_code == 200
    assert queue_ids(client, auth) == [second]
    assert queue_ids(client, auth, "&status=approved") == [first]
    assert queue_ids(client, auth, "&status=spam") == []


def test_queue_filters_by_thread(client, auth, held):
    held(body="here")
    elsewhere = held(body="there", thread="2026/11/match-report")
    assert queue_ids(client, auth, "&thread=2026/11/match-report") == [elsewhere]
    assert queue_ids(client, auth, "&thread=no-such-thread") == []


def test_queue_filters_by_what_held_it(client, auth, held):
    links = held(body="see http://a.example http://b.example http://c.example")
    plain = held(body="a plain remark")
    assert queue_ids(client, auth, "&reason=check:links") == [links]
    assert queue_ids(client, auth, "&reason=check:premod") == [plain]
    assert queue_ids(client, auth, "&reason=model:") == []


def test_queue_is_per_site(client, auth, held):
    news = held()
    held(site="sport")
    assert queue_ids(client, auth) == [news]


@pytest.mark.parametrize("order", ["risk", "oldest", "newest"])
def test_cursor_pagination_walks_every_item_once(client, auth, ranked, order):
    everything = queue_ids(client, auth, f"&order={order}")
    seen, cursor, pages = [], None, 0
    while True:
        query = f"&order={order}&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(f"{API}/queue?site=news{query}", headers=auth).get_json()
        seen += [c["id"] for c in page["comments"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything and len(seen) == 5 and pages == 3


@pytest.mark.parametrize("cursor", ["not-a-cursor!", "WyJ4IiwgMV0", "WzFd", "e30", "W251bGwsIDFd"])
def test_a_bad_cursor_is_a_422_naming_cursor(client, auth, site, cursor):
    # WyJ4IiwgMV0 = ["x", 1]; WzFd = [1]; e30 = {}; W251bGwsIDFd = [null, 1]
    response = client.get(f"{API}/queue?site=news&cursor={cursor}", headers=auth)
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == ["cursor"]


@pytest.mark.parametrize("query, field", [
    ("site=news&limit=0", "limit"), ("site=news&limit=201", "limit"),
    ("site=news&limit=x", "limit"), ("site=news&order=random", "order"),
    ("site=news&status=archived", "status"), ("", "site"), ("site=nowhere", "site"),
    ("site=news&thread=a%00b", "thread"), ("site=news&reason=check%00", "reason")])
def test_bad_queue_queries_are_422_naming_the_field(client, auth, site, query, field):
    response = client.get(f"{API}/queue?{query}", headers=auth)
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == [field]


@pytest.mark.parametrize("field", ["moderator", "comment"])
def test_audit_filters_with_control_characters_are_422_not_a_database_error(client, auth, site,
                                                                             field):
    response = client.get(f"{API}/audit?site=news&{field}=a%00b", headers=auth)
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == [field]


def test_a_reason_keeps_its_text_and_loses_control_characters(app, client, auth, held):
    comment_id = held()
    response = decide(client, auth, comment_id, "reject", "Off\x00 topic.\x07")
    assert response.status_code == 200
    assert response.get_json()["history"][-1]["reason"] == "Off topic."


def test_queue_limit_bounds_are_inclusive(client, auth, ranked):
    assert len(queue_ids(client, auth, "&limit=1")) == 1
    assert len(queue_ids(client, auth, "&limit=200")) == 5


# --- one comment ----------------------------------------------------------------------------

def test_detail_has_scores_model_versions_reasons_and_terms(app, client, auth, held):
    comment_id = held()
    reasons = [{"check": "model:spam", "detail": "spam 0.83", "terms": ["casino", "free"]}]
    versions = {"spam": "spam-2026.11.1", "toxicity": "tox-2026.10.2"}
    set_columns(app, comment_id, spam_score=0.83, toxicity_score=0.12, risk=0.83,
                reasons=reasons, model_versions=versions)
    detail = client.get(f"{API}/comments/{comment_id}", headers=auth).get_json()
    assert (detail["spam_score"], detail["toxicity_score"], detail["risk"]) == (0.83, 0.12, 0.83)
    assert detail["model_versions"] == versions
    assert detail["reasons"] == reasons


def test_detail_masks_the_email_and_names_the_thread(client, auth, held):
    comment_id = held(author_email="Jane.Doe@Example.org", thread_title="Council budget",
                      thread_url="https://news.example/budget")
    response = client.get(f"{API}/comments/{comment_id}", headers=auth)
    detail = response.get_json()
    assert detail["author_email"] == "J***@e***.org"
    assert "jane.doe@example.org" not in response.get_data(as_text=True).lower()
    assert detail["thread"] == {"key": THREAD, "title": "Council budget",
                                "url": "https://news.example/budget"}


def test_detail_has_the_status_history(client, auth, held):
    comment_id = held()
    assert decide(client, auth, comment_id, "reject", "off topic").status_code == 200
    history = client.get(f"{API}/comments/{comment_id}", headers=auth).get_json()["history"]
    assert [(h["from_status"], h["to_status"], h["actor"], h["reason"]) for h in history] == [
        (None, "pending", "submission", None),
        ("pending", "held", "check:premoderation", "site pre-moderates"),
        ("held", "rejected", "moderator:alice", "off topic")]


def test_author_history_counts_that_author_on_this_site_only(client, auth, held):
    ids = [held(author_email=email, body=f"remark {n}") for n, email in enumerate(
        ["sam@example.com", "SAM@Example.com", "Sam@example.COM", "sam@example.com"])]
    decide(client, auth, ids[0], "approve")
    decide(client, auth, ids[1], "reject")
    decide(client, auth, ids[2], "spam")
    held(author_email="sam@example.com", site="sport", body="elsewhere")
    other = held(author_email="someone.else@example.com", body="another author")
    detail = client.get(f"{API}/comments/{ids[3]}", headers=auth).get_json()
    assert detail["author_history"] == {"approved": 1, "held": 1, "rejected": 1, "spam": 1}
    other_detail = client.get(f"{API}/comments/{other}", headers=auth).get_json()
    assert other_detail["author_history"] == {"approved": 0, "held": 1, "rejected": 0, "spam": 0}


def test_an_unknown_comment_is_404(client, auth, site):
    response = client.get(f"{API}/comments/no-such-comment", headers=auth)
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


# --- decisions ------------------------------------------------------------------------------

@pytest.mark.parametrize("decision, status", [
    ("approve", "approved"), ("reject", "rejected"), ("spam", "spam")])
def test_deciding_a_held_comment(app, client, auth, held, decision, status):
    comment_id = held()
    response = decide(client, auth, comment_id, decision, "reviewed")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["id"], body["status"], body["decided_by"]) == (
        comment_id, status, "moderator:alice")
    assert body["history"][-1]["to_status"] == status
    assert stored_status(app, comment_id) == status


def test_taking_down_an_approved_comment_rejects_it(app, client, auth, held):
    comment_id = held()
    decide(client, auth, comment_id, "approve")
    response = decide(client, auth, comment_id, "takedown", "defamatory")
    assert response.status_code == 200
    assert response.get_json()["status"] == "rejected"
    assert stored_status(app, comment_id) == "rejected"


@pytest.mark.parametrize("first, second", [
    ("approve", "approve"), (None, "takedown"), ("reject", "reject"), ("spam", "spam"),
    ("reject", "takedown"), ("approve", "reject"), ("approve", "spam")])
def test_a_decision_that_does_not_apply_is_409(app, client, auth, held, first, second):
    comment_id = held()
    if first:
        assert decide(client, auth, comment_id, first).status_code == 200
    before = stored_status(app, comment_id)
    response = decide(client, auth, comment_id, second)
    assert response.status_code == 409
    assert response.get_json()["error"] == "conflict"
    assert before in response.get_json()["message"]
    assert stored_status(app, comment_id) == before


def test_a_comment_the_checks_refused_may_be_rescued(client, auth, post_comment):
    comment_id = post_comment(nickname="filled-by-a-human-after-all").get_json()["id"]
    response = decide(client, auth, comment_id, "approve", "false positive")
    assert (response.status_code, response.get_json()["status"]) == (200, "approved")


@pytest.mark.parametrize("first, second", [("reject", "approve"), ("spam", "reject")])
def test_a_moderators_refusal_is_not_silently_overruled(app, client, auth, held, first, second):
    comment_id = held()
    decide(client, moderator_headers(app, "bob"), comment_id, first)
    response = decide(client, auth, comment_id, second)
    assert response.status_code == 409
    assert "moderator:bob" in response.get_json()["message"]


def test_an_admin_may_overrule_a_moderators_refusal(app, client, auth, held):
    comment_id = held()
    decide(client, auth, comment_id, "reject")
    response = decide(client, moderator_headers(app, "chief", role="admin"), comment_id,
                      "approve", "rejected by mistake")
    assert (response.status_code, response.get_json()["status"]) == (200, "approved")
    assert response.get_json()["history"][-1]["actor"] == "moderator:chief"


@pytest.mark.parametrize("body, field", [
    ({"decision": "delete"}, "decision"), ({}, "decision"),
    ({"decision": "approve", "reason": "x" * 1001}, "reason"),
    ({"decision": "approve", "extra": 1}, "_unknown")])
def test_a_malformed_decision_is_422(app, client, auth, held, body, field):
    comment_id = held()
    response = client.post(f"{API}/comments/{comment_id}/decision", json=body, headers=auth)
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == [field]
    assert stored_status(app, comment_id) == "held"


def test_deciding_an_unknown_comment_is_404(client, auth, site):
    response = decide(client, auth, "no-such-comment", "approve")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_every_decision_is_logged_with_moderator_reason_and_time(app, client, auth, held):
    comment_id = held()
    before = datetime.now(UTC)
    decide(client, auth, comment_id, "approve", "fine after all")
    decide(client, moderator_headers(app, "bob"), comment_id, "takedown", "legal request")
    after = datetime.now(UTC)
    with app.app_context():
        log = db.session.scalars(select(StatusChange).join(Comment).where(
            Comment.public_id == comment_id, StatusChange.actor.startswith("moderator:"))
            .order_by(StatusChange.id)).all()
        assert [(c.from_status, c.to_status, c.actor, c.reason) for c in log] == [
            ("held", "approved", "moderator:alice", "fine after all"),
            ("approved", "rejected", "moderator:bob", "legal request")]
        assert all(before <= c.created_at <= after for c in log)
    entries = client.get(f"{API}/audit?site=news&comment={comment_id}",
                         headers=auth).get_json()["entries"]
    assert [(e["actor"], e["reason"], e["to_status"]) for e in entries[:2]] == [
        ("moderator:bob", "legal request", "rejected"),
        ("moderator:alice", "fine after all", "approved")]
    assert all(before <= datetime.fromisoformat(e["at"]) <= after for e in entries[:2])


def test_approving_publishes_at_once_and_a_takedown_unpublishes(client, auth, held):
    listing = f"/api/v1/comments?site=news&thread={THREAD}"
    comment_id = held()
    first = client.get(listing)
    assert first.get_json()["comments"] == []
    decide(client, auth, comment_id, "approve")
    second = client.get(listing, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.headers["ETag"] != first.headers["ETag"]
    assert [c["id"] for c in second.get_json()["comments"]] == [comment_id]
    decide(client, auth, comment_id, "takedown")
    third = client.get(listing, headers={"If-None-Match": second.headers["ETag"]})
    assert third.status_code == 200 and third.get_json()["comments"] == []
    assert third.headers["ETag"] not in (first.headers["ETag"], second.headers["ETag"])


# --- bulk decisions -------------------------------------------------------------------------

def test_bulk_reports_each_item_and_counts(app, client, auth, held):
    fine, spam, done = held(body="fine"), held(body="spam"), held(body="done")
    decide(client, auth, done, "approve")
    response = client.post(f"{API}/decisions", headers=auth, json={"decisions": [
        {"id": fine, "decision": "approve", "reason": "ok"},
        {"id": "no-such-comment", "decision": "reject"},
        {"id": spam, "decision": "spam"},
        {"id": done, "decision": "approve"},
        {"id": fine, "decision": "reject"}]})
    assert response.status_code == 200
    body = response.get_json()
    assert [(r["id"], r["ok"], r["status"], r["error"]) for r in body["results"]] == [
        (fine, True, "approved", None), ("no-such-comment", False, None, "not_found"),
        (spam, True, "spam", None), (done, False, None, "conflict"),
        (fine, False, None, "conflict")]
    assert (body["succeeded"], body["failed"]) == (2, 3)
    assert [stored_status(app, c) for c in (fine, spam, done)] == ["approved", "spam", "approved"]


def test_bulk_items_are_logged_like_single_decisions(app, client, auth, held):
    ids = [held(body=f"comment {n}") for n in range(3)]
    client.post(f"{API}/decisions", headers=auth, json={
        "decisions": [{"id": c, "decision": "reject", "reason": "bulk"} for c in ids]})
    entries = client.get(f"{API}/audit?site=news&moderator=alice", headers=auth).get_json()
    assert sorted(e["comment_id"] for e in entries["entries"]) == sorted(ids)
    assert {(e["to_status"], e["reason"]) for e in entries["entries"]} == {("rejected", "bulk")}


def test_bulk_accepts_500_items_and_refuses_501(client, auth, site):
    items = [{"id": f"missing-{n}", "decision": "approve"} for n in range(501)]
    too_many = client.post(f"{API}/decisions", headers=auth, json={"decisions": items})
    assert too_many.status_code == 422
    assert list(too_many.get_json()["fields"]) == ["decisions"]
    most = client.post(f"{API}/decisions", headers=auth, json={"decisions": items[:500]})
    assert most.status_code == 200
    assert (most.get_json()["succeeded"], most.get_json()["failed"]) == (0, 500)


@pytest.mark.parametrize("body", [
    {"decisions": []}, {}, {"decisions": [{"id": "x", "decision": "maybe"}]},
    {"decisions": [{"decision": "approve"}]}])
def test_a_malformed_bulk_request_is_422(client, auth, site, body):
    response = client.post(f"{API}/decisions", headers=auth, json=body)
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == ["decisions"]


# --- audit ----------------------------------------------------------------------------------

def audit(client, auth, query: str = "") -> list[dict]:
    response = client.get(f"{API}/audit?site=news{query}", headers=auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["entries"]


@pytest.fixture
def decided(app, client, auth, held) -> dict[str, str]:
    """alice approves one comment, bob rejects another; one on "sport" is rejected too."""
    ids = {"approved": held(body="good"), "rejected": held(body="bad"),
           "sport": held(site="sport", body="elsewhere")}
    decide(client, auth, ids["approved"], "approve", "good")
    bob = moderator_headers(app, "bob")
    decide(client, bob, ids["rejected"], "reject", "bad")
    decide(client, bob, ids["sport"], "reject", "bad")
    return ids


def test_audit_is_newest_first_and_per_site(client, auth, decided):
    entries = audit(client, auth)
    assert len(entries) == 6  # two comments, each: submission, held, decision
    assert (entries[0]["comment_id"], entries[0]["actor"]) == (decided["rejected"], "moderator:bob")
    assert decided["sport"] not in {e["comment_id"] for e in entries}
    assert {"from_status", "to_status", "actor", "reason", "at"} <= set(entries[0])


def test_audit_filters_by_moderator_and_comment(client, auth, decided):
    assert [(e["comment_id"], e["actor"]) for e in audit(client, auth, "&moderator=alice")] == [
        (decided["approved"], "moderator:alice")]
    assert audit(client, auth, "&moderator=nobody") == []
    assert [e["to_status"] for e in audit(client, auth, f"&comment={decided['rejected']}")] == [
        "rejected", "held", "pending"]


def test_audit_filters_by_time_range(app, client, auth, decided):
    with app.app_context():
        for change in db.session.scalars(select(StatusChange)):
            change.created_at = datetime(2026, 1, change.id, 9, tzinfo=UTC)  # ids 1…9
        db.session.commit()
    in_range = audit(client, auth, "&since=2026-01-03T00:00:00Z&until=2026-01-05T09:00:00Z")
    assert [e["at"][:10] for e in in_range] == ["2026-01-04", "2026-01-03"]
    since = audit(client, auth, "&since=2026-01-06T00:00:00%2B00:00")  # 5, 6, 9 are sport's
    assert [e["at"][:10] for e in since] == ["2026-01-08", "2026-01-07"]
    until = audit(client, auth, "&until=2026-01-02T09:00:01Z")
    assert [e["at"][:10] for e in until] == ["2026-01-02", "2026-01-01"]


@pytest.mark.parametrize("query, field", [
    ("&since=yesterday", "since"), ("&limit=0", "limit"), ("&limit=501", "limit"),
    ("&cursor=bad!", "cursor")])
def test_bad_audit_queries_are_422_naming_the_field(client, auth, site, query, field):
    response = client.get(f"{API}/audit?site=news{query}", headers=auth)
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == [field]


def test_audit_pagination_walks_every_entry_once(client, auth, decided):
    everything = audit(client, auth)
    seen, cursor = [], None
    while True:
        query = "&limit=4" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(f"{API}/audit?site=news{query}", headers=auth).get_json()
        seen += page["entries"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything and len(seen) == 6


# --- bans -----------------------------------------------------------------------------------

def test_ban_and_lift_a_ban(client, auth, held):
    comment_id = held()
    path = f"{API}/comments/{comment_id}/ban"
    response = client.post(path, json={"reason": "persistent abuse"}, headers=auth)
    assert (response.status_code, response.get_json()) == (201, {"banned": True})
    again = client.post(path, json={}, headers=auth)
    assert (again.status_code, again.get_json()) == (201, {"banned": True})
    lifted = client.delete(path, headers=auth)
    assert (lifted.status_code, lifted.get_json()) == (200, {"banned": False})


def test_banning_an_unknown_comment_is_404(client, auth, site):
    assert client.post(f"{API}/comments/nope/ban", json={}, headers=auth).status_code == 404
    assert client.delete(f"{API}/comments/nope/ban", headers=auth).status_code == 404
