"""The terminal board's voice: announcements spoken one after another, never cut off.

Each announcement is a chime, then the sentence given on stdin to the hall's speech command
(`[voice] command`, default espeak-ng's Mandarin pinyin voice). The central renders the words
(hanzi, pinyin, English), so the board needs neither pypinyin nor the hall's template. When
the command's program is missing, the board says "voice off: … not found" and still chimes.
"""

from __future__ import annotations

import asyncio
import shlex
import shutil
from collections.abc import Callable
from typing import Literal

from client.display_models import Announcement

DEFAULT_COMMAND = "espeak-ng -v cmn-latn-pinyin"
VoiceInput = Literal["pinyin", "hanzi", "english"]
SPEAK_TIMEOUT_S = 30.0


def words(item: Announcement, given: VoiceInput) -> str:
    if given == "english" and item.text_en:
        return item.text_en
    return item.spoken if given == "hanzi" else item.pinyin


class VoiceQueue:
    def __init__(
        self,
        *,
        command: str = DEFAULT_COMMAND,
        given: VoiceInput = "pinyin",
        chime_command: str | None = None,
        bell: Callable[[], None] = lambda: None,
    ) -> None:
        self.argv = shlex.split(command)
        self.given = given
        self.chime_argv = shlex.split(chime_command) if chime_command else None
        self.bell = bell
        self._queue: asyncio.Queue[Announcement] = asyncio.Queue()
        self.spoken: list[int] = []  # announcement ids, in the order they were said

    @property
    def note(self) -> str | None:
        """Why the voice is off (None: on)."""
        if not self.argv:
            return "voice off: no speech command set"
        if shutil.which(self.argv[0]) is None:
            return f"voice off: {self.argv[0]} not found"
        return None

    def say(self, item: Announcement) -> None:
        self._queue.put_nowait(item)

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    async def run(self) -> None:
        """Forever: take the next announcement, chime, speak it to the end, then the next."""
        while True:
            item = await self._queue.get()
            await self._chime()
            if self.note is None:
                await _run(self.argv, words(item, self.given))
            self.spoken.append(item.id)

    async def _chime(self) -> None:
        if self.chime_argv and shutil.which(self.chime_argv[0]):
            await _run(self.chime_argv, "")
        else:
            self.bell()


async def _run(argv: list[str], text: str) -> None:
    """Run one command with `text` on stdin and wait for it; a failing engine is skipped."""
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
    except OSError:
        return
    try:
        await asyncio.wait_for(process.communicate(text.encode("utf-8")), SPEAK_TIMEOUT_S)
    except asyncio.TimeoutError:
        process.kill()
        await process.wait()
