"""The `casereview` command: serve, worker, chat, screen, policy check, migrate, purge and rekey."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from collections.abc import Sequence
from pathlib import Path
from typing import Any

logger = logging.getLogger("casereview")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    os.umask(0o077)  # every file the service makes (database, drop folder, keys) is private
    parser = argparse.ArgumentParser(
        prog="casereview",
        description=__doc__,
        epilog="Every setting comes from the environment and has a working default (SQLite in "
        "./instance, email and texts written to instance/maildrop); README.md lists them. "
        "Installed by `make run` as .venv/bin/casereview.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="the web service and the delivery worker")
    serve.add_argument("--no-worker", action="store_true", help="do not run the delivery worker")
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)),
                       help="web processes (WEB_CONCURRENCY, default 2)")  # fmt: skip
    serve.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", 4)),
                       help="request threads per web process (WEB_THREADS, default 4)")  # fmt: skip
    worker = commands.add_parser("worker", help="deliver queued email and texts only")
    worker.add_argument("--once", action="store_true", help="deliver what is due, then stop")
    chat = commands.add_parser("chat", help="talk to the bot in the terminal")
    chat.add_argument("--sms", action="store_true", help="as a text message would read")
    commands.add_parser("migrate", help="create or update the database tables")
    purge = commands.add_parser("purge", help="delete data older than the retention periods")
    purge.add_argument("--dry-run", action="store_true", help="say what would go, keep it")
    commands.add_parser("rekey", help="re-encrypt stored data with the first of DATA_KEYS")
    _add_operator_commands(commands)
    screen = commands.add_parser("screen", help="print the screening block for an intake record")
    screen.add_argument("file", help="an intake record (JSON)")
    screen.add_argument("--policy", default=None, help="a bundled policy name or a file path")
    screen.add_argument("--as-of", default=None, help="the request date, YYYY-MM-DD")
    route = commands.add_parser("route", help="print where a request from a postcode goes")
    route.add_argument("postcode", help="a full UK postcode")
    route.add_argument("--partnership", default=None, help="a bundled partnership or a file path")
    postcodes = commands.add_parser(
        "postcodes", help="build a partnership's postcode table from the ONS Postcode Directory"
    )
    postcodes.add_argument("partnership", help="a bundled partnership name or a file path")
    postcodes.add_argument("--out", default=None, help="where to write it (default: its file)")
    policy = commands.add_parser("policy", help="work with policy files")
    policy_commands = policy.add_subparsers(dest="policy_command", required=True)
    check = policy_commands.add_parser("check", help="validate and explain a policy")
    check.add_argument("policy", metavar="FILE|NAME", help="a policy file or a bundled name")
    args = parser.parse_args(argv)
    handlers = {
        "serve": _serve,
        "worker": _worker,
        "chat": _chat,
        "migrate": _migrate,
        "purge": _purge,
        "rekey": _rekey,
        "screen": _screen,
        "status": _status,
        "data-key": _data_key,
        "route": _route,
        "postcodes": _postcodes,
        "policy": _policy_check,
    }
    return handlers[args.command](args)


def _screen(args: argparse.Namespace) -> int:
    """Screen a record file; exit 2 with a clear message for bad input."""
    from dialogs.policy import PolicyError
    from dialogs.policy import load_policy
    from dialogs.screening import ScreeningInputError
    from dialogs.screening import screen

    def fail(message: str) -> int:
        print(f"casereview screen: {message}", file=sys.stderr)
        return 2

    try:
        policy = load_policy(args.policy or os.environ.get("CASEREVIEW_POLICY", "default"))
    except PolicyError as exc:
        return fail(str(exc))
    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else dt.date.today()
    except ValueError:
        return fail(f"--as-of must be a date written YYYY-MM-DD, not {args.as_of!r}")
    try:
        record = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return fail(f"no such file: {args.file}")
    except (OSError, UnicodeDecodeError) as exc:
        return fail(f"cannot read {args.file}: {exc}")
    except json.JSONDecodeError as exc:
        return fail(f"{args.file} is not valid JSON: {exc}")
    if not isinstance(record, dict):
        return fail("the file must hold one intake record (a JSON object)")
    try:
        result = screen(record, policy, as_of)
    except ScreeningInputError as exc:
        return fail(f"{args.file}: {exc}")
    print(json.dumps(result, indent=2))
    return 0


def _route(args: argparse.Namespace) -> int:
    """Print where a postcode's request goes (contract section 6); exit 2 for a non-postcode."""
    from dialogs.parsing import Invalid
    from dialogs.parsing import parse_postcode
    from dialogs.partnership import PartnershipError
    from dialogs.partnership import load_partnership
    from dialogs.policy import PolicyError
    from dialogs.policy import load_policy

    try:
        postcode = parse_postcode(args.postcode)
    except Invalid:
        print(f"casereview route: {args.postcode!r} is not a UK postcode", file=sys.stderr)
        return 2
    name = args.partnership or os.environ.get("CASEREVIEW_PARTNERSHIP")
    try:
        if not name:  # one council: every postcode goes to it
            policy = load_policy(os.environ.get("CASEREVIEW_POLICY", "default"))
            council = {"name": policy.area, "code": None}
            print(json.dumps({"postcode": postcode, "council": council, "candidates": [],
                              "in_area": True}, indent=2))  # fmt: skip
            return 0
        print(json.dumps(load_partnership(name).route(postcode).to_json(), indent=2))
    except (PartnershipError, PolicyError) as exc:
        print(f"casereview route: {exc}", file=sys.stderr)
        return 2
    return 0


