"""Plumbing with no product rules: database, logs, metrics, cursors, the server."""
