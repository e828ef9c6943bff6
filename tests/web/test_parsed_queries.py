"""The widget's query strings are parsed once per process, and answered as if parsed anew."""

from __future__ import annotations

import pytest

from moderation import ModerationApp
from moderation.web import public
from moderation.web.parsed_queries import MemoisedQueryParser
from moderation.web.schemas.public import CountsQuery, ThreadQuery


@pytest.fixture
def parser() -> MemoisedQueryParser:
    return MemoisedQueryParser(size=2)


def test_a_query_string_is_parsed_once_and_each_caller_gets_its_own_dict(app, parser,
                                                                          monkeypatch):
    schema, loads = ThreadQuery(), []
    real_load = schema.load
    monkeypatch.setattr(schema, "load", lambda *a, **k: loads.append(1) or real_load(*a, **k))
    with app.test_request_context("/?site=daily&thread=a&limit=5"):
        first = parser.parse(schema, location="query")
        first["limit"] = 99  # what a view does with its arguments stays its own
        second = parser.parse(schema, location="query")
    assert second == {"site": "daily", "thread": "a", "limit": 5, "sort": "oldest",
                      "cursor": None}
    assert len(loads) == 1
    with app.test_request_context("/?site=daily&thread=b"):
        assert parser.parse(schema, location="query")["thread"] == "b"
    assert len(loads) == 2


def test_a_refused_query_is_refused_every_time(client):
    for _ in range(3):
        response = client.get("/api/v1/comments?site=daily&thread=t&limit=0")
        assert response.status_code == 422
        assert "limit" in response.get_json()["fields"]


def test_the_memory_is_bounded(app, parser):
    schema = CountsQuery()
    for n in range(5):
        with app.test_request_context(f"/?site=daily&thread=t{n}"):
            assert parser.parse(schema, location="query")["thread"] == [f"t{n}"]
    assert len(parser.parsed) == 2


def test_the_public_blueprint_uses_it():
    assert isinstance(public.blp.ARGUMENTS_PARSER, MemoisedQueryParser)


def test_app_hooks_and_views_stay_plain_functions_once_remembered(app):
    """ModerationApp.ensure_sync answers from its memory what Flask's inspects anew."""
    assert isinstance(app, ModerationApp)

    class View:
        def get(self):
            return "x"

    bound = View().get
    assert app.ensure_sync(bound) is bound
    assert app.ensure_sync(View().get)() == "x"  # another binding of the same function

    async def coroutine():
        return "y"

    with pytest.raises(RuntimeError, match="async"):  # Flask's own answer without asgiref
        app.ensure_sync(coroutine)
