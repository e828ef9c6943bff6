"""Every request's own steps, run by one ``before_request`` and one ``after_request`` hook.

Flask dispatches each hook on its own (looked up by blueprint, wrapped by ``ensure_sync``,
which inspects the function every time): with a hook per concern, that bookkeeping cost a
submission more CPU than the steps themselves. Steps keep Flask's order: ``before`` steps
in the order added, the first answer (not None) ending the request; ``after`` steps in the
reverse order, each given the response the last one returned.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response

_EXTENSION = "moderation.request_steps"


class RequestSteps:
    def __init__(self) -> None:
        self.before: list[Callable[[], Response | None]] = []
        self.after: list[Callable[[Response], Response]] = []

    def run_before(self) -> Response | None:
        for step in self.before:
            answer = step()
            if answer is not None:
                return answer
        return None

    def run_after(self, response: Response) -> Response:
        for step in self.after:
            response = step(response)
        return response


def _steps(app: Flask) -> RequestSteps:
    """The app's steps; the first use registers their two hooks."""
    steps = app.extensions.get(_EXTENSION)
    if steps is None:
        steps = app.extensions[_EXTENSION] = RequestSteps()
        app.before_request(steps.run_before)
        app.after_request(steps.run_after)
    return steps


def before_request(app: Flask, step: Callable[[], Response | None]) -> None:
    _steps(app).before.append(step)


def after_request(app: Flask, step: Callable[[Response], Response]) -> None:
    _steps(app).after.insert(0, step)
