"""Migration 0014: a comment's per-model score columns become one scores mapping, and back."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text, update

from moderation.extensions import db
from moderation.orm import Comment


def test_the_scores_move_into_the_mapping_and_back_out(app, post_comment):
    scored = post_comment(body="scored").get_json()["id"]
    unscored = post_comment(body="not scored yet").get_json()["id"]
    with app.app_context():
        db.session.execute(update(Comment).where(Comment.public_id == scored)
                           .values(scores={"spam": 0.83, "toxicity": 0.12}))
        db.session.execute(update(Comment).where(Comment.public_id == unscored)
                           .values(scores={}))
        db.session.commit()

        downgrade(revision="0013")
        columns = db.session.execute(
            text("SELECT public_id, spam_score, toxicity_score FROM comments")).all()
        assert {row[0]: tuple(row[1:]) for row in columns} == {scored: (0.83, 0.12),
                                                                unscored: (None, None)}

        db.session.execute(text("UPDATE comments SET toxicity_score = NULL WHERE public_id = :id"),
                           {"id": scored})
        db.session.commit()
        upgrade()
        stored = dict(db.session.execute(select(Comment.public_id, Comment.scores)).all())
        assert stored == {scored: {"spam": 0.83}, unscored: {}}
