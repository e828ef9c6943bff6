"""The widget's assets, the review page's headers, and the `moderation demo` command."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from sqlalchemy import func, select

from moderation import demo
from moderation.extensions import db
from moderation.notifications.digest import send_due_digests
from moderation.orm import Comment
from moderation.review.moderators import authenticate
from moderation.web.pages import bundled

STATIC = Path(__file__).resolve().parents[2] / "moderation" / "static"
EMBED_BUDGET = 6 * 1024  # bytes, gzipped


def test_embed_js_fits_its_size_budget(client):
    served = client.get("/embed.js").get_data()
    size = len(gzip.compress(served, compresslevel=9))
    assert size <= EMBED_BUDGET, f"embed.js is {size} bytes gzipped"


def test_the_scripts_parse_server_strings_only_as_text():
    """Only the shared sanitizer's inert <template> gets HTML; nothing else writes markup."""
    for name in ("embed.js", "review.js", "count.js"):
        source = bundled(name).decode()
        assert "//= include" not in source
        html_sinks = re.findall(r"\.(?:inner|outer)HTML\s*=|insertAdjacentHTML|document\.write|"
                                r"\beval\(|new Function|setAttribute\('on|srcdoc", source)
        assert html_sinks == ([".innerHTML ="] if name != "count.js" else []), name
        if name != "count.js":
            assert "t.innerHTML = html; // inert" in source
    for name in ("embed.js", "review.js"):
        assert ".innerHTML" not in (STATIC / name).read_text(), "only safe_dom.js parses HTML"


def test_the_widget_scripts_are_cached_briefly_and_embeddable(client):
    for path in ("/embed.js", "/count.js"):
        with client.get(path) as response:
            assert response.status_code == 200
            assert "javascript" in response.mimetype
            assert response.cache_control.public and response.cache_control.max_age == 300
            assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
            etag = response.headers["ETag"]
        with client.get(path, headers={"If-None-Match": etag}) as again:
            assert again.status_code == 304


def test_the_review_page_is_locked_down_and_never_cached(client):
    response = client.get("/moderate/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["Referrer-Policy"] == "no-referrer"
    for asset in ("/moderate/review.js", "/moderate/review.css"):
        with client.get(asset) as response:
            assert response.status_code == 200
            assert response.cache_control.no_cache
    with client.get("/moderate/embed.js") as response:
        assert response.status_code == 404


def test_the_demo_command_seeds_once_and_prints_a_working_token(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "http://127.0.0.1:8000/moderate/?site=demo" in first.output
    first_token = first.output.strip().splitlines()[-1]
    second = runner.invoke(args=["demo", "--url", "http://127.0.0.1:9000"])
    assert second.exit_code == 0, second.output
    second_token = second.output.strip().splitlines()[-1]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == len(
            demo.SAMPLE_COMMENTS)
        statuses = sorted(db.session.scalars(select(Comment.status)))
        assert [status.value for status in statuses].count("held") == 1
        assert authenticate(first_token) is None  # replaced by the second run's
        assert authenticate(second_token).site_id == demo.DEMO_SITE
        site = demo.seed_site(())
        assert "http://127.0.0.1:9000" in site.allowed_origins
        assert not site.premoderate
        assert send_due_digests() == 1  # what `moderation serve` sends without a broker
    [digest] = [path.read_text() for path in Path(app.config["MAIL_DIR"]).glob("*.eml")]
    assert "To: desk@demo.example" in digest and "Held for review: 1" in digest


def test_the_demo_refuses_to_run_in_production(app):
    app.config["MODERATION_ENV"] = "production"
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert "for development" in result.output
