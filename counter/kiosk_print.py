"""`counter kiosk-print`: on the kiosk box, print each ticket the kiosk issues on a receipt
printer driven by a command (`[print] command`, e.g. `lp -d receipt`), the slip as text on stdin.

It signs in with the kiosk's device account (`[kiosk] account` / `password`), follows the hall's
events and, on each queue change, asks the central for the slips this kiosk issued since the last
one it printed. Tickets issued before it started are not printed again.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import shlex
import subprocess
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from client.api import CentralClient
from client.hall_time import HALL_TZ
from client.live import LiveEvents
from counter.core import i18n
from counter.core.i18n import t

if TYPE_CHECKING:  # `counter --help` and the workbench build this command's parser only
    from client.device_models import TicketSlip


def slip_text(slip: TicketSlip) -> str:
    """The slip as plain text for a receipt printer (times in the hall's time)."""
    hall_time = HALL_TZ
    issued = slip.issued_at.astimezone(hall_time).strftime("%Y-%m-%d %H:%M")
    lines = [slip.hall, "", slip.number, f"{slip.queue} {slip.queue_name}"]
    if slip.kind == "green":
        lines.append(t("kiosk.green"))
    if slip.appointment_at is not None:
        slot = slip.appointment_at.astimezone(hall_time).strftime("%H:%M")
        lines.append(t("kiosk.appointment", slot=slot))
    lines += [t("kiosk.ahead", n=slip.ahead), t("kiosk.issued", time=issued)]
    if slip.bring:
        lines.append(slip.bring)
    return "\n".join(lines) + "\n\n\n"


def print_slip(command: str, slip: TicketSlip) -> None:
    """Run the print command once with the slip on stdin; a failing printer says so."""
    done = subprocess.run(
        shlex.split(command),
        input=slip_text(slip).encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise OSError(done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}")


async def follow(
    client: CentralClient,
    command: str,
    say: Callable[[str], None],
    *,
    stop: asyncio.Event | None = None,
) -> None:
    """Print every slip this kiosk issues from now on, until `stop` is set."""
    from client.device_api import new_slips

    printed = max((s.ticket_id for s in await new_slips(client, 0)), default=0)
    say(t("kiosk.following", after=printed))

    async def catch_up() -> None:
        nonlocal printed
        for slip in await new_slips(client, printed):
            try:
                await asyncio.to_thread(print_slip, command, slip)
                say(t("kiosk.printed", number=slip.number))
            except OSError as exc:
                say(t("kiosk.print_failed", number=slip.number, error=str(exc)))
            printed = slip.ticket_id

    async def listen() -> None:
        async for event in LiveEvents(client, poll_interval=5.0):
            if event.type == "queue.changed":
                await catch_up()

    task = asyncio.create_task(listen())
    try:
        if stop is None:
            await task
        else:
            await stop.wait()
    finally:
        task.cancel()


def add_parser(commands: Any, shared: Any) -> None:
    sub = commands.add_parser(
        "kiosk-print", help=t("cli.help_kiosk_print"), description=t("cli.help_kiosk_print")
    )
    shared(sub)
    sub.add_argument("--url", default=argparse.SUPPRESS, help=t("cli.help_url"))


def run(args: argparse.Namespace, load: Any, fail: Any) -> int:
    config = load(args, {"central_url": getattr(args, "url", None)})
    i18n.set_language(getattr(args, "lang", None) or config.lang or i18n.detect_language())
    if config.central_url is None:
        return int(fail(t("cli.no_url", path=config.source or "config.toml")))
    if not config.print_command:
        return int(fail(t("kiosk.no_command", path=config.source or "config.toml")))
    account = config.kiosk_account or input(t("kiosk.ask_account"))
    password = config.kiosk_password or getpass.getpass(t("kiosk.ask_password"))

    async def main() -> None:
        client = CentralClient(
            config.central_url, timeout=config.timeout, verify=config.ca_bundle or True
        )
        try:
            await client.login(account, password)
            await follow(client, config.print_command, lambda line: print(line, file=sys.stderr))
        finally:
            await client.aclose()

    asyncio.run(main())
    return 0
