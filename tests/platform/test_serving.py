"""``moderation serve``'s gunicorn: what the master does before it forks its workers."""

from __future__ import annotations

import gc

from moderation.platform import serving


def test_what_is_loaded_before_the_fork_is_kept_out_of_the_collectors_sight(app, monkeypatch):
    """Frozen objects are never walked by a worker's collections (a submission's CPU)."""
    started = []
    monkeypatch.setattr(serving, "run_wsgi", lambda _app, options: started.append(
        gc.get_freeze_count()))
    try:
        serving.run_gunicorn(app, host="127.0.0.1", port=0, workers=1, threads=1)
    finally:
        gc.unfreeze()
    assert started and started[0] > 0
