"""Pages and assets: the widget and count scripts, the review page, and the demo article.

Flask's own ``/static`` route is off (``static_folder=None``): every asset is
served here, by name, with its headers. The demo article exists for ``make run``
and is not registered in production.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

import rjsmin
from flask import Blueprint, Flask, Response, render_template, request, send_from_directory
from werkzeug.exceptions import NotFound

from .. import demo
from ..errors import error_response
from . import review_catalogs

bp = Blueprint("pages", __name__)
demo_bp = Blueprint("demo_page", __name__)
STATIC = Path(__file__).parents[1] / "static"
WIDGET_CATALOGS = STATIC / "i18n" / "widget"
WIDGET_THEMES = ("light", "dark", "auto")
# ``//= include NAME``: what scripts share (the sanitizer, the widget's language code),
# inlined so each script is one request.
INCLUDE = re.compile(r"^( *)//= include ([\w.]+)$", re.MULTILINE)

# News sites embed these at fixed URLs: cache briefly, then revalidate by ETag.
EMBED_MAX_AGE = 300
# The review page loads nothing but its own script and style and talks only to this origin.
REVIEW_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                 "img-src 'self' data:; base-uri 'none'; form-action 'none'; "
                 "frame-ancestors 'none'")
# The demo article: its own inline style (the widget's too), our scripts, no framing.
DEMO_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
               "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; "
               "frame-ancestors 'none'")


@bp.get("/embed.js")
def embed_js() -> Response:
    return _embeddable("embed.js")


@bp.get("/count.js")
def count_js() -> Response:
    return _embeddable("count.js")


@bp.get("/i18n/widget/<lang>.json")
def widget_catalog(lang: str) -> Response:
    """A language's words for embed.js and count.js, fetched from news sites' pages.
    ``send_from_directory`` refuses paths out of the folder and answers If-None-Match. A
    language we have no words for is a 404 that news sites' pages may read and cache too: the
    widget stays English, without a CORS error on every page view."""
    try:
        response = send_from_directory(WIDGET_CATALOGS, f"{lang}.json")
    except NotFound:
        response = error_response(404, "not_found", "No catalog for this language.")
    response.headers["Access-Control-Allow-Origin"] = "*"  # public words, read cross-origin
    return _for_news_sites(response)


@bp.get("/moderate/")
def review_page() -> Response:
    """In the moderator's language (``?lang=``, else Accept-Language): the template's words
    and, as a JSON data block, review.js's."""
    lang = review_catalogs.choose(request.args.get("lang"), request.accept_languages)
    response = Response(render_template(
        "review.html", lang=lang, dir=review_catalogs.direction(lang),
        t=review_catalogs.translator(lang), messages=review_catalogs.catalogs()[lang]))
    response.vary.add("Accept-Language")
    response.headers["Content-Security-Policy"] = REVIEW_POLICY
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/moderate/review.js")
def review_js() -> Response:
    """Revalidated on every load, so moderators never run a stale page after a deploy."""
    response = _script("review.js")
    response.cache_control.no_cache = True
    return response.make_conditional(request)


@bp.get("/moderate/review.css")
def review_css() -> Response:
    response = send_from_directory(STATIC, "review.css")
    response.cache_control.no_cache = True
    return response


@bp.get("/moderate/vendor/<path:filename>")
def review_vendor(filename: str) -> Response:
    """Third-party code the review page runs (uPlot for the dashboard), from our own origin:
    the page's CSP allows no other. ``send_from_directory`` refuses paths out of the folder."""
    response = send_from_directory(STATIC / "vendor", filename)
    response.cache_control.no_cache = True
    return response


@demo_bp.get("/")
def demo_article() -> Response:
    """A sample news article with the widget embedded, as a news site would do it; ``?lang=``
    and ``?theme=`` show the widget in another of its languages or themes."""
    languages = sorted(path.stem for path in WIDGET_CATALOGS.glob("*.json"))
    lang, theme = request.args.get("lang"), request.args.get("theme")
    response = Response(render_template(
        "article.html", site=demo.DEMO_SITE, article=demo.ARTICLE, others=demo.OTHER_ARTICLES,
        held_words=demo.HELD_WORDS, languages=languages, themes=WIDGET_THEMES,
        lang=lang if lang in languages else None, theme=theme if theme in WIDGET_THEMES else None))
    response.cache_control.no_cache = True
    response.headers["Content-Security-Policy"] = DEMO_POLICY
    response.headers["X-Frame-Options"] = "DENY"
    return response


def _embeddable(filename: str) -> Response:
    return _for_news_sites(_script(filename, minify=True)).make_conditional(request)


def _for_news_sites(response: Response) -> Response:
    response.cache_control.public = True
    response.cache_control.max_age = EMBED_MAX_AGE
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@cache
def bundled(filename: str) -> bytes:
    """The script with its includes inlined (read once per process)."""
    def inline(match: re.Match) -> str:
        indent, name = match.groups()
        lines = (STATIC / name).read_text().rstrip("\n").split("\n")
        return "\n".join(indent + line if line else line for line in lines)

    return INCLUDE.sub(inline, (STATIC / filename).read_text()).encode()


@cache
def minified(filename: str) -> bytes:
    """What news sites load: the bundle without comments and spacing (rjsmin), once per process,
    so the widget keeps to its size budget while its source stays readable."""
    return rjsmin.jsmin(bundled(filename).decode()).encode()


def _script(filename: str, *, minify: bool = False) -> Response:
    body = minified(filename) if minify else bundled(filename)
    response = Response(body, mimetype="text/javascript")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    if app.config["MODERATION_ENV"] != "production":
        app.register_blueprint(demo_bp)