def _postcodes(args: argparse.Namespace) -> int:
    """Cut the partnership's postcodes out of ONSPD and write its postcode table."""
    from bot.postcode_data import PostcodeDataError
    from bot.postcode_data import build
    from dialogs.partnership import PartnershipError
    from dialogs.partnership import load_partnership

    try:
        partnership = load_partnership(args.partnership)
        out = Path(args.out) if args.out else partnership.postcodes_path
        letters = set(partnership.postcode_letters) or {"A", "B", "C", "D", "E", "F", "G",
                      "H", "I", "J", "K", "L", "M", "N", "O", "P", "R", "S", "T", "U", "W", "Y",
                      "Z"}  # fmt: skip
        about = build({c.code for c in partnership.councils}, letters, out)
    except (PartnershipError, PostcodeDataError) as exc:
        print(f"casereview postcodes: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"written": str(out), **about}, indent=2))
    return 0


def _policy_check(args: argparse.Namespace) -> int:
    """Explain a policy and print its statutory warnings; exit 2 when it does not load."""
    from dialogs.policy import PolicyError
    from dialogs.policy import load_policy
    from dialogs.policy_check import describe
    from dialogs.policy_check import statutory_warnings

    try:
        policy = load_policy(args.policy)
    except PolicyError as exc:
        print(f"casereview policy check: {exc}", file=sys.stderr)
        return 2
    print("\n".join(describe(policy)))
    warnings = statutory_warnings(policy)
    for warning in warnings:
        print(f"Warning: {warning}")
    print(f"The policy loads, with {len(warnings)} warning(s).")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from bot import config
    from bot.db import migrate

    settings = config.load()
    before, after = migrate(settings["DATABASE_URL"])
    where = _safe_url(settings["DATABASE_URL"])
    if before is None:
        print(f"Created the tables in a new database ({where}).")
    elif before != after:
        print(f"Updated the database from revision {before} to {after} ({where}).")
    else:
        print(f"The database is already up to date ({where}).")
    return 0


def _purge(args: argparse.Namespace) -> int:
    """Delete what is past the policy's retention periods and say what went."""
    from bot import create_app
    from bot.conversation import utcnow
    from bot.maintenance import purge

    app = create_app()
    policy = app.extensions["casereview.policy"]
    done = purge(app.extensions["casereview.engine"], policy, utcnow(), dry_run=args.dry_run)
    print(("Dry run: nothing was deleted.\n" if args.dry_run else "") + done.describe(policy))
    return 0


def _rekey(args: argparse.Namespace) -> int:
    """Re-encrypt with the newest key, so older keys can be taken out of DATA_KEYS."""
    from bot import create_app
    from bot import vault
    from bot.keycheck import REMEDY
    from bot.maintenance import rekey

    app = create_app({"CHECK_DATA_KEYS": False})  # rekeying is how a key problem is put right
    done = rekey(app.extensions["casereview.engine"], vault(app.config))
    print(f"Re-encrypted {done.rewritten} stored values with the first key in DATA_KEYS.")
    if done.unreadable:
        message = (
            f"casereview rekey: {done.unreadable} stored values cannot be decrypted with any "
            f"key in DATA_KEYS and were left as they were.\n{REMEDY}"
        )
        print(message, file=sys.stderr)
        return 1
    return 0


def _safe_url(url: str) -> str:
    """A database URL with any password hidden, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _worker(args: argparse.Namespace) -> int:
    from bot import create_app
    from bot import deliverer

    app = create_app()
    worker = deliverer(app)
    if args.once:
        counts = worker.run_once()
        logger.info("delivery round: %s", counts)
        return 0
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    worker.run_forever(stop, app.config["OUTBOX_POLL_SECONDS"])
    return 0


def _in_child(work: Callable[[], object]) -> int:
    """Run `work` in a forked child and return its exit status (1 if it raised)."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            work()
        except BaseException:
            logger.exception("migrating the database failed")
            code = 1
        finally:
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def _serve(args: argparse.Namespace) -> int:
    """Web processes (waitress) and the delivery worker, under a supervisor (bot/serve.py)."""
    from bot import config
    from bot import create_app
    from bot import serve
    from bot.db import migrate
    from dialogs.parsing import warm_up

    serve.tune_heap()  # first, so start-up's own memory is in the one heap too
    settings = config.load()
    # Migrate in a forked child: the web processes fork from this one, and would each carry
    # Alembic (about 10 MB) they never use. A fork, not a new interpreter, keeps start-up quick.
    status = _in_child(lambda: migrate(settings["DATABASE_URL"]))
    if status != 0:
        return status
    warm_up()
    app = create_app()  # here, once: a key that cannot read the data stops the start
    app.extensions["casereview.engine"].dispose()
    # What start-up made (the app, dateparser's tables, the policies) lives as long as the
    # process: frozen, the garbage collector never walks it again in a web process, which
    # cut a turn's CPU by about a tenth, and its pages stay shared with the other processes.
    gc.freeze()
    sock = serve.listen(settings["HOST"], settings["PORT"])
    options = serve.waitress_options(app.config, args.threads)
    # Per process (the limit is inherited): as many connections as open files allow.
    options["connection_limit"] = serve.raise_file_limit(options["connection_limit"])
    run = serve.web_process(app, sock, options)
    children = [serve.Child(f"web process {n + 1}", serve.fork(run)) for n in range(args.workers)]
    if not args.no_worker:
        children.append(serve.Child("delivery worker", serve.spawn(serve.worker_command())))
    logger.info("serving on http://%s:%s", settings["HOST"], settings["PORT"])
    return serve.supervise(children)


def _chat(args: argparse.Namespace) -> int:
    """A conversation in the terminal, stored and delivered like any other."""
    from bot import config
    from bot import create_app
    from bot import deliverer
    from bot.conversation import Conversations
    from bot.db import migrate

    logging.basicConfig(level=logging.WARNING)
    migrate(config.load()["DATABASE_URL"])
    app = create_app()
    service: Conversations = app.extensions["casereview.conversations"]
    turn = service.start("sms" if args.sms else "terminal")
    while True:
        if args.sms:  # one text per turn, as the resident's phone shows it
            from dialogs.sms import render
            from dialogs.sms import segments

            text = render(turn.messages)
            print(f"\nbot ({len(text)} characters, {segments(text)} SMS)> {text}")
        for message in [] if args.sms else turn.messages:
            print(f"\nbot> {message}")
        if turn.done:
            break
        try:
            text = input("\nyou> ")
        except (EOFError, KeyboardInterrupt):
            print("\nBye. Your answers are saved for now, but nothing has been sent.")
            return 0
        turn = service.post(turn.session_id, text)
    if turn.reference:
        counts = deliverer(app).run_once()
        print(f"\n(delivery: {counts['sent']} sent, {counts['retry']} to retry)")
    return 0


# --- Operator commands: status and data-key (issue 12) ---------------------------------------


def _add_operator_commands(commands: Any) -> None:
    status = commands.add_parser("status", help="delivery, the outbox and the data keys")
    status.add_argument("--json", action="store_true", help="as JSON, for monitoring")
    commands.add_parser("data-key", help="print the data key derived from SECRET_KEY")


def _status(args: argparse.Namespace) -> int:
    """The outbox by state, the oldest due message, the last delivery, failed messages, and
    whether stored data decrypts with the current keys; exit 1 when something needs doing."""
    from sqlalchemy import select

    from bot import create_app
    from bot import db
    from bot import vault
    from bot.conversation import utcnow
    from bot.health import delivery
    from bot.keycheck import REMEDY
    from bot.keycheck import check
    from bot.tables import outbox
    from bot.tables import requests

    app = create_app({"CHECK_DATA_KEYS": False, "LOG_LEVEL": "WARNING"})
    engine = app.extensions["casereview.engine"]
    bound = app.config["OUTBOX_STALL_SECONDS"]
    with db.read(engine) as conn:
        state = delivery(conn, utcnow())
        failed = conn.execute(
            select(
                outbox.c.id,
                outbox.c.purpose,
                outbox.c.attempts,
                outbox.c.last_error,
                requests.c.reference,
            )
            .join(requests, requests.c.id == outbox.c.request_id)
            .where(outbox.c.status == "failed")
            .order_by(outbox.c.id)
        ).all()
    keys = check(engine, vault(app.config), sample=None)
    stalled = state.stalled(bound)
    if args.json:
        body = {
            "delivery": state.to_json(),
            "stalled": stalled,
            "failed": [
                {
                    "id": f.id,
                    "purpose": f.purpose,
                    "reference": f.reference,
                    "attempts": f.attempts,
                    "last_error": f.last_error,
                }
                for f in failed
            ],
            "keys": {"checked": keys.checked, "unreadable": keys.unreadable},
        }
        print(json.dumps(body, indent=2))
    else:
        counts = ", ".join(f"{n} {name}" for name, n in state.counts.items())
        print(f"Outbox: {counts}.")
        if state.oldest_due_seconds is None:
            print("Oldest due message: none waiting.")
        else:
            verdict = "STALLED" if stalled else "ok"
            print(f"Oldest due message: waiting {state.oldest_due_seconds:.0f} s "
                  f"({verdict}; the bound is {bound:g} s).")  # fmt: skip
        last = state.last_sent_at.isoformat(sep=" ") + " UTC" if state.last_sent_at else "never"
        print(f"Last delivery: {last}.")
        for f in failed:
            print(f"FAILED: message {f.id} ({f.purpose}) for {f.reference}, after "
                  f"{f.attempts} attempts: {f.last_error}")  # fmt: skip
        print(f"Data keys: {keys.describe()}.")
        if not keys.ok:
            print(REMEDY)
    return 1 if stalled or failed or not keys.ok else 0


def _data_key(args: argparse.Namespace) -> int:
    """The Fernet key derived from SECRET_KEY: set it in DATA_KEYS before changing SECRET_KEY."""
    from bot import config
    from bot.crypto import derived_key

    print(derived_key(config.load()["SECRET_KEY"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
