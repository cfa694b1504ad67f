"""A dialog over the counter in the living demo carries no second DEMO mark (seen at 80×24 zh:
the dialog's "演示 · 培训" lay over the status line's own "演示" and cut it to "演"). The
status line under the dialog says it already; a dialog over a marked screen shows that mark."""

from __future__ import annotations

from pathlib import Path

import pytest

from counter.app import make_app
from counter.core.config import Config
from screens.pause_reason import PauseReasonScreen
from tests.pilot import SIZE, sign_in, until

pytest.importorskip("central.app")


async def test_a_dialog_over_the_counter_is_not_marked_again(tmp_path: Path) -> None:
    from counter.demo import build_demo

    hall = build_demo(seed=2, workdir=tmp_path, simulate=False)
    app = make_app(client=hall.client, config=Config(lang="zh", window=1), demo=hall)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, app, "1001")
            await pilot.press("f10")
            await until(pilot, lambda: isinstance(app.screen, PauseReasonScreen), "the reasons")
            dialog = app.screen
            app.mark_unless_status_line(dialog)  # as after the dialog's first paint
            app.mark_screen(dialog)
            assert not dialog.query(".demo-mark")
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, PauseReasonScreen), "closed")
    finally:
        await hall.aclose()
