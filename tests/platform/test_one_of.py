"""``one_of``: ``IN`` on SQLite, one array parameter on PostgreSQL, the same rows either way."""

from __future__ import annotations

from sqlalchemy import select

from moderation.extensions import db
from moderation.orm import Site
from moderation.platform.database import one_of
from moderation.sites import create_site


def test_one_of_finds_the_rows_in_finds(app):
    with app.app_context():
        for site_id in ("alpha", "beta", "gamma"):
            create_site(site_id, None, ["https://news.example"])
        found = db.session.scalars(select(Site.id).where(one_of(Site.id, {"alpha", "gamma",
                                                                            "nowhere"})))
        assert sorted(found) == ["alpha", "gamma"]
        assert db.session.scalars(select(Site.id).where(one_of(Site.id, []))).all() == []


def test_a_hundred_values_are_one_parameter_on_postgresql(app):
    """A statement of at most 50 parameters is parsed once by psycopg, not on every call."""
    with app.app_context():
        statement = select(Site.id).where(one_of(Site.id, [f"site-{n}" for n in range(100)]))
        compiled = statement.compile(dialect=db.engine.dialect,
                                     compile_kwargs={"render_postcompile": True})
        expected = 1 if db.engine.dialect.name == "postgresql" else 100
        assert len(compiled.params) == expected
