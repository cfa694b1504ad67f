"""The message catalogs: both languages say everything, with the same placeholders."""

from __future__ import annotations

import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from counter.core import i18n
from counter.core.i18n import LOCALES_DIR, catalog_files, detect_language, load_file, t

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("en", "zh")


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def file_names(lang: str) -> set[str]:
    return {path.name for path in catalog_files(lang)}


def test_both_languages_have_the_same_files() -> None:
    assert "cli.toml" in file_names("en")
    assert file_names("en") == file_names("zh")


@pytest.mark.parametrize("name", sorted(file_names("en") | file_names("zh")))
def test_every_key_exists_in_both_languages_with_the_same_placeholders(name: str) -> None:
    en = load_file(LOCALES_DIR / "en" / name)
    zh = load_file(LOCALES_DIR / "zh" / name)
    assert sorted(set(en) - set(zh)) == [], f"missing in zh/{name}"
    assert sorted(set(zh) - set(en)) == [], f"missing in en/{name}"
    mismatched = {
        key: (placeholders(en[key]), placeholders(zh[key]))
        for key in en
        if placeholders(en[key]) != placeholders(zh[key])
    }
    assert mismatched == {}
    assert [key for key in en if not en[key].strip()] == []
    assert [key for key in zh if not zh[key].strip()] == []


def test_no_key_is_defined_twice_across_files() -> None:
    for lang in LANGS:
        seen: dict[str, str] = {}
        for path in catalog_files(lang):
            for key in load_file(path):
                assert key not in seen, f"{lang}: {key} in both {seen[key]} and {path.name}"
                seen[key] = path.name


# Keys written literally in the code: t("a.b"), has("a.b"), and Binding descriptions "keys.x".
_USES = re.compile(r"""\b(?:t|has)\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")
_BINDING_KEYS = re.compile(r"""["'](keys\.[a-z0-9_]+)["']""")


def used_keys() -> dict[str, str]:
    found: dict[str, str] = {}
    for package in ("counter", "screens"):
        for path in sorted((ROOT / package).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for key in _USES.findall(text) + _BINDING_KEYS.findall(text):
                found.setdefault(key, str(path.relative_to(ROOT)))
    return found


def test_every_key_the_code_uses_is_in_the_catalog() -> None:
    en = i18n.catalog("en")
    # has("x") is how a screen asks whether an optional string exists: those may be missing.
    missing = {
        key: where
        for key, where in used_keys().items()
        if key not in en and f'has("{key}")' not in (ROOT / where).read_text(encoding="utf-8")
    }
    assert missing == {}


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_ALL": "", "LC_MESSAGES": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_MESSAGES": "zh_CN.GB18030", "LANG": "en_US"}, "zh"),
    ],
)
def test_detect_language_follows_the_locale(environ: dict[str, str], expected: str) -> None:
    assert detect_language(environ) == expected


def test_t_formats_and_switches_language() -> None:
    i18n.set_language("en")
    assert i18n.current_language() == "en"
    assert t("cli.unreachable", url="http://x", reason="refused") == (
        "cannot reach the central API at http://x: refused"
    )
    i18n.set_language("zh")
    assert t("cli.unreachable", url="http://x", reason="refused").startswith("无法连接")
    i18n.set_language("en")


def test_a_missing_key_comes_back_as_itself() -> None:
    assert t("no.such.key") == "no.such.key"
    assert t("no.such.key", n=3) == "no.such.key"


def test_a_bad_format_argument_does_not_crash() -> None:
    i18n.set_language("en")
    template = i18n.catalog("en")["cli.unreachable"]
    assert t("cli.unreachable") == template  # placeholders left as written


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        i18n.set_language("fr")  # type: ignore[arg-type]


def test_catalogs_load_lazily() -> None:
    code = (
        "import counter.core.i18n as i; assert i._catalogs == {}; "
        "i.t('cli.error', message='x'); assert i._catalogs"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_the_id_document_choices_follow_the_language() -> None:
    from client.validators import ID_KIND_NAMES
    from screens.intake.applicant import _id_kinds

    i18n.set_language("en")
    english = {kind: label for label, kind in _id_kinds()}
    assert set(english) == set(ID_KIND_NAMES)
    assert not any(re.search(r"[\u4e00-\u9fff]", label) for label in english.values())
    i18n.set_language("zh")
    assert {kind: label for label, kind in _id_kinds()} == ID_KIND_NAMES
    i18n.set_language("en")


def test_the_no_printer_notice_names_the_setting_the_config_reads() -> None:
    from counter.core.config_reading import _schema

    assert _schema(None)["print"]["command"][0] == "print_command"
    for lang in LANGS:
        i18n.set_language(lang)
        assert "[print] command" in t("intake.document.no_printer"), lang
    i18n.set_language("en")


def test_print_failures_are_said_in_the_terminal_language() -> None:
    from counter.core.printing import PrintError, print_document

    i18n.set_language("zh")
    with pytest.raises(PrintError, match="找不到该命令"):
        print_document("no-such-printer-command-xyz", "x")
    with pytest.raises(PrintError, match="打印命令为空"):
        print_document("  ", "x")
    i18n.set_language("en")
