"""Ops commands: ``moderation sites …``, ``threads close``, ``sweep``, ``serve`` (plus ``db``)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import threading
from contextlib import suppress

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from models.artifacts import ArtifactError

from .. import sites as site_service
from ..comments import data_requests
from ..comments.lookup import find_thread
from ..demo import demo
from ..extensions import db
from ..notifications import digest, subscriptions
from ..orm import Site
from ..outbox import relay, webhooks
from ..outbox.queueing import has_broker
from ..outbox.sweeping import sweep_pending
from ..platform.periodic import Periodic
from ..privacy import privacy
from ..privacy import rotation as key_rotation
from ..review import labels
from ..review import moderators as moderator_service
from ..scoring.checks.model_scores import parse_threshold, scorer, thresholds_for
from .schemas import AuthorExport, ModeratorLine, SiteSummary

sites = AppGroup("sites", help="Configure the news sites allowed to use the service.")
threads = AppGroup("threads", help="Manage article threads.")
moderators = AppGroup("moderators", help="Create, list and revoke moderator tokens.")
privacy_group = AppGroup("privacy", help="Data-subject requests: export or erase an address.")


def _policy_options(update: bool):
    """The policy options of ``sites create`` (with defaults) and ``sites update`` (without:
    an option not given keeps its value), so both take and check the same fields."""
    def default(value):
        return None if update else value

    options = [
        click.option("--name", help="Display name (defaults to the id)."),
        click.option("--origin", "origins", multiple=True, required=not update,
                     help="An origin allowed to embed the widget, e.g. https://news.example "
                          "(repeat; on update, replaces the list)."),
        click.option("--premoderate/--no-premoderate", default=default(False),
                     help="Hold every comment for a moderator."),
        click.option("--flood-interval", type=click.IntRange(min=0), default=default(15),
                     show_default=not update,
                     help="Seconds between two comments of one author or address."),
        click.option("--max-links", type=click.IntRange(min=0), default=default(2),
                     show_default=not update),
        click.option("--edit-window", type=click.IntRange(min=0), default=default(900),
                     show_default=not update,
                     help="Seconds an author may edit or delete their comment."),
        click.option("--blocked-word", "blocked_words", multiple=True,
                     help="Reject comments with it (repeat; on update, replaces the list)."),
        click.option("--held-word", "held_words", multiple=True,
                     help="Hold comments with it (repeat; on update, replaces the list)."),
        click.option("--auto-approve-after", type=click.IntRange(min=0), default=default(0),
                     show_default=not update,
                     help="With --premoderate: publish authors with this many approved "
                          "comments and none refused (at least 2; 0 turns it off)."),
        click.option("--auto-approve-verified-only/--auto-approve-anyone",
                     default=default(False),
                     help="Trust only authors who confirmed their address by email."),
        click.option("--erasure-mode", type=click.Choice(["anonymise", "delete"]),
                     default=default("anonymise"), show_default=not update,
                     help="What a privacy erasure does to an author's comments."),
        click.option("--mail-from", metavar="ADDRESS",
                     help="The From of the site's notification mail (default MAIL_FROM; "
                          "on update, '' goes back to it)."),
        click.option("--moderator-email", "moderator_emails", multiple=True, metavar="ADDRESS",
                     help="Send the moderators' digest here (repeat; on update, replaces the "
                          "list). No address, no digest."),
        click.option("--digest-held-age", type=click.IntRange(min=1), default=default(3600),
                     show_default=not update,
                     help="Digest once the oldest held comment is this many seconds old."),
        click.option("--digest-held-count", type=click.IntRange(min=1), default=default(20),
                     show_default=not update,
                     help="Digest once this many comments are held."),
        click.option("--digest-interval", type=click.IntRange(min=1), default=default(14400),
                     show_default=not update,
                     help="Seconds between two digests of the site, at least."),
    ]
    if update:
        options.append(click.option("--no-moderator-emails", is_flag=True,
                                    help="Remove every moderator address (no more digests)."))

    def decorate(command):
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def _policy(premoderate, flood_interval, max_links, edit_window, blocked_words, held_words,
            auto_approve_after, auto_approve_verified_only, erasure_mode, mail_from,
            moderator_emails, digest_held_age, digest_held_count, digest_interval,
            update: bool, no_moderator_emails: bool = False) -> dict:
    """The options as the site's fields; on update, unset lists change nothing."""
    def listed(given: tuple[str, ...]) -> list[str] | None:
        return list(given) if given or not update else None

    if no_moderator_emails and moderator_emails:
        raise click.UsageError("give --moderator-email or --no-moderator-emails, not both")
    return {"premoderate": premoderate, "flood_interval_seconds": flood_interval,
            "max_links": max_links, "edit_window_seconds": edit_window,
            "blocked_words": listed(blocked_words), "held_words": listed(held_words),
            "auto_approve_after": auto_approve_after,
            "auto_approve_verified_only": auto_approve_verified_only, "erasure_mode": erasure_mode,
            "mail_from": mail_from,
            "moderator_emails": [] if no_moderator_emails else listed(moderator_emails),
            "digest_held_age_seconds": digest_held_age, "digest_held_count": digest_held_count,
            "digest_interval_seconds": digest_interval}


