"""Celery workers: the scoring task, the sweeper, and the Celery app bound to the Flask app."""
