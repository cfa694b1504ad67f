"""Bindings declare i18n keys as descriptions; screens translate them when they are built."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap

from counter.core.i18n import t

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