@sites.command("create")
@click.argument("site_id")
@_policy_options(update=False)
@click.option("--if-missing", is_flag=True, help="Succeed quietly if the site exists.")
def create_site(site_id, name, origins, if_missing, **policy):
    """Create a site."""
    if db.session.get(Site, site_id):
        if if_missing:
            return
        raise click.ClickException(f"site {site_id!r} already exists")
    try:
        site = site_service.create_site(site_id, name, list(origins),
                                        **_policy(**policy, update=False))
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    click.echo(f"created site {site.id} for {', '.join(site.allowed_origins)}")


@sites.command("update")
@click.argument("site_id")
@_policy_options(update=True)
def update_site(site_id, name, origins, **policy):
    """Change a site's policy: only the options given, checked as on create."""
    try:
        site = site_service.update_site(site_id, name, list(origins),
                                        **_policy(**policy, update=True))
    except LookupError as error:
        raise click.ClickException(str(error)) from error
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    click.echo(f"updated site {site.id}")


@sites.command("webhook")
@click.argument("site_id")
@click.option("--url", help="Where to POST events (http or https); omit to turn webhooks off.")
def configure_webhook(site_id, url):
    """Set the site's webhook; prints a new signing secret once."""
    site = db.session.get(Site, site_id)
    if site is None:
        raise click.ClickException(f"no site {site_id!r}")
    if url and not url.startswith(("http://", "https://")):
        raise click.BadParameter("must be an http(s) URL", param_hint="--url")
    secret = secrets.token_urlsafe(32) if url else None
    site.webhook_url = url or None
    site.webhook_secret_ciphertext = privacy().seal_secret(secret) if secret else None
    db.session.commit()
    if warning := webhooks.url_warning(url):
        click.echo(f"warning: {warning}", err=True)
    if secret:
        click.echo(f"webhook for {site_id} set to {url}; give the site this signing secret:")
        click.echo(secret)
    else:
        click.echo(f"webhook for {site_id} turned off")


@sites.command("thresholds")
@click.argument("site_id")
@click.option("--set", "settings", multiple=True, metavar="MODEL.RULE=VALUE",
              help="e.g. toxicity.hold=0.7 (repeat); 1 turns a rule off.")
@click.option("--reset", is_flag=True, help="Back to the shipped models' thresholds.")
def site_thresholds(site_id, settings, reset):
    """Set the model thresholds of a site; prints the ones in force, as JSON."""
    site = db.session.get(Site, site_id)
    if site is None:
        raise click.ClickException(f"no site {site_id!r}")
    try:
        changes = [parse_threshold(setting) for setting in settings]
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--set") from error
    site_service.set_thresholds(site, changes, reset=reset)
    click.echo(json.dumps(thresholds_for(site, scorer().thresholds), sort_keys=True))


