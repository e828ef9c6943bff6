"""``moderation serve``'s server: what the master does before it forks its workers."""

from __future__ import annotations

import gc

from moderation.platform import serving


def test_what_is_loaded_before_the_fork_is_kept_out_of_the_collectors_sight(app, monkeypatch):
    """Frozen objects are never walked by a worker's collections (a submission's CPU)."""
    started = []
    monkeypatch.setattr(serving, "run_wsgi", lambda _app, _options, _after_fork: started.append(
        gc.get_freeze_count()))
    try:
        serving.serve(app, host="127.0.0.1", port=0, workers=1, threads=1)
    finally:
        gc.unfreeze()
    assert started and started[0] > 0


def test_a_worker_runs_the_app_built_before_the_fork_after_its_own_setup(app, monkeypatch):
    """Each worker gets the very app the master built (models loaded once, pages shared),
    and only after ``after_fork`` (its own database connections) has run."""
    calls = []

    class Server:
        def __init__(self, target, **options):
            calls.append(("options", options["workers"], options["blocking_threads"]))

        def serve(self, target_loader):
            calls.append(("worker app", target_loader("ignored")))

    monkeypatch.setattr(serving, "Server", Server)
    serving.run_wsgi(app, serving.server_options(host="127.0.0.1", port=0, workers=3,
                                                 threads=5),
                     lambda: calls.append(("after fork",)))
    assert calls == [("options", 3, 5), ("after fork",), ("worker app", app)]
