"""`counter serve --demo`: a classroom's central (see counter.demo.classroom).

    counter serve --demo [--port P] [--seed N] [--speed X] [--quiet]
                  [--trainees 1001,1002,…] [--scenario NAME] [--assign 1002=NAME …]

The hall is the demo hall on a fresh database in a temporary folder, deleted at the end: a
classroom never touches a real hall's data. Every mistake is one line, never a traceback.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from counter.core.i18n import t

SPEED_RANGE = (0.1, 1000.0)


def add_arguments(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--demo", action="store_true", help=t("classroom.help_demo"))
    serve.add_argument("--speed", type=float, default=1.0, metavar="X", help=t("cli.help_speed"))
    serve.add_argument("--quiet", action="store_true", help=t("cli.help_no_simulate"))
    serve.add_argument("--trainees", metavar="1001,1002", help=t("classroom.help_trainees"))
    serve.add_argument("--scenario", metavar="NAME|FILE", help=t("classroom.help_scenario"))
    serve.add_argument(
        "--assign", action="append", default=[], metavar="STAFF_NO=NAME",
        help=t("classroom.help_assign"),
    )  # fmt: skip


def _plan(args: argparse.Namespace) -> tuple[int, list[str], dict[str, Any]]:
    """(seed, trainees, staff_no → scenario), or ValueError with the sentence to say."""
    from counter.demo.classroom import DEFAULT_TRAINEES
    from counter.demo.scenario import ScenarioError, load

    try:
        seed = int(args.seed) if args.seed is not None else 1
    except ValueError:
        raise ValueError(t("classroom.bad_seed", got=args.seed)) from None
    trainees = [s.strip() for s in (args.trainees or "").split(",") if s.strip()]
    trainees = trainees or list(DEFAULT_TRAINEES)
    wanted: dict[str, str] = {}
    if args.scenario:
        wanted = dict.fromkeys(trainees, args.scenario)
    for pair in args.assign:
        staff_no, _, name = pair.partition("=")
        if not name or staff_no.strip() not in trainees:
            raise ValueError(t("classroom.bad_assign", got=pair, trainees=", ".join(trainees)))
        wanted[staff_no.strip()] = name.strip()
    scenarios: dict[str, Any] = {}
    loaded: dict[str, Any] = {}
    for staff_no, name in wanted.items():
        try:
            scenarios[staff_no] = loaded.setdefault(name, None) or load(name)
            loaded[name] = scenarios[staff_no]
        except ScenarioError as exc:
            raise ValueError(t("training.bad_scenario", reason=str(exc))) from None
    return seed, trainees, scenarios


def serve_classroom(args: argparse.Namespace, fail: Callable[[str], int]) -> int:
    low, high = SPEED_RANGE
    if not low <= args.speed <= high:
        return fail(t("cli.bad_speed", low=low, high=int(high), got=args.speed))
    try:
        seed, trainees, scenarios = _plan(args)
        from central.serve import run
        from central.settings import Settings
        from counter.demo.classroom_app import make_classroom
    except ValueError as exc:
        return fail(str(exc))
    except ImportError as exc:
        return fail(t("cli.server_missing", command="counter serve --demo", module=exc.name))
    folder = Path(tempfile.mkdtemp(prefix="counter-classroom-"))
    settings = Settings(db_path=str(folder / "classroom.db"), seed="demo", kdf_fast=True)

    def extend(app: Any) -> None:
        make_classroom(
            app,
            seed=seed,
            speed=args.speed,
            trainees=trainees,
            assignments=scenarios,
            simulate=not args.quiet,
            after=lambda: shutil.rmtree(folder, ignore_errors=True),
        )

    print(
        t("classroom.banner", port=args.port, trainees=", ".join(trainees), seed=seed),
        file=sys.stderr,
    )
    try:
        run(host=args.host, port=args.port, settings=settings, extend=extend)
    except ValueError as exc:  # a trainee who is no clerk with a window
        return fail(str(exc))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0
