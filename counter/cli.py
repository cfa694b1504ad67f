"""The `counter` command.

    counter [--url URL] [--lang zh|en] [--config PATH] [--as STAFF_NO]   the workbench
    counter demo [--seed N] [--as clerk|supervisor] [--speed X]          a simulated hall
    counter serve [--host H] [--port P] [--db PATH] [--seed demo]        the central API

The start-up path of the workbench imports neither FastAPI nor SQLAlchemy nor pypinyin: the
server parts are imported only under `demo` and `serve`. Every expected failure (a wrong config
value, a missing URL, the server parts not installed) is one line on stderr and exit code 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from counter.core import i18n
from counter.core.config import Config, ConfigError, config_path, load_config
from counter.core.i18n import t

if TYPE_CHECKING:
    from client.api import CentralClient
    from counter.demo import DemoHall

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
SPEED_RANGE = (0.1, 1000.0)
# `counter demo --as ROLE`: the keys of counter.demo.hall.DEMO_LOGINS
# (not imported: --help stays light).
DEMO_ROLES = ("clerk", "supervisor")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (plus usage) and exit code 2, in our language."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, t("cli.error", message=message) + "\n")


def _lang_from_argv(argv: Sequence[str]) -> str | None:
    """--lang before parsing, so --help and parse errors already speak the right language."""
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


# The workbench's own options that take a value (see parse_args).
_VALUE_OPTIONS = ("--url", "--lang", "--config", "--as")


def _workbench_only(argv: Sequence[str]) -> bool:
    """True when argv holds only the workbench's own options: no subcommand, no --help."""
    value_next = False
    for arg in argv:
        if value_next:
            value_next = False
        elif arg in _VALUE_OPTIONS:
            value_next = True
        elif arg != "--version" and not arg.startswith(tuple(f"{o}=" for o in _VALUE_OPTIONS)):
            return False  # a subcommand, --help, or anything the full parser must judge
    return not value_next


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """`counter --url …` (the clerk's start) parses without the subcommands: building those
    imports the display's, the kiosk printer's, the reports' and the classroom's modules."""
    if _workbench_only(argv):
        args = build_parser(commands=False).parse_args(argv)
        args.command = None
        return args
    return build_parser().parse_args(argv)


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    parser = _Parser(prog="counter", description=t("cli.description"), epilog=t("cli.epilog"))
    parser.add_argument("--url", help=t("cli.help_url"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help=t("cli.help_lang"))
    parser.add_argument(
        "--config", type=Path, metavar="PATH", help=t("cli.help_config", path=config_path())
    )
    parser.add_argument("--version", action="store_true", help=t("cli.help_version"))
    parser.add_argument("--as", dest="as_staff", metavar="STAFF_NO", help=t("cli.help_as"))
    if not commands:
        return parser
    return _add_commands(parser)


def _add_commands(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    commands = parser.add_subparsers(
        dest="command", metavar="{demo,serve,display,kiosk-print,report,calendar}"
    )

    # The shared options again, so `counter demo --lang en` works as well as `counter --lang en
    # demo`; SUPPRESS keeps the subcommand from overwriting a value given before it.
    def shared(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--lang", choices=i18n.LANGUAGES, default=argparse.SUPPRESS, help=t("cli.help_lang")
        )
        sub.add_argument(
            "--config",
            type=Path,
            metavar="PATH",
            default=argparse.SUPPRESS,
            help=t("cli.help_config", path=config_path()),
        )

    demo = commands.add_parser("demo", help=t("cli.help_demo"), description=t("cli.help_demo"))
    shared(demo)
    demo.add_argument("--seed", type=int, default=1, metavar="N", help=t("cli.help_seed"))
    demo.add_argument("--as", dest="as_role", choices=DEMO_ROLES, help=t("cli.help_demo_as"))
    demo.add_argument("--speed", type=float, default=1.0, metavar="X", help=t("cli.help_speed"))
    demo.add_argument("--quiet", action="store_true", help=t("cli.help_no_simulate"))
    demo.add_argument("--scenario", metavar="NAME|FILE", help=t("training.help_scenario"))
    demo.add_argument("--report", type=Path, metavar="PATH", help=t("training.help_report"))
    demo.add_argument(
        "--list-scenarios", action="store_true", help=t("training.help_list_scenarios")
    )

    from counter.display_cli import add_parser as add_display

    add_display(commands, shared)  # counter display: the hall display board

    from counter.kiosk_print import add_parser as add_kiosk_print

    add_kiosk_print(commands, shared)  # counter kiosk-print: the kiosk box's slip printer

    from counter.report_cli import add_parser as add_report

    add_report(commands, shared)  # counter report: day and month reports for a scheduled job

    serve = commands.add_parser("serve", help=t("cli.help_serve"), description=t("cli.help_serve"))
    serve.add_argument(
        "--lang", choices=i18n.LANGUAGES, default=argparse.SUPPRESS, help=t("cli.help_lang")
    )
    # For serve, --config is the central's own file (central.toml), not the terminal's.
    serve.add_argument(
        "--config", type=Path, metavar="FILE", default=None, help=t("cli.help_central_config")
    )
    serve.add_argument("--host", default="127.0.0.1", help=t("cli.help_host"))
    serve.add_argument("--port", type=int, default=8080, help=t("cli.help_port"))
    # A str, not a Path: Path would fold the // of a URL given here by mistake.
    serve.add_argument("--db", metavar="PATH", help=t("cli.help_db", path=default_db_path()))
    serve.add_argument("--db-url", metavar="URL", help=t("cli.help_db_url"))
    serve.add_argument("--seed", default=None, metavar="demo|FILE", help=t("cli.help_serve_seed"))
    serve.add_argument("--catalog", type=Path, metavar="FILE", help=t("cli.help_catalog"))
    serve.add_argument("--workers", type=int, metavar="N", help=t("cli.help_workers"))
    from counter.demo.classroom_cli import add_arguments as add_classroom

    add_classroom(serve)  # counter serve --demo: a classroom

    calendar = commands.add_parser("calendar", help=t("cli.help_calendar"))
    steps = calendar.add_subparsers(dest="calendar_command", required=True, metavar="{import}")
    notice = steps.add_parser("import", help=t("cli.help_calendar_import"))
    notice.add_argument(
        "--lang", choices=i18n.LANGUAGES, default=argparse.SUPPRESS, help=t("cli.help_lang")
    )
    notice.add_argument("file", type=Path, metavar="FILE", help=t("cli.help_calendar_file"))
    notice.add_argument("--dir", type=Path, default=Path(), help=t("cli.help_calendar_dir"))
    return parser


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("counter", appauthor=False) / "central.db"


def _fail(message: str) -> int:
    print(t("cli.error", message=message), file=sys.stderr)
    return EXIT_USAGE


def _load(args: argparse.Namespace, overrides: dict[str, Any]) -> Config:
    path: Path | None = args.config
    if path is not None and not path.exists():
        raise ConfigError(path, t("config.missing_file"))
    return load_config(path, overrides=overrides, themes=_themes())


def _themes() -> list[str]:
    """The theme names a config may choose: Textual's own (the App loads Textual anyway)."""
    from textual.theme import BUILTIN_THEMES

    return list(BUILTIN_THEMES)


def _use_language(args: argparse.Namespace, config: Config | None) -> None:
    lang = args.lang or (config.lang if config else None) or i18n.detect_language()
    i18n.set_language(lang)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    early = _lang_from_argv(argv)
    i18n.set_language(early if early in i18n.LANGUAGES else i18n.detect_language())
    args = parse_args(argv)
    if args.version:
        from counter.version import version

        print(f"counter {version()}")
        return 0
    try:
        if args.command == "serve":
            return _serve(args)
        if args.command == "display":
            from counter.display_cli import run as run_display

            return run_display(args, _load, _fail)
        if args.command == "kiosk-print":
            from counter.kiosk_print import run as run_kiosk_print

            return run_kiosk_print(args, _load, _fail)
        if args.command == "report":
            from counter.report_cli import run as run_report

            return run_report(args, _load, _fail)
        if args.command == "demo":
            return _demo(args)
        if args.command == "calendar":
            from counter.calendar_import import run as run_calendar

            return run_calendar(args.file, args.dir)
        return _workbench(args)
    except ConfigError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return EXIT_INTERRUPTED


# --- the workbench against a real central API -----------------------------------------------


def _workbench(args: argparse.Namespace) -> int:
    config = _load(args, {"central_url": args.url, "lang": args.lang})
    _use_language(args, config)
    if config.central_url is None:
        return _fail(t("cli.no_url", path=config.source or args.config or config_path()))
    try:
        from counter.app import make_app
    except ImportError as exc:
        return _fail(t("cli.app_missing", module=exc.name or exc))

    from client.api import CentralClient
    from counter.core.credentials import TokenStore

    verify: bool | str = config.ca_bundle or True
    client = CentralClient(config.central_url, timeout=config.timeout, verify=verify)
    # Only the staff number is known here: an empty password asks for it on the login screen.
    login_as = (args.as_staff, "") if args.as_staff else None
    app = make_app(client=client, config=config, token_store=TokenStore(), login_as=login_as)
    return _run(app, client, None)


def _run(app: Any, client: CentralClient, demo: DemoHall | None) -> int:
    """Run the Textual app in one event loop with the demo hall (if any) around it."""

    async def run() -> Any:
        try:
            if demo is not None:
                await demo.start()
            return await app.run_async()
        finally:
            if demo is not None:
                await demo.aclose()
            await client.aclose()

    asyncio.run(run())
    code = getattr(app, "return_code", 0)
    return code if isinstance(code, int) else 0


# --- the demo hall ----------------------------------------------------------------------------


def _demo(args: argparse.Namespace) -> int:
    # The demo never connects anywhere, so [central] of the config file is read but not used:
    # dropped here, so tokens and intake drafts are never filed under the real central's address.
    config = replace(_load(args, {"lang": getattr(args, "lang", None)}), central_url=None)
    _use_language(args, config)
    low, high = SPEED_RANGE
    if not low <= args.speed <= high:
        return _fail(t("cli.bad_speed", low=low, high=int(high), got=args.speed))
    if args.list_scenarios:
        from counter.demo.training_cli import list_scenarios

        return list_scenarios()
    scenario = None
    if args.scenario:
        from counter.demo.training_cli import read_scenario

        scenario = read_scenario(args.scenario)
        if scenario is None:
            return EXIT_USAGE
    try:
        from counter.app import make_app
        from counter.demo import DEMO_LOGINS, DEMO_PASSWORD, build_demo
    except ImportError as exc:
        return _fail(t("cli.app_missing", module=exc.name or exc))
    try:
        # A scenario's hall holds its scripted citizens only: no colleague takes them first.
        simulate = not args.quiet and scenario is None
        hall = build_demo(seed=args.seed, simulate=simulate, speed=args.speed)
    except ImportError as exc:
        return _fail(t("cli.server_missing", command="counter demo", module=exc.name or exc))
    if scenario is not None:
        hall.use_scenario(scenario, args.report)

    login_as: tuple[str, str] | None = None
    if args.as_role:
        login_as = hall.login_for(args.as_role)
        window = hall.account(DEMO_LOGINS[args.as_role]).window
        if window is not None and hall.simulator is not None:
            hall.simulator.exclude_windows.add(window)
        if args.as_role == "supervisor":
            from counter.demo.hall import HISTORY_DAYS

            hall.history_days = HISTORY_DAYS  # the ledger, 差评 and reports have a past

    from counter.core.credentials import TokenStore

    speed = f"{args.speed:g}"
    print(t("cli.demo_banner", seed=args.seed, speed=speed), file=sys.stderr)
    print(t("cli.demo_accounts", password=DEMO_PASSWORD), file=sys.stderr)
    app = make_app(
        client=hall.client,
        config=config,
        demo=hall,
        # Demo tokens must not outlive the demo: never the OS keyring.
        token_store=TokenStore(use_keyring=False),
        login_as=login_as,
    )
    if scenario is not None:
        from counter.demo.training_cli import banner

        print(banner(scenario), file=sys.stderr)
    code = _run(app, hall.client, hall)
    if scenario is not None:
        from counter.demo.training_cli import say_report

        say_report(hall)
    print(t("cli.demo_closed"), file=sys.stderr)
    return code


# --- the central API over HTTP --------------------------------------------------------------


def _serve(args: argparse.Namespace) -> int:
    if args.lang:
        i18n.set_language(args.lang)
    if not 1 <= args.port <= 65535:
        return _fail(t("cli.bad_port", got=args.port))
    if args.demo:
        from counter.demo.classroom_cli import serve_classroom

        return serve_classroom(args, _fail)
    try:
        from central.serve import run
    except ImportError as exc:
        return _fail(t("cli.server_missing", command="counter serve", module=exc.name or exc))
    from central.settings import SettingsError, load_settings, redact

    if args.db and _URL_LIKE.match(args.db):
        return _fail(t("cli.db_is_url", got=redact(args.db)))
    try:
        settings = load_settings(
            args.config,
            db_path=args.db,
            db_url=args.db_url,
            seed=args.seed,
            catalog_path=str(args.catalog) if args.catalog else None,
            workers=args.workers,
        )
    except SettingsError as exc:
        return _fail(str(exc))
    # The central makes a missing folder itself (0700: the database holds ID numbers).
    if not settings.db_url and "db_path" not in settings.model_fields_set:
        settings.db_path = str(default_db_path())
    try:
        run(host=args.host, port=args.port, settings=settings)
    except Exception as exc:  # the database unreachable, a broken catalog …: one line
        if type(exc).__module__.split(".")[0] not in ("sqlalchemy", "psycopg", "central"):
            raise
        return _fail(redact(str(exc).splitlines()[0]))
    return 0


# postgresql+psycopg://…, sqlite:///…: a scheme then a slash (C:\… and C:/… are paths).
_URL_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:/")
