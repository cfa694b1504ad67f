"""The intake's three status lines, drawn from its state: the head (ticket, item, applicant),
the steps (where the clerk is) and the open line (what is still to decide, whatever the step)."""

from __future__ import annotations

from datetime import date

from rich.text import Text

from client.case_models import Case
from client.catalog_models import CatalogItem
from client.validators import mask_id, normalise_id
from counter.core.i18n import t
from screens.intake.state import (
    STEPS,
    IntakeState,
    applicant_problems,
    possible_decisions,
    unchecked,
)
from screens.text import clean, plain


def one_line(text: Text) -> Text:
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


def head(state: IntakeState) -> Text:
    parts: list[Text] = [Text(t("intake.title"), style="bold")]
    if state.ticket_number:
        parts.append(Text(t("intake.ticket", number=state.ticket_number)))
    else:
        parts.append(Text(t("intake.no_ticket"), style="dim"))
    if state.item_name:
        parts.append(plain(state.item_name))
    form = state.applicant
    if form.name.strip() and state.step not in ("item", "applicant"):
        number = form.id_number if form.kind == "person" else form.uscc
        shown = mask_id(normalise_id(number))  # a lowercase x from an old draft: upper case
        parts.append(Text.assemble(plain(form.name.strip()), " ", plain(shown)))
    return one_line(Text.assemble(" ", Text(" · ").join(parts)))


def steps_line(state: IntakeState) -> Text:
    line = Text(" ")
    current = STEPS.index(state.step)
    for index, step in enumerate(STEPS):
        label = f" {index + 1} {t('intake.step.' + step)} "
        if index == current:
            line.append(label, style="bold reverse")
        else:
            line.append(label, style="" if index < current else "dim")
        if index < len(STEPS) - 1:
            line.append("›", style="dim")
    return line


def open_line(state: IntakeState, item: CatalogItem | None, case: Case | None, today: date) -> Text:
    """Which decisions are still open, whatever the step."""
    step = state.step
    if step == "document" and case is not None:
        return one_line(Text(" " + t("intake.open.stored", case_no=clean(case.case_no))))
    if item is None:
        return Text(" " + t("intake.open.item"))
    parts: list[Text] = []
    if step == "applicant":
        problems = applicant_problems(state.applicant, today, item.min_age)
        if problems:
            names = t("intake.open.separator").join(t(f"intake.applicant.{f}") for f in problems)
            parts.append(Text(t("intake.open.applicant", fields=names)))
    waiting = unchecked(item, state.marks)
    if waiting:
        parts.append(
            Text.assemble(
                (t("intake.open.materials", count=len(waiting)), "bold"),
                " ",
                plain(t("intake.open.separator").join(m.name for m in waiting)),
            )
        )
    possible = possible_decisions(item, state.marks)
    parts.append(
        Text(
            t(
                "intake.open.possible",
                decisions=" / ".join(t("intake.decision." + d) for d in possible),
            )
        )
    )
    return one_line(Text.assemble(" ", Text(" · ").join(parts)))
