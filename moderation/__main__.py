"""The ``moderation`` command (and ``python -m moderation``): Flask's CLI over ``create_app``.

Apart from the package's ``cli`` so that nothing imported by ``create_app`` imports it back.
"""

from __future__ import annotations

from flask.cli import FlaskGroup

from . import create_app


def main() -> None:
    FlaskGroup(create_app=create_app, help="Comment moderation service.")(prog_name="moderation")


if __name__ == "__main__":
    main()
