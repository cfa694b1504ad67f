"""`counter report day|month [--date D] [--csv PATH]`: the report for a scheduled job.

Signs in with the token the workbench keeps for that central (or `--as STAFF_NO` with the
password in COUNTER_PASSWORD), fetches the report and writes the CSV (stdout without --csv).
Exit 0 and the file, or one line saying why not (exit 1).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from counter.core import i18n
from counter.core.i18n import t

EXIT_FAILED = 1


def add_parser(commands: Any, shared: Any) -> None:
    report = commands.add_parser(
        "report", help=t("cli.help_report"), description=t("cli.help_report")
    )
    shared(report)
    # trainees: a classroom's every trainee report (counter serve --demo; the trainer's account)
    report.add_argument("kind", choices=("day", "month", "trainees"))
    report.add_argument("--url", default=argparse.SUPPRESS, help=t("cli.help_url"))
    report.add_argument(
        "--as", dest="as_staff", metavar="STAFF_NO", default=argparse.SUPPRESS,
        help=t("cli.help_report_as"),
    )  # fmt: skip
    report.add_argument("--date", metavar="YYYY-MM-DD", help=t("cli.help_report_date"))
    report.add_argument("--csv", type=Path, metavar="PATH", help=t("cli.help_report_csv"))


def _say(message: str) -> int:
    print(t("cli.error", message=message), file=sys.stderr)
    return EXIT_FAILED


def run(args: argparse.Namespace, load: Any, fail: Any) -> int:
    config = load(args, {"central_url": getattr(args, "url", None), "lang": args.lang})
    i18n.set_language(getattr(args, "lang", None) or config.lang or i18n.detect_language())
    if config.central_url is None:
        return int(fail(t("cli.no_url", path=config.source or "config.toml")))
    day: date | None = None
    if args.date:
        try:
            day = date.fromisoformat(args.date)
        except ValueError:
            return _say(t("report.bad_date", given=args.date))
    return asyncio.run(_fetch(config, args, day))


async def _fetch(config: Any, args: argparse.Namespace, day: date | None) -> int:
    from client.api import CentralClient
    from client.errors import CentralError
    from counter.core.report_csv import report_csv, write_report

    client = CentralClient(
        config.central_url, timeout=config.timeout, verify=config.ca_bundle or True
    )
    try:
        if args.as_staff:
            password = os.environ.get("COUNTER_PASSWORD", "")
            if not password:
                return _say(t("report.no_password"))
            await client.login(args.as_staff, password)
        else:
            from counter.core.credentials import TokenStore

            cached = TokenStore().load(config.central_url)
            if cached is None:
                return _say(t("report.no_token", url=config.central_url))
            client.token = cached.token
        if args.kind == "trainees":
            from counter.core.classroom import trainees_report

            return await trainees_report(client, args.csv)
        report = await client.whole_report(args.kind, day)  # every page of cases
    except CentralError as error:
        return _say(error.message)
    finally:
        await client.aclose()
    if args.csv is None:
        sys.stdout.write(report_csv(report))
        return 0
    try:
        write_report(args.csv, report)
    except OSError as error:
        return _say(t("report.cannot_write", path=args.csv, reason=error.strerror or error))
    return 0
