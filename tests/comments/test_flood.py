"""The site's flood interval: one comment per address per interval, whatever the email."""

from __future__ import annotations

import pytest

from moderation.sites import create_site
from tests.conftest import comment_payload

INTERVAL = 15
FIRST_IP, OTHER_IP = "127.0.0.1", "198.51.100.23"


@pytest.fixture
def flood_site(app):
    with app.app_context():
        return create_site("flood", "Flood Test", ["https://flood.example"],
                           flood_interval_seconds=INTERVAL).id


@pytest.fixture
def post(client, flood_site):
    """Post to the flood-limited site from ``ip`` (the test client's default is 127.0.0.1)."""

    def send(email: str, ip: str = FIRST_IP, **overrides):
        payload = comment_payload(site=flood_site, author_email=email, **overrides)
        return client.post("/api/v1/comments", json=payload, environ_base={"REMOTE_ADDR": ip})

    return send


def assert_rate_limited(response) -> None:
    assert response.status_code == 429
    body = response.get_json()
    assert body["error"] == "rate_limited"
    assert "@" not in response.get_data(as_text=True)
    assert 1 <= int(response.headers["Retry-After"]) <= INTERVAL


def test_the_same_author_within_the_interval_is_rate_limited(post):
    assert post("fast@example.com").status_code == 202
    assert_rate_limited(post("fast@example.com", body="And another thing!"))


def test_the_same_email_from_another_address_is_not_limited(post):
    """Limiting it would tell anyone who types an email whether its owner just posted."""
    assert post("fast@example.com").status_code == 202
    assert post("FAST@example.com", ip=OTHER_IP, body="From my phone.").status_code == 202


def test_the_same_address_with_another_email_is_rate_limited(post):
    assert post("first@example.com").status_code == 202
    assert_rate_limited(post("second@example.com", body="Sock puppet."))


def test_retry_after_counts_down_the_rest_of_the_interval(post, backdate):
    first = post("fast@example.com").get_json()["id"]
    backdate(10, first)
    response = post("fast@example.com", body="Five seconds to go.")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) in (5, 6)


def test_another_author_from_another_address_is_fine(post):
    assert post("first@example.com").status_code == 202
    assert post("second@example.com", ip=OTHER_IP, body="My own view.").status_code == 202


def test_after_the_interval_the_author_may_post_again(post, backdate):
    first = post("patient@example.com").get_json()["id"]
    backdate(INTERVAL + 1, first)
    assert post("patient@example.com", body="A considered follow-up.").status_code == 202


def test_the_interval_is_per_site(post, post_comment, site_policy):
    site_policy(flood_interval_seconds=INTERVAL)
    assert post("busy@example.com").status_code == 202
    assert post_comment(author_email="busy@example.com").status_code == 202


def test_a_rate_limited_comment_is_not_stored(client, post):
    post("fast@example.com")
    post("fast@example.com", body="Dropped.")
    listing = client.get("/api/v1/comments?site=flood&thread=2026/11/city-council-budget")
    assert listing.get_json()["total"] == 1
