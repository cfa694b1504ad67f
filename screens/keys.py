"""Screens' key bindings, built from the one key table (counter.core.keys); their descriptions
are i18n keys that screens translate when they are built (`localized`)."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap, BindingType

from counter.core.i18n import t
from counter.core.keys import group

PREFIX = "keys."


def localized(bindings: BindingsMap) -> BindingsMap:
    """A copy of `bindings` whose "keys.*" descriptions are translated to the current language."""

    def one(binding: Binding) -> Binding:
        if binding.description.startswith(PREFIX):
            return replace(binding, description=t(binding.description))
        return binding

    return BindingsMap.from_keys(
        {key: [one(b) for b in group] for key, group in bindings.key_to_bindings.items()}
    )


def bindings(*groups: str) -> list[BindingType]:
    """The Textual bindings of these key-table groups, in table order:
    `BINDINGS = bindings("counter")`."""
    return [
        Binding(
            key.keys,
            key.action,
            key.description,
            show=key.show,
            priority=key.priority,
            id=key.id,
        )
        for name in groups
        for key in group(name)
    ]
