"""The scoring checks and how their verdicts combine."""

from __future__ import annotations

from moderation.lifecycle import Status
from moderation.orm import Comment, Site
from moderation.scoring.checks import CheckResult, decide
from moderation.scoring.checks.links import LinkCount
from moderation.scoring.checks.word_lists import WordLists
from tests.conftest import RULE_CHECKS


def make_site(**policy) -> Site:
    defaults = {"max_links": 2, "blocked_words": [], "held_words": [], "premoderate": False,
                "auto_approve_after": 0}
    return Site(id="s", name="s", **{**defaults, **policy})


def make_comment(body: str = "A fair point.", **fields) -> Comment:
    return Comment(body=body, author_name=fields.pop("author_name", "Ann"),
                   honeypot_filled=fields.pop("honeypot_filled", False), **fields)


def test_a_civil_comment_is_approved_by_the_pipeline():
    outcome = decide(RULE_CHECKS, make_comment(), make_site())
    assert (outcome.status, outcome.actor, outcome.reasons) == (Status.APPROVED, "scoring", [])


def test_honeypot_is_spam_and_stops_the_pipeline():
    class Exploding:
        name = "exploding"

        def run(self, comment, site):
            raise AssertionError("checks after a spam verdict must not run")

    checks = (*RULE_CHECKS[:1], Exploding())
    outcome = decide(checks, make_comment(honeypot_filled=True), make_site())
    assert (outcome.status, outcome.actor) == (Status.SPAM, "check:honeypot")


def test_blocked_word_rejects_and_held_word_holds():
    site = make_site(blocked_words=["scam"], held_words=["lawsuit"])
    assert WordLists().run(make_comment("What a SCAM."), site).verdict == Status.REJECTED
    assert WordLists().run(make_comment("A lawsuit follows"), site).verdict == Status.HELD
    assert WordLists().run(make_comment("Scampi for dinner"), site).verdict is None


def test_word_lists_see_through_width_and_invisible_characters():
    site = make_site(blocked_words=["scam"])
    disguised = "\uff33\uff43\uff41\uff4d and s\u200bcam"
    result = WordLists().run(make_comment(disguised), site)
    assert result.verdict == Status.REJECTED
    assert result.reasons == [{"check": "word_lists", "list": "blocked", "terms": ["scam"]}]


def test_word_lists_also_check_the_author_name():
    site = make_site(held_words=["casino"])
    assert WordLists().run(make_comment(author_name="Best Casino"), site).verdict == Status.HELD


def test_more_links_than_the_site_allows_are_held():
    body = "see https://a.example and http://b.example and www.c.example"
    result = LinkCount().run(make_comment(body), make_site(max_links=2))
    assert result.verdict == Status.HELD
    assert result.reasons[0]["detail"] == "3 links (site allows 2)"
    assert LinkCount().run(make_comment(body), make_site(max_links=3)).verdict is None


def test_premoderated_site_holds_everything_clean():
    outcome = decide(RULE_CHECKS, make_comment(), make_site(premoderate=True))
    assert (outcome.status, outcome.actor) == (Status.HELD, "check:premoderation")


def test_most_severe_verdict_wins_and_all_reasons_are_kept():
    class Verdict:
        def __init__(self, name, status):
            self.name, self.status = name, status

        def run(self, comment, site):
            return CheckResult(self.status, [{"check": self.name}], scores={self.name: 0.5})

    checks = (Verdict("a", Status.HELD), Verdict("b", Status.REJECTED), Verdict("c", Status.HELD))
    outcome = decide(checks, make_comment(), make_site())
    assert (outcome.status, outcome.actor) == (Status.REJECTED, "check:b")
    assert [r["check"] for r in outcome.reasons] == ["a", "b", "c"]
    assert outcome.scores == {"a": 0.5, "b": 0.5, "c": 0.5}


def test_premoderation_lets_trusted_authors_through(app, client, site):
    from sqlalchemy import select

    from moderation.extensions import db
    from moderation.orm import Site as SiteRow

    with app.app_context():
        row = db.session.get(SiteRow, site)
        row.premoderate, row.auto_approve_after = True, 2
        db.session.commit()
    token = _moderator_token(app, site)

    def post(n: int, email: str = "regular@example.com"):
        return client.post("/api/v1/comments", json={
            "site": site, "thread": "t", "body": f"comment {n}", "author_name": "Reg",
            "author_email": email}).get_json()

    for n in range(2):
        held = post(n)
        assert held["status"] == "held"
        client.post(f"/api/v1/moderation/comments/{held['id']}/decision",
                    json={"decision": "approve"}, headers={"Authorization": f"Bearer {token}"})
    trusted = post(3)
    assert trusted["status"] == "approved"
    with app.app_context():
        row = db.session.scalar(select(Comment).where(Comment.public_id == trusted["id"]))
        assert row.reasons == [{"check": "premoderation", "rule": "trusted_author",
                                "detail": "trusted author"}]
    assert post(4, email="newcomer@example.com")["status"] == "held"


def test_one_refused_comment_ends_the_trust(app, client, site):
    from moderation.extensions import db
    from moderation.orm import Site as SiteRow

    with app.app_context():
        row = db.session.get(SiteRow, site)
        row.premoderate, row.auto_approve_after = True, 2
        db.session.commit()
    auth = {"Authorization": f"Bearer {_moderator_token(app, site)}"}
    decisions = ["approve", "reject", "approve"]
    for n, decision in enumerate(decisions):
        held = client.post("/api/v1/comments", json={
            "site": site, "thread": "t", "body": f"c{n}", "author_name": "R",
            "author_email": "r@example.com"}).get_json()
        client.post(f"/api/v1/moderation/comments/{held['id']}/decision",
                    json={"decision": decision}, headers=auth)
    after = client.post("/api/v1/comments", json={
        "site": site, "thread": "t", "body": "again", "author_name": "R",
        "author_email": "r@example.com"}).get_json()
    assert after["status"] == "held"


def test_a_banned_authors_next_comment_is_rejected(app, client, site):
    auth = {"Authorization": f"Bearer {_moderator_token(app, site)}"}
    first = client.post("/api/v1/comments", json={
        "site": site, "thread": "t", "body": "first", "author_name": "Troll",
        "author_email": "troll@example.com"}).get_json()
    assert client.post(f"/api/v1/moderation/comments/{first['id']}/ban", json={},
                       headers=auth).status_code == 201
    again = client.post("/api/v1/comments", json={
        "site": site, "thread": "t", "body": "second", "author_name": "Troll",
        "author_email": "Troll@Example.com"}).get_json()
    assert again["status"] == "rejected"
    other = client.post("/api/v1/comments", json={
        "site": site, "thread": "t", "body": "third", "author_name": "Troll",
        "author_email": "someone-else@example.com"}).get_json()
    assert other["status"] == "approved"


def _moderator_token(app, site: str) -> str:
    result = app.test_cli_runner().invoke(args=["moderators", "create", "mod", "--site", site])
    return result.output.strip().splitlines()[-1]
