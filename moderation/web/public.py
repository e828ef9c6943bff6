"""The public API the widget calls: submit, list, count, and the author's own comment."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask.views import MethodView

from ..comments import authoring, publishing, submission
from .bodies import require_json_body
from .cors import apply_cors
from .parsed_queries import PureQueryBlueprint
from .schemas import public as schemas

blp = PureQueryBlueprint("public", __name__, url_prefix="/api/v1",
                description="What the embedded widget calls (cross-origin).")
blp.after_request(apply_cors)

AUTHOR_TOKEN_HEADER = "X-Author-Token"
THREAD_PAGE = schemas.ThreadPage()  # schemas hold no request state: build once, dump often
PUBLIC_COMMENT = schemas.PublicComment()


blp.before_request(require_json_body)


@blp.route("/comments")
class Comments(MethodView):
    @blp.arguments(schemas.CommentSubmission())
    @blp.response(202, schemas.SubmissionAccepted)
    @blp.alt_response(422, schema=schemas.Error, description="Invalid fields, each named.")
    @blp.alt_response(409, schema=schemas.Error, description="Duplicate: the same text to "
                      "the same thread from the same address.")
    @blp.alt_response(429, schema=schemas.Error, description="Submission rate limit or flood "
                      "interval of the address; see Retry-After.")
    @blp.alt_response(403, schema=schemas.Error, description="Thread closed or origin refused.")
    def post(self, data):
        """Leave A Reply: store the comment and queue it for scoring.

        A duplicate is the same text (whatever its case and spacing) posted to the same
        thread from the same address (IP); the flood interval also counts per address.
        Neither looks at the email, so no answer tells whether the owner of an email wrote
        a comment: the same text from another address is a new comment, whatever its email.
        """
        accepted = submission.submit_comment(
            data, ip=request.remote_addr, origin=request.headers.get("Origin"))
        return {"id": accepted.public_id, "status": accepted.status,
                "author_token": accepted.author_token}

    @blp.arguments(schemas.ThreadQuery(), location="query")
    @blp.response(200, schemas.ThreadPage)
    @blp.alt_response(304, description="Not modified since the ETag given in If-None-Match.")
    def get(self, query):
        """Approved comments of one thread, oldest first by default."""
        site, key = query["site"], query["thread"]
        thread = publishing.published_thread(site, key)
        etag = publishing.thread_etag(thread, query)
        if request.if_none_match.contains_weak(etag):  # RFC 9110: weak comparison
            return _not_modified(etag)

        def render() -> bytes:
            page = publishing.approved_page(site, key, thread, sort=query["sort"],
                                            limit=query["limit"], cursor=query["cursor"])
            return jsonify(THREAD_PAGE.dump(page)).get_data()

        response = Response(publishing.cached_page(site, key, etag, render),
                            mimetype="application/json")
        response.set_etag(etag)
        return response


@blp.route("/counts")
@blp.arguments(schemas.CountsQuery(), location="query")
@blp.response(200, schemas.Counts)
def counts(query):
    """Approved comments per thread, for article lists."""
    return {"counts": publishing.approved_counts(query["site"], query["thread"])}


@blp.route("/comments/<comment_id>")
class OwnComment(MethodView):
    @blp.response(200, schemas.AuthorComment)
    @blp.alt_response(404, schema=schemas.Error)
    @blp.doc(parameters=[{"in": "header", "name": AUTHOR_TOKEN_HEADER, "required": False,
                          "schema": {"type": "string"}}])
    def get(self, comment_id):
        """One comment; with its author token, also while awaiting moderation."""
        comment, author = authoring.read_comment(comment_id, _token())
        # Others see only the public fields: dumped here, as the response schema is the author's.
        return comment if author else jsonify(PUBLIC_COMMENT.dump(comment))

    @blp.arguments(schemas.CommentEdit())
    @blp.response(200, schemas.AuthorComment)
    @blp.alt_response(403, schema=schemas.Error, description="Not the author's token, the "
                      "edit window is over, or the thread is closed (thread_closed).")
    @blp.alt_response(409, schema=schemas.Error, description="No longer changeable.")
    @blp.alt_response(429, schema=schemas.Error, description="Edit rate limit of the address, "
                      "or of the comment; see Retry-After.")
    def patch(self, data, comment_id):
        """Edit within the edit window, on an open thread; the new text is scored again."""
        return authoring.edit_comment(comment_id, _token(), data["body"])

    @blp.response(204)
    @blp.alt_response(403, schema=schemas.Error, description="Not the author's token, or the "
                      "edit window is over.")
    @blp.alt_response(409, schema=schemas.Error, description="No longer changeable.")
    @blp.alt_response(429, schema=schemas.Error, description="Rate limit of the address; see "
                      "Retry-After.")
    def delete(self, comment_id):
        """Delete within the edit window, also on a closed thread."""
        authoring.delete_comment(comment_id, _token())
        return ""


def _token() -> str | None:
    return request.headers.get(AUTHOR_TOKEN_HEADER)


def _not_modified(etag: str) -> Response:
    response = Response(status=304)
    response.set_etag(etag)
    return response
