"""The widget's query strings, parsed once per process: the same few (a thread's site, key,
sort and page) arrive thousands of times, and webargs with marshmallow cost a thread read
more CPU than the rest of its view, which answers from the page cache.

Only for schemas whose result is a function of the query string alone (no clock, no
database): the public blueprint's. A query string that fails validation is not remembered,
so every bad one is answered as before.
"""

from __future__ import annotations

import threading

from cachetools import LRUCache
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser

QUERY_LOCATIONS = ("query", "querystring")


class MemoisedQueryParser(FlaskParser):
    def __init__(self, size: int = 4096):
        super().__init__()
        self.parsed: LRUCache = LRUCache(size)
        self.lock = threading.Lock()

    def parse(self, argmap, req=None, *, location=None, **kwargs):
        if location not in QUERY_LOCATIONS or kwargs.get("validate"):
            return super().parse(argmap, req, location=location, **kwargs)
        req = req if req is not None else self.get_default_request()
        key = (argmap, req.query_string)
        with self.lock:
            known = self.parsed.get(key)
        if known is None:
            known = super().parse(argmap, req, location=location, **kwargs)
            with self.lock:
                self.parsed[key] = known
        return dict(known)  # the view gets its own dict, as from a parse


class PureQueryBlueprint(Blueprint):
    """A blueprint whose query schemas depend on the query string alone (see the module)."""

    ARGUMENTS_PARSER = MemoisedQueryParser()
