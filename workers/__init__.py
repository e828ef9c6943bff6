"""Celery workers, consumer side only: the tasks and the Celery app bound to the Flask app."""
