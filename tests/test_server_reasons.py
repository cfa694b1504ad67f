"""Every refusal of the central names its reason, and the terminal says each reason in zh and en.

The server's English sentence stays for API users; a clerk reads the terminal's own catalog,
filled with the refusal's parameters (issue 9, item 5).
"""

from __future__ import annotations

import ast
import string
from pathlib import Path
from typing import Any

import pytest

from counter.core.i18n import LOCALES_DIR, load_file

ROOT = Path(__file__).resolve().parent.parent
REFUSALS = {"Invalid", "Conflict", "NotFound", "Forbidden", "Unauthorized", "RateLimited"}


def _literals(node: ast.expr) -> list[str] | None:
    """The reason codes an expression can take, or None when it is not written literally."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _literals(node.body), _literals(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def _param_names(node: ast.expr | None) -> set[str] | None:
    if node is None:
        return set()
    if isinstance(node, ast.IfExp):
        return _param_names(node.body)
    if isinstance(node, ast.Dict):
        return {k.value for k in node.keys if isinstance(k, ast.Constant)}
    if isinstance(node, ast.Constant) and node.value is None:
        return set()
    return None


def server_reasons() -> dict[str, set[str]]:
    """reason → the parameter names it is raised with, read from every refusal in central/."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "central").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            if node.func.id not in REFUSALS and node.func.id != "error_response":
                continue
            kwargs = {k.arg: k.value for k in node.keywords}
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if "reason" not in kwargs:
                assert node.func.id == "error_response", f"{where}: a refusal without a reason"
                continue
            codes = _literals(kwargs["reason"])
            if codes is None and node.func.id == "error_response":
                continue  # passes a refusal's own reason on
            assert codes is not None, f"{where}: write the reason literally"
            names = _param_names(kwargs.get("params"))
            assert names is not None, f"{where}: write the params as a dict literal"
            for code in codes:
                found.setdefault(code, set()).update(names)
    return found


def _placeholders(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_the_central_names_many_reasons() -> None:
    reasons = server_reasons()
    assert len(reasons) > 60
    assert "window_signed_on_by_other" in reasons


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_reason_has_a_sentence_in_each_language(lang: str) -> None:
    sentences = load_file(LOCALES_DIR / lang / "server.toml")
    missing = []
    for reason, names in sorted(server_reasons().items()):
        template = sentences.get(f"server.{reason}")
        if template is None:
            missing.append(reason)
            continue
        # A sentence may leave a parameter out, never ask for one the server does not send.
        assert _placeholders(template) <= names, f"{lang}: server.{reason} asks for more"
    assert missing == [], f"{lang}: no sentence for these reasons"


@pytest.fixture
def zh() -> Any:
    from counter.core import i18n

    i18n.set_language("zh")
    yield
    i18n.set_language("en")


async def test_a_refusal_reads_in_chinese_on_a_chinese_screen(make_client: Any, zh: Any) -> None:
    """ "当前无法操作：Window 1 is signed on by…" was what a clerk read before."""
    from client import errors
    from screens.errors import describe

    first, second = await make_client("1001"), await make_client("1002")
    await first.sign_on(1)
    with pytest.raises(errors.Conflict) as refused:
        await second.sign_on(1)
    assert refused.value.reason == "window_signed_on_by_other"
    text = describe(refused.value, "http://central.test")
    assert "1 号窗口由" in text and "1001" in text
    assert "signed on" not in text

    with pytest.raises(errors.NotFound) as missing:
        await first.ticket(75)
    assert describe(missing.value, "http://central.test").endswith("没有号票 75。")

    await first.pause(1, "break")
    with pytest.raises(errors.Conflict) as paused:
        await first.call_next(1)
    # The pause reason arrives as a code and is said in the clerk's words.
    assert "（休息）" in describe(paused.value, "http://central.test")