@sites.command("list")
def list_sites():
    """List sites and their policy, as JSON lines (moderator addresses masked)."""
    for site in db.session.scalars(select(Site).order_by(Site.id)):
        click.echo(json.dumps(_site_summary(site)))


@sites.command("show")
@click.argument("site_id")
def show_site(site_id):
    """Print one site's policy as JSON (moderator addresses masked)."""
    site = db.session.get(Site, site_id)
    if site is None:
        raise click.ClickException(f"no site {site_id!r}")
    click.echo(json.dumps(_site_summary(site), indent=2))


def _site_summary(site: Site) -> dict:
    return SiteSummary().dump(site_service.overview(site))


@threads.command("close")
@click.argument("site_id")
@click.argument("key")
def close_thread(site_id, key):
    """Close a thread to new comments."""
    thread = find_thread(site_id, key)
    if thread is None:
        raise click.ClickException("no such thread")
    thread.closed = True
    db.session.commit()
    click.echo(f"closed {site_id}/{key}")


@moderators.command("create")
@click.argument("name")
@click.option("--site", "site_id", help="The one site the token may moderate.")
@click.option("--all-sites", is_flag=True, help="Let the token moderate every site instead.")
@click.option("--role", type=click.Choice(moderator_service.ROLES), default="moderator",
              show_default=True)
def create_moderator(name, site_id, all_sites, role):
    """Create a moderator for one site (--site) or every site (--all-sites); prints the token
    once, as the last line."""
    if bool(site_id) == all_sites:
        # Every site by default was one forgotten option away from granting all tenants.
        raise click.UsageError("give either --site SITE or --all-sites")
    if site_id and db.session.get(Site, site_id) is None:
        raise click.BadParameter(f"no site {site_id!r}", param_hint="--site")
    try:
        moderator, token = moderator_service.create_moderator(name, site_id, role)
    except moderator_service.ModeratorExists as error:
        raise click.ClickException(str(error)) from error
    scope = moderator.site_id or "every site"
    click.echo(f"created {moderator.role} {moderator.name} for {scope}; "
               "the token is shown once, keep it safe:")
    click.echo(token)


@moderators.command("list")
def list_moderators():
    """List moderators (never their tokens), as JSON lines."""
    for moderator in moderator_service.list_moderators():
        click.echo(json.dumps(ModeratorLine().dump(moderator)))


@moderators.command("revoke")
@click.argument("name")
def revoke_moderator(name):
    """Revoke a moderator's token at once."""
    if not moderator_service.revoke_moderator(name):
        raise click.ClickException(f"no active moderator {name!r}")
    click.echo(f"revoked {name}")


@privacy_group.command("export")
@click.argument("email")
def export_email(email):
    """Print, as JSON, everything stored about EMAIL."""
    click.echo(json.dumps(AuthorExport().dump(data_requests.export_author(email)), indent=2,
                          ensure_ascii=False))


@privacy_group.command("erase")
@click.argument("email")
@click.confirmation_option(prompt="Erase this address and anonymise or delete its comments?")
def erase_email(email):
    """Erase EMAIL: its ciphertext and hashes go; comments are anonymised or deleted per site."""
    click.echo(f"erased: {data_requests.erase_author(email)} comments")


@privacy_group.command("undeliverable")
@click.argument("email")
def undeliverable(email):
    """Mark EMAIL undeliverable (a bounce or complaint): no site emails it again."""
    click.echo(f"marked undeliverable: {subscriptions.mark_undeliverable(email)} subscriptions")


