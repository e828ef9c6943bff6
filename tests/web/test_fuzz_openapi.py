"""Schemathesis against the served /openapi.json: every operation, generated requests,
no 5xx, and every response one the spec documents (status, content type, body schema).

Requests go to the WSGI app in-process. Half the generated sites and comment ids are
swapped for real ones, so the fuzzing reaches past "unknown site" and "not found".
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from moderation.sites import create_site
from tests.conftest import BACKENDS, comment_payload, moderator_headers, module_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
SITE = "news"
EXAMPLES = 30
SETTINGS_PHASES = [Phase.explicit, Phase.generate]  # no shrinking: the first failure is enough


@pytest.fixture(scope="module", params=BACKENDS)
def fuzzed(request, tmp_path_factory):
    """One app per backend: a site, an approved and a held comment, an admin's token."""
    with module_app(request, tmp_path_factory) as app:
        with app.app_context():
            create_site(SITE, "Daily News", ["https://news.example"], flood_interval_seconds=0,
                        held_words=["lawsuit"])
        client = app.test_client()
        ids = [client.post("/api/v1/comments", json=comment_payload(body=body)).get_json()["id"]
               for body in ("A clean remark.", "A lawsuit is coming.", "Another clean one.")]
        headers = moderator_headers(app, "fuzzer", role="admin")
        yield app, ids, headers


def operations(app) -> list:
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def aim(case, ids: list[str]) -> None:
    """Point about half the cases at the real site and comments (chosen from the case itself,
    so the run stays reproducible)."""
    if isinstance(case.body, dict) and isinstance(case.body.get("site"), str) \
            and len(case.body["site"]) % 2 == 0:
        case.body["site"] = SITE
    if case.query and isinstance(case.query.get("site"), str) and len(case.query["site"]) % 2:
        case.query["site"] = SITE
    comment_id = (case.path_parameters or {}).get("comment_id")
    if isinstance(comment_id, str) and len(comment_id) % 2:
        case.path_parameters["comment_id"] = ids[len(comment_id) % len(ids)]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_operation_answers_outside_its_spec(fuzzed, mode):
    """Every operation, valid (positive) and invalid (negative) requests alike."""
    app, ids, headers = fuzzed
    failures = {}
    for operation in operations(app):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck), phases=SETTINGS_PHASES)
        def call(case) -> None:
            aim(case, ids)
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            call()
        except Unsatisfiable:
            assert mode == GenerationMode.NEGATIVE  # nothing invalid to send, e.g. only an id
        except Exception as failure:  # reported below, with every other operation's
            failures[operation.label] = failure
    assert not failures, "\n\n".join(f"{label}: {failure}" for label, failure in
                                      failures.items())


def test_stateful_sequences_answer_inside_the_spec(fuzzed):
    """Chains of calls along the links schemathesis infers from the spec: comments listed,
    then looked up, decided, banned and unbanned by moderators with the ids the list gave.

    (Schemathesis does not start sequences at POST /comments: its ``site`` looks to it like
    a reference to a resource no operation creates. The stateless test covers that POST.)
    """
    app, ids, headers = fuzzed
    answered: set[tuple[str, str, int, bool]] = set()

    class Sequences(schemathesis.openapi.from_wsgi("/openapi.json", app).as_state_machine()):
        def before_call(self, case) -> None:
            aim(case, ids)

        def get_call_kwargs(self, case) -> dict:
            return {"headers": headers}

        def after_call(self, response, case) -> None:
            real = (case.path_parameters or {}).get("comment_id") in ids
            answered.add((case.method, case.path, response.status_code, real))

        def validate_response(self, response, case, additional_checks=None, **kwargs) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    Sequences.run(settings=settings(max_examples=EXAMPLES, stateful_step_count=6,
                                    derandomize=True, database=None, deadline=None,
                                    suppress_health_check=list(HealthCheck)))
    followed = {(method, path) for method, path, status, _real in answered
                if "{comment_id}" in path and status < 300}
    assert ("GET", "/api/v1/moderation/comments/{comment_id}") in followed, answered
    # A decision on a real comment, whatever its answer: whether a generated action fits the
    # comment's state turns on the strings Hypothesis draws, which follow the modules loaded.
    decided = {status for method, path, status, real in answered
               if path.endswith("/decision") and real}
    assert decided and 404 not in decided, answered
