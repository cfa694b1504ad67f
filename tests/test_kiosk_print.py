"""`counter kiosk-print` against the real central in-process: it follows the hall's events and
prints each ticket this kiosk issues, once, through the print command (a stand-in printer that
appends what it is given to a file); earlier tickets and other issuers' tickets are not printed."""

from __future__ import annotations

import asyncio
import shlex
import sys
from pathlib import Path

from counter.core import i18n
from counter.kiosk_print import follow
from tests.conftest import ClientFactory


async def _until(check: object, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def test_kiosk_print_prints_each_new_ticket_once(
    make_client: ClientFactory, tmp_path: Path
) -> None:
    i18n.set_language("zh")
    paper = tmp_path / "paper.txt"
    script = f"import sys; open({str(paper)!r}, 'a').write(sys.stdin.read() + '---\\n')"
    command = f"{shlex.quote(sys.executable)} -c {shlex.quote(script)}"
    kiosk = await make_client("kiosk01")
    printer = await make_client("kiosk01")  # the box's own session, as the CLI signs in
    supervisor = await make_client("2001")
    await kiosk.issue_ticket("A")  # before the printer started: not printed again
    said: list[str] = []
    stop = asyncio.Event()
    task = asyncio.create_task(follow(printer, command, said.append, stop=stop))
    await _until(lambda: said)
    await asyncio.sleep(0.3)  # the event stream is open
    await kiosk.issue_ticket("A")
    await supervisor.issue_ticket("B")  # not this kiosk's
    await kiosk.issue_ticket("C", kind="green")
    await _until(lambda: paper.exists() and paper.read_text().count("---") == 2)
    await asyncio.sleep(0.3)
    stop.set()
    await task
    slips = paper.read_text(encoding="utf-8").split("---\n")[:-1]
    assert [s.splitlines()[2] for s in slips] == ["A002", "C001"]
    assert "您前面还有 1 人" in slips[0] and "身份证" in slips[0]
    assert "绿色通道" in slips[1]
    assert said[1:] == ["已打印 A002", "已打印 C001"]