@privacy_group.command("reencrypt")
def reencrypt():
    """Re-encrypt stored emails and webhook secrets under the first of EMAIL_ENCRYPTION_KEYS."""
    def report(rotation: key_rotation.Rotation) -> None:
        click.echo(f"re-encrypted {rotation.reencrypted} of {rotation.total}", err=True)

    rotation = key_rotation.reencrypt_all(report)
    if rotation.unreadable:
        raise click.ClickException(
            f"{rotation.unreadable} values are under none of EMAIL_ENCRYPTION_KEYS: put back "
            "the key they were encrypted with and run this again")
    click.echo(f"re-encrypted {rotation.reencrypted} emails and webhook secrets: keys after "
               "the first may now be removed from EMAIL_ENCRYPTION_KEYS")


@click.command("labels")
@with_appcontext
@click.option("--output", type=click.File("w"), default="-", show_default=True,
              help="Where to write the JSON lines.")
def export_labels(output):
    """Export moderator decisions as labelled examples (JSON lines) for model retraining."""
    count = 0
    for label in labels.moderator_labels():
        output.write(json.dumps(label, ensure_ascii=False) + "\n")
        count += 1
    click.echo(f"exported {count} labelled comments", err=True)


@click.command("retention")
@with_appcontext
def retention():
    """Drop IP hashes older than IP_RETENTION_DAYS (Celery beat runs this daily)."""
    days = current_app.config["IP_RETENTION_DAYS"]
    click.echo(f"dropped IP hashes of {data_requests.drop_expired_ip_hashes(days)} comments")


@click.command("sweep")
@with_appcontext
@click.option("--older-than", type=click.IntRange(min=0), default=None,
              help="Seconds a comment must have been pending (default SWEEP_AFTER_SECONDS).")
def sweep(older_than):
    """Enqueue comments left pending (e.g. accepted while the broker was down) and the
    notification emails owed by now."""
    age = current_app.config["SWEEP_AFTER_SECONDS"] if older_than is None else older_than
    click.echo(f"published {sweep_pending(age)} pending comments, deliveries and owed emails")


@click.command("digest")
@with_appcontext
def send_digests():
    """Send the moderators' digests that are due (beat runs this every DIGEST_CHECK_SECONDS;
    at most one per site per its digest interval, however often it runs)."""
    click.echo(f"sent the digests of {digest.send_due_digests()} sites")


@click.command("relay")
@with_appcontext
def relay_command():
    """Hand pending comments to the broker until stopped (the Procfile's ``relay``)."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        relay.run(current_app._get_current_object(), stop)
    except KeyboardInterrupt:
        stop.set()


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--workers", type=int, default=lambda: int(os.environ.get("WEB_CONCURRENCY", 2)))
@click.option("--threads", "thread_count", type=int, default=4, show_default=True)
def serve(host, port, workers, thread_count):
    """Serve the API with Granian (forked workers, each with a pool of threads); without a
    broker, each worker also runs the relay (it catches up on comments whose in-request
    scoring failed, and on owed mail) and sends the moderators' digests every
    DIGEST_CHECK_SECONDS (beat's job otherwise). Both are safe with several at once: a
    claim is taken once, a digest stamped once."""
    from ..platform import serving

    app = current_app._get_current_object()

    def background_work() -> None:
        relay.InProcessRelay(app)
        Periodic(app, app.config["DIGEST_CHECK_SECONDS"], digest.send_due_digests, "digests")

    # Loaded before the server forks, so the workers share them and a worker's first /readyz
    # is not a model load (seconds; 14 s under load, while PostgreSQL was down). A broken
    # artifact is left for /readyz to report.
    with suppress(ArtifactError):
        scorer()
    serving.serve(app, host=host, port=port, workers=workers, threads=thread_count,
                  in_each_worker=None if has_broker() else background_work)


def init_app(app: Flask) -> None:
    for command in (sites, threads, moderators, privacy_group, export_labels, retention, sweep,
                    send_digests, relay_command, serve, demo):
        app.cli.add_command(command)
