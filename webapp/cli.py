"""The ``aftercare`` command: database, processes, users, worker, audit and server."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import click
from flask.cli import FlaskGroup
from flask.cli import with_appcontext

from engine.domain import audit_chain
from engine.domain.actors import Actor
from engine.domain.errors import EngineError
from engine.domain.errors import InvalidProcess
from engine.domain.errors import InvalidRows
from engine.services import audit
from engine.services import calendar_days
from engine.services import cases
from engine.services import installation
from engine.services import notifications
from engine.services import outbox
from engine.services import processes
from engine.services import products
from engine.services import timers
from engine.services import users
from webapp import create_app
from webapp import engine_context
from webapp.security import KEY_FILE
from webapp.security import WeakSecretKey


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False)
def cli() -> None:
    """Aftercare after-sales service platform."""


def main() -> None:
    cli(prog_name="aftercare")


# Commands act as the system: whoever may run them owns the installation already.
COMMAND_LINE = Actor.system("cli")


@cli.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema and add SPEC's roles."""
    ctx = engine_context()
    added = installation.init_database(ctx, COMMAND_LINE)
    click.echo(f"database ready at {ctx.config.database_url} ({added} roles added)")
    for warning in calendar_days.calendar_warnings(ctx, COMMAND_LINE, date.today()):
        click.echo(f"warning: {warning}", err=True)


@cli.command("load-processes")
@click.argument("directory", default="processes", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def load_processes(directory: Path) -> None:
    """Deploy every diagram and decision table in DIRECTORY (idempotent)."""
    try:
        deployed = processes.load_directory(engine_context(), COMMAND_LINE, directory)
    except InvalidProcess as err:
        for problem in err.problems:
            click.echo(f"error: {problem}", err=True)
        raise SystemExit(1) from None
    for item in deployed:
        state = "deployed" if item.created else "unchanged"
        click.echo(f"{item.key} version {item.version} {state} ({item.sha256[:12]})")


@cli.command("create-user")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, help="Role id; repeat for several.")
@click.option("--password", default=None, help="Omit to create an account usable by API token only.")
@click.option("--display-name", default=None)
@with_appcontext
def create_user(name: str, roles: tuple[str, ...], password: str | None, display_name: str | None) -> None:
    """Create a staff account with one or more roles."""
    try:
        users.create_user(engine_context(), COMMAND_LINE, name, roles, password, display_name)
    except EngineError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"user {name} created with roles {', '.join(roles)}")


@cli.command("create-token")
@click.argument("name")
@click.option("--label", default="cli")
@with_appcontext
def create_token(name: str, label: str) -> None:
    """Create an API token for user NAME; the token alone is printed on the last line."""
    try:
        token = users.create_token(engine_context(), COMMAND_LINE, name, label)
    except EngineError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"token for {name} (shown once):")
    click.echo(token)


@cli.command("demo-data")
@with_appcontext
def demo_data() -> None:
    """Add one demo user per role and a dozen demo cases (demo only)."""
    from engine.services.demo_data import load as load_demo

    for line in load_demo(engine_context()):
        click.echo(line)


# The care plan (visits, renewal notices) changes by the day: looking every quarter hour is plenty.
CARE_EVERY_SECONDS = 900


