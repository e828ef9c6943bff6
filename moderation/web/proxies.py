"""Client addresses behind reverse proxies: trust exactly ``TRUST_PROXY_HOPS`` of them.

Both ways of getting this wrong are silent. Too few hops behind a proxy and
every reader has the proxy's address, so per-address limits and the flood rule
hit all readers together; too many (or the app reachable without its proxy)
and any client picks its own address with ``X-Forwarded-For``. The second is
a deployment matter (publish only the proxy); the first shows itself here: a
forwarded request while no hop is trusted logs one warning per process and is
reported by ``/readyz``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

from ..platform import hooks

log = logging.getLogger(__name__)
UNTRUSTED_FORWARDING = ("X-Forwarded-For arrived while TRUST_PROXY_HOPS=0: behind a proxy, set "
                        "it to the number of proxies, or every client shares the proxy's address")


@dataclass
class _Forwarding:
    seen: bool = False


def untrusted_forwarding_seen() -> bool:
    """Whether a request carried ``X-Forwarded-For`` that this app ignored (no trusted hop)."""
    state = current_app.extensions.get("proxies")
    return bool(state and state.seen)


def _notice_forwarding() -> None:
    state = current_app.extensions["proxies"]
    if not state.seen and "X-Forwarded-For" in request.headers:
        state.seen = True
        log.warning(UNTRUSTED_FORWARDING)


def init_app(app: Flask) -> None:
    hops = app.config["TRUST_PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    else:
        app.extensions["proxies"] = _Forwarding()
        hooks.before_request(app, _notice_forwarding)
