"""The moderation API: the queue, one comment, decisions, bans and the audit trail."""

from __future__ import annotations

from flask_smorest import Blueprint

from models import registry

from ..lifecycle import MODERATOR_ACTIONS
from ..review import actions, audit, stats
from ..review import queue as review_queue
from .auth import current_moderator, require_moderator, require_site
from .bodies import require_json_body
from .schemas import review as schemas
from .schemas.public import Error

blp = Blueprint("moderation", __name__, url_prefix="/api/v1/moderation",
                description="For moderators (Authorization: Bearer <token>).")
blp.before_request(require_moderator)
blp.before_request(require_json_body)


@blp.route("/actions")
@blp.response(200, schemas.ModeratorActions)
def moderator_actions():
    """What moderators can do to a comment, from the one lifecycle table: the review page
    draws its buttons and keys from these rows."""
    return {"actions": list(MODERATOR_ACTIONS.values())}


@blp.route("/models")
@blp.response(200, schemas.ScoringModels)
def scoring_models():
    """The models that score comments, from the one model registry: the review page shows
    each one's ``score_key`` under its title."""
    return {"models": registry.MODELS}


def _admin() -> bool:
    return current_moderator().role == "admin"


@blp.route("/queue")
@blp.arguments(schemas.QueueQuery, location="query")
@blp.response(200, schemas.QueuePage)
def queue(query):
    """Comments awaiting a decision, riskiest first by default."""
    return review_queue.queue_page(_scoped_site(query), **query, admin=_admin())


@blp.route("/comments/<comment_id>")
@blp.response(200, schemas.ReviewCommentDetail)
def comment(comment_id):
    """One comment with scores, reasons, author history and status history."""
    return review_queue.comment_detail(actions.comment_for(current_moderator(), comment_id),
                                       admin=_admin())


@blp.route("/comments/<comment_id>/decision", methods=["POST"])
@blp.arguments(schemas.DecisionRequest)
@blp.response(200, schemas.ReviewCommentDetail)
@blp.alt_response(409, schema=Error, description="Not a decision this comment can take now, "
                  "or another moderator decided it first.")
def decide(data, comment_id):
    """approve | reject | spam a comment awaiting a decision; takedown a published one."""
    decided = actions.decide(current_moderator(), comment_id, data["decision"],
                             data.get("reason"))
    return review_queue.comment_detail(decided, admin=_admin())


@blp.route("/decisions", methods=["POST"])
@blp.arguments(schemas.BulkRequest)
@blp.response(200, schemas.BulkResponse)
def decide_many(data):
    """Up to 500 decisions; each succeeds or fails on its own, reported per item."""
    results = actions.decide_many(current_moderator(), data["decisions"])
    succeeded = sum(result.ok for result in results)
    return {"results": results, "succeeded": succeeded, "failed": len(results) - succeeded}


@blp.route("/comments/<comment_id>/ban", methods=["POST"])
@blp.arguments(schemas.BanRequest)
@blp.response(201, schemas.BanResponse)
@blp.alt_response(409, schema=Error, description="The author's identity was erased.")
def ban(data, comment_id):
    """Reject every future comment of this comment's author on the site."""
    actions.ban_author(current_moderator(), comment_id, data.get("reason"))
    return {"banned": True}


@blp.route("/comments/<comment_id>/ban", methods=["DELETE"])
@blp.response(200, schemas.BanResponse)
def unban(comment_id):
    """Lift the ban on this comment's author."""
    actions.lift_ban(current_moderator(), comment_id)
    return {"banned": False}


@blp.route("/audit")
@blp.arguments(schemas.AuditQuery, location="query")
@blp.response(200, schemas.AuditPage)
def audit_log(query):
    """Who decided what, when, from which status to which; newest first."""
    return audit.audit_page(_scoped_site(query), **query)


@blp.route("/stats")
@blp.arguments(schemas.StatsQuery, location="query")
@blp.response(200, schemas.Stats)
def site_stats(query):
    """The dashboard: outcomes, automatic against moderator decisions, time to decision, the
    queue and the top reasons for holding, per hour or day (definitions in review/stats.py).

    An outcome is every move into approved, held, spam or rejected, counted in its bucket; a
    takedown counts as taken down. Time to decision runs from submission to the first
    approved, spam or rejected. The queue is as it is now."""
    return stats.site_stats(_scoped_site(query), **query)


def _scoped_site(query: dict) -> str:
    """Take the site out of the query, refusing a token scoped to another site."""
    site = query.pop("site")
    require_site(site)
    return site
