"""`counter display`: the hall display board (URL, language, zone, voice on or off)."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from counter.core import i18n
from counter.core.i18n import t


def add_parser(commands: Any, shared: Any) -> None:
    display = commands.add_parser(
        "display", help=t("cli.help_display"), description=t("cli.help_display")
    )
    shared(display)
    display.add_argument("--url", default=argparse.SUPPRESS, help=t("cli.help_url"))
    display.add_argument("--queues", metavar="A,F", help=t("cli.help_display_queues"))
    display.add_argument("--windows", metavar="1-5", help=t("cli.help_display_windows"))
    display.add_argument(
        "--voice", action=argparse.BooleanOptionalAction, default=None,
        help=t("cli.help_display_voice"),
    )  # fmt: skip


def run(args: argparse.Namespace, load: Any, fail: Any) -> int:
    config = load(
        args,
        {
            "central_url": getattr(args, "url", None),
            "lang": getattr(args, "lang", None),
            "display_queues": args.queues,
            "display_windows": args.windows,
            "display_voice": args.voice,
        },
    )
    i18n.set_language(getattr(args, "lang", None) or config.lang or i18n.detect_language())
    if config.central_url is None:
        return int(fail(t("cli.no_url", path=config.source or "config.toml")))
    from client.api import CentralClient
    from counter.core.voice import VoiceQueue
    from counter.display_app import DisplayApp

    client = CentralClient(
        config.central_url, timeout=config.timeout, verify=config.ca_bundle or True
    )
    voice = (
        VoiceQueue(
            command=config.voice_command, given=config.voice_input, chime_command=config.voice_chime
        )
        if config.display_voice
        else None
    )
    from counter.core.credentials import TokenStore

    # The token is kept (OS keyring, else memory), so a restarted board does not ask again.
    app = DisplayApp(client=client, config=config, voice=voice, token_store=TokenStore())
    if voice is not None:
        voice.bell = app.bell

    async def main() -> None:
        try:
            await app.run_async()
        finally:
            await client.aclose()

    asyncio.run(main())
    return 0
