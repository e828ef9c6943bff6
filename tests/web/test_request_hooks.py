"""Every request's own steps (request id, metrics, headers, proxies, limits) run in one
before-request and one after-request hook of the app, in Flask's order."""

from __future__ import annotations

from tests.conftest import comment_payload, make_app
from tests.web.test_rate_limits import limited_app


def test_the_app_has_one_hook_each_side_of_a_request(tmp_path, monkeypatch):
    app = limited_app(tmp_path, monkeypatch, "memory://")
    assert len(app.before_request_funcs[None]) == 1
    assert len(app.after_request_funcs[None]) == 1
    # Flask-Limiter's own hooks stay off: the limiter counts in a step of the app's hook
    assert not any("flask_limiter" in function.__module__ or "Limiter" in repr(function)
                   for function in app.teardown_request_funcs.get(None, []))


def test_every_step_still_runs(tmp_path, monkeypatch):
    app = make_app(f"sqlite:///{tmp_path / 'hooks.db'}", tmp_path, monkeypatch)
    response = app.test_client().get("/api/v1/comments?site=nowhere&thread=t",
                                     headers={"X-Request-ID": "given-id-1"})
    assert response.headers["X-Request-ID"] == "given-id-1"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_step_that_refuses_ends_the_request_and_the_after_steps_still_run(tmp_path,
                                                                            monkeypatch):
    app = limited_app(tmp_path, monkeypatch, "memory://", SUBMISSION_RATE_LIMIT="1/minute")
    client = app.test_client()
    client.post("/api/v1/comments", json=comment_payload(site="limits"))
    refused = client.post("/api/v1/comments", json=comment_payload(site="limits", body="2"),
                          headers={"X-Request-ID": "refused-1"})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert refused.headers["X-Request-ID"] == "refused-1"
    assert refused.headers["X-Content-Type-Options"] == "nosniff"
