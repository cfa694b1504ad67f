"""Every key binding with an id can be moved in [keys]: the config's table of binding ids and
default keys must say exactly what the screens bind, or a clerk's rebinding silently fails."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding
from textual.dom import DOMNode

import screens
from counter.app import CounterApp
from counter.core.config import DEFAULT_KEYS, KEY_GROUPS


def bound_ids() -> dict[str, set[tuple[str, str]]]:
    """class → {(binding id, keys)} for every screen, widget and the App."""
    found: dict[str, set[tuple[str, str]]] = {}
    classes: list[type[DOMNode]] = [CounterApp]  # type: ignore[list-item]
    for info in pkgutil.walk_packages(screens.__path__, "screens."):
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, DOMNode)
                and obj.__module__ == module.__name__
            ):
                classes.append(obj)
    for cls in classes:
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id is not None:
                found.setdefault(cls.__qualname__, set()).add((binding.id, binding.key))
    return found


def test_every_binding_id_is_in_the_config_with_its_default_keys() -> None:
    for cls, bindings in bound_ids().items():
        for binding_id, keys in bindings:
            # Closing a pop-up with Esc is not something a hall rebinds.
            closing = binding_id.startswith(("cancel_", "close_"))
            if closing and binding_id not in DEFAULT_KEYS:
                continue
            assert binding_id in DEFAULT_KEYS, f"{cls}: binding id {binding_id} not in [keys]"
            assert DEFAULT_KEYS[binding_id] == keys, f"{cls}: {binding_id} binds {keys}"


def test_each_screen_group_binds_a_key_once() -> None:
    for name, group in KEY_GROUPS.items():
        seen: dict[str, str] = {}
        for action, combo in {**KEY_GROUPS["app"], **group}.items():
            for key in combo.split(","):
                assert seen.setdefault(key, action) == action, f"{name}: {key} bound twice"
