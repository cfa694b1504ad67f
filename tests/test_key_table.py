"""The one key table (counter.core.keys): screens bind from it and [keys] is checked against it,
so what is left to hold is the table's own sense: one meaning per key on a screen, one default
per binding id, and defaults the config's own check accepts. (That a rebinding in [keys] moves
the key on the screen: tests/test_pilot_counter.py presses the rebound key.)"""

from __future__ import annotations

from pathlib import Path

from counter.core.config import load_config
from counter.core.keys import DEFAULT_KEYS, KEY_GROUPS, KEY_TABLE
from screens.keys import bindings


def test_each_screen_binds_a_key_once_beside_the_app_keys() -> None:
    # A screen's parts count together (F9 works on every intake step); a pop-up's own closer
    # may take an app key on purpose: F1 closes the help it opened.
    for screen, ids in KEY_GROUPS.items():
        seen: dict[str, str] = {}
        for key_id, combos in {**KEY_GROUPS["app"], **ids}.items():
            for combo in combos.split(","):
                assert seen.setdefault(combo, key_id) == key_id, f"{screen}: {combo} bound twice"
    for name, keys in KEY_TABLE.items():
        seen = {}
        for key in keys:
            for combo in key.keys.split(","):
                assert seen.setdefault(combo, key.id) == key.id, f"{name}: {combo} bound twice"


def test_a_binding_id_has_one_default_wherever_it_is_bound() -> None:
    for keys in KEY_TABLE.values():
        for key in keys:
            if key.rebindable:
                assert DEFAULT_KEYS[key.id] == key.keys, key.id
            else:
                assert key.id not in DEFAULT_KEYS, f"{key.id} is not for [keys]"


def test_the_defaults_pass_the_configs_own_check(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[keys]\n", encoding="utf-8")
    assert load_config(path).keys == DEFAULT_KEYS


def test_a_screen_group_becomes_textual_bindings_in_table_order() -> None:
    built = bindings("intake_drafts")
    assert [(b.id, b.key, b.action) for b in built] == [  # type: ignore[union-attr]
        ("intake_new", "escape", "new"),
        ("intake_discard", "delete", "discard"),
    ]
    assert set(KEY_GROUPS["intake_drafts"]) == {"intake_new", "intake_discard"}