@cli.command("worker")
@click.option("--once", is_flag=True, help="Run a single pass and exit.")
@click.option("--interval", default=15.0, show_default=True, help="Seconds between passes.")
@click.option("--unsupervised", is_flag=True, help="Run the loop in this process, without a supervisor.")
@with_appcontext
def worker(once: bool, interval: float, unsupervised: bool) -> None:
    """Fire due timers, start planned care, write the staff's reminders and deliver the outbox,
    once or forever (a supervisor restarts the loop if it ever dies). E-mail goes out when
    AFTERCARE_SMTP_HOST is set; until then it waits."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    ctx = engine_context()

    planned = [float("-inf")]  # when the care plan was last looked at (monotonic seconds)

    def deliver() -> None:
        if time.monotonic() - planned[0] >= CARE_EVERY_SECONDS:
            planned[0] = time.monotonic()
            started = cases.start_care_cases(ctx, timers.TIMER_ACTOR)
            if started:
                logging.getLogger("aftercare.care").info("started %s planned case(s)", started)
        reminded = notifications.remind(ctx, timers.TIMER_ACTOR)
        if reminded.due_soon or reminded.overdue or reminded.escalated:
            logging.getLogger("aftercare.reminders").info("%s", reminded)
        notifications.dispatch(ctx, timers.TIMER_ACTOR)
        notifications.send_digests(ctx, timers.TIMER_ACTOR)
        done = outbox.deliver_due(ctx, timers.TIMER_ACTOR)
        if done.sent or done.failed:
            logging.getLogger("aftercare.outbox").info("sent %s, failed %s", done.sent, done.failed)

    if once:
        fired = timers.TimerWorker(ctx).run_pass()
        deliver()
        click.echo(f"fired timers in {fired} case(s)")
        return
    if unsupervised:
        timers.TimerWorker(ctx, also=deliver).run_forever(interval)
        return
    supervise([sys.executable, "-m", "webapp.cli", "worker", "--unsupervised", "--interval", str(interval)])


def supervise(command: list[str], restarts: int | None = None) -> None:
    """Run ``command`` and start it again whenever it dies, waiting longer after quick deaths."""
    wait, started = 1.0, 0
    while restarts is None or started <= restarts:
        started += 1
        begun = time.monotonic()
        code = subprocess.call(command)  # noqa: S603 - our own command line
        if code == 0:
            return
        wait = 1.0 if time.monotonic() - begun > 60 else min(wait * 2, 60.0)
        click.echo(f"worker exited with status {code}; restarting in {wait:.0f} s", err=True)
        time.sleep(wait)


@cli.command("verify-audit")
@click.argument("case", required=False)
@with_appcontext
def verify_audit(case: str | None) -> None:
    """Check the audit hash chain and seal of CASE (a case number) or of every case, and the checkpoints."""
    ctx = engine_context()
    reports = audit.verify_all(ctx, COMMAND_LINE, case)
    if case and not reports:
        raise click.ClickException(f"no case {case}")
    broken = [r for r in reports if not r.ok]
    for report in broken:
        click.echo(f"BROKEN {report.case_number} at event {report.broken_seq}: {report.reason}", err=True)
    click.echo(f"{len(reports) - len(broken)} of {len(reports)} case chains verified")
    problems = [] if case else audit.checkpoint_problems(ctx, COMMAND_LINE)
    for problem in problems:
        click.echo(f"CHECKPOINT {problem}", err=True)
    if broken or problems:
        sys.exit(1)


@cli.command("audit-checkpoint")
@with_appcontext
def audit_checkpoint() -> None:
    """Append a signed checkpoint of every case's audit head (the worker does this hourly)."""
    count = audit.write_checkpoint(engine_context(), COMMAND_LINE)
    click.echo(f"checkpoint of {count} case heads written")


@cli.command("rotate-audit-key")
@with_appcontext
def rotate_audit_key() -> None:
    """Add a new audit key; new seals use it, older keys still verify older seals."""
    key_id = audit.rotate_key(engine_context(), COMMAND_LINE)
    click.echo(f"new audit key {key_id}; keep the whole key file: older seals need the older keys")


@cli.command("export-audit")
@click.argument("case")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="file to write (default: stdout)")
@with_appcontext
def export_audit(case: str, output: str | None) -> None:
    """Write the audit trail of CASE (a case number) as JSON, verifiable offline."""
    document = audit.export_trail(engine_context(), COMMAND_LINE, case)
    text = json.dumps(document, ensure_ascii=False, indent=1)
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)


@cli.command("verify-audit-file")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--key", "key_file", type=click.Path(exists=True, dir_okay=False), help="audit key file: check the seal too"
)
def verify_audit_file(path: str, key_file: str | None) -> None:
    """Verify an exported audit trail without the database (same as python3 engine/domain/audit_chain.py)."""
    sys.exit(audit_chain.main([path, "--key", key_file] if key_file else [path]))


@cli.command("import-products")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_products(path: str) -> None:
    """Add or update delivered units from a CSV or XLSX table (columns: docs/quality.md)."""
    try:
        count = products.import_units(engine_context(), COMMAND_LINE, Path(path).name, Path(path).read_bytes())
    except InvalidRows as err:
        for problem in err.problems:
            click.echo(f"row {problem.row}, {problem.column or '-'}: {problem.message}", err=True)
        raise click.ClickException(f"nothing imported: {len(err.problems)} problem(s)") from None
    click.echo(f"{count} products imported")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--threads", default=8, show_default=True)
def serve(host: str, port: int, threads: int) -> None:
    """Serve the web app with waitress (a production WSGI server)."""
    import os

    from waitress import serve as waitress_serve

    try:
        app = create_app()
    except WeakSecretKey as err:
        raise click.ClickException(str(err)) from None
    if not os.environ.get("AFTERCARE_SECRET_KEY"):
        click.echo(f"session key: {Path(app.instance_path) / KEY_FILE} (random, made on first start)", err=True)
    click.echo(f"Aftercare on http://{host}:{port}/")
    waitress_serve(app, host=host, port=port, threads=threads)


if __name__ == "__main__":
    main()
