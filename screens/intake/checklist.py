"""Step 3: the material checklist. Every material of the item in a table; one key marks it
received / missing / 容缺 / flawed, one marks all received, n writes a note."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from client.case_models import MaterialState
from client.catalog_models import CatalogItem, Material
from counter.core.i18n import t, tn
from screens.intake.messages import MarkAll, MarkMaterial, NoteMaterial, ViewEarlier
from screens.intake.state import Earlier, lacking
from screens.intake.step_keys import StepKeys
from screens.keys import bindings
from screens.text import clean, plain
from screens.widgets.fitted_table import Col, FittedTable

STATE_STYLE: dict[str, str] = {
    "received": "bold",
    "missing": "bold reverse",
    "tolerated": "italic",
    "flawed": "bold reverse",
}


def state_cell(material: Material, state: MaterialState | None, earlier: Earlier | None) -> Text:
    if state is not None:
        return Text(t("intake.state." + state), style=STATE_STYLE[state])
    before = earlier.states.get(material.name) if earlier is not None else None
    if before in ("missing", "flawed"):
        key = "intake.state.was_missing" if before == "missing" else "intake.state.was_flawed"
        return Text(t(key), style="underline")
    return Text(t("intake.state.open"), style="dim")


FORMS = ("original", "copy", "original_and_copy", "electronic")
STATES = ("received", "missing", "tolerated", "flawed", "open", "was_missing", "was_flawed")


def material_columns() -> list[Col]:
    """State, form and required sized to their longest word in this language; the material's
    name and the clerk's note share what is left (the name in full is on the line below)."""
    return [
        Col("no", "#", fits=("99",)),
        Col(
            "state",
            t("intake.checklist.col_state"),
            fits=tuple(t("intake.state." + s) for s in STATES),
        ),
        Col("material", t("intake.checklist.col_material"), share=3, least=12),
        Col(
            "form", t("intake.checklist.col_form"), fits=tuple(t("intake.form." + f) for f in FORMS)
        ),
        Col(
            "required",
            t("intake.checklist.col_required"),
            fits=(t("intake.checklist.required"), t("intake.checklist.optional")),
        ),
        Col(
            "tolerable",
            t("intake.checklist.col_tolerable"),
            fits=(t("intake.checklist.tolerable"),),
        ),
        Col("note", t("intake.checklist.col_note"), share=1, least=6),
    ]


class ChecklistStep(StepKeys, Vertical):
    BINDINGS = bindings("intake.checklist")

    def __init__(self) -> None:
        super().__init__(id="step-checklist")
        self.own_keys()
        self.item: CatalogItem | None = None
        self.has_earlier = False  # the applicant has an earlier notice for this item (v)
        # What show() was last given, to fill the rows again when the columns are laid out anew.
        self.marks: dict[str, MaterialState] = {}
        self.notes: dict[str, str] = {}
        self.earlier: Earlier | None = None

    # --- keys: said as messages, the screen marks --------------------------------------------

    def action_mark(self, state: MaterialState) -> None:
        self.post_message(MarkMaterial(state))

    def action_mark_all(self) -> None:
        self.post_message(MarkAll())

    def action_note(self) -> None:
        self.post_message(NoteMaterial())

    def action_view_earlier(self) -> None:
        self.post_message(ViewEarlier())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "view_earlier" and not self.has_earlier:
            return False
        if action == "mark" and parameters == ("tolerated",):
            material = self.current()
            if material is not None and not material.tolerable:
                return None  # shown greyed: this material may not be missing at acceptance
        return super().check_action(action, parameters)

    def on_key(self, event: events.Key) -> None:
        # Textual runs no action for a greyed key; 容缺 on a material that may not be missing
        # must still answer why (the screen says it in one line), not do nothing.
        material = self.current()
        if material is None or material.tolerable:
            return
        found = self._bindings.key_to_bindings.get(event.key, [])
        if any(binding.action == "mark('tolerated')" for binding in found):
            event.stop()
            event.prevent_default()
            self.post_message(MarkMaterial("tolerated"))

    def compose(self) -> ComposeResult:
        yield Static("", id="earlier-banner")
        yield FittedTable(self.fill, id="materials", cursor_type="row", zebra_stripes=False)
        yield Static("", id="material-detail")

    def on_mount(self) -> None:
        self.query_one("#materials", FittedTable).set_cols(material_columns())

    def show(
        self,
        item: CatalogItem,
        marks: dict[str, MaterialState],
        notes: dict[str, str],
        earlier: Earlier | None,
    ) -> None:
        table = self.query_one("#materials", DataTable)
        row = table.cursor_row if self.item is not None and self.item.code == item.code else 0
        self.item = item
        self.marks, self.notes, self.earlier = marks, notes, earlier
        self.fill()
        if item.materials:
            table.move_cursor(row=max(0, min(row, len(item.materials) - 1)))
        banner = self.query_one("#earlier-banner", Static)
        if earlier is not None:
            banner.update(
                Text.assemble(
                    (t("intake.checklist.returning"), "bold"),
                    " ",
                    tn(
                        "intake.checklist.earlier",
                        len(lacking(item, earlier.states)),
                        case_no=clean(earlier.case_no),
                        date=earlier.created_at[:10],
                    ),
                )
            )
            banner.display = True
        else:
            banner.display = False
        self.show_detail(notes, earlier)

    def fill(self) -> None:
        """The materials as rows (again after the columns were laid out anew)."""
        table = self.query_one("#materials", DataTable)
        table.clear()
        if self.item is None:
            return
        for no, material in enumerate(self.item.materials, start=1):
            table.add_row(
                str(no),
                state_cell(material, self.marks.get(material.name), self.earlier),
                plain(material.name),
                t("intake.form." + material.form),
                t("intake.checklist.required")
                if material.required
                else t("intake.checklist.optional"),
                t("intake.checklist.tolerable") if material.tolerable else "",
                plain(self.notes.get(material.name, "")),
                key=str(no - 1),
            )

    def current(self) -> Material | None:
        table = self.query_one("#materials", DataTable)
        if self.item is None or not self.item.materials:
            return None
        row = table.cursor_row
        return self.item.materials[row] if 0 <= row < len(self.item.materials) else None

    def show_detail(self, notes: dict[str, str], earlier: Earlier | None) -> None:
        """The guide's note for the highlighted material, the clerk's note and last time's."""
        material = self.current()
        detail = self.query_one("#material-detail", Static)
        if material is None:
            detail.update("")
            return
        # The name in full first: the table's column may have cut it at 80 columns.
        parts: list[Text] = [
            plain(material.name, "bold"),
            Text.assemble(t("intake.form." + material.form), " ×", str(material.copies)),
        ]
        if material.notes:
            parts.append(plain(material.notes))
        if notes.get(material.name):
            parts.append(
                Text.assemble(t("intake.checklist.note_label"), plain(notes[material.name]))
            )
        if earlier is not None and material.name in earlier.states:
            said = earlier.notes.get(material.name, "")
            parts.append(
                Text.assemble(
                    t("intake.checklist.last_time"),
                    t("intake.state." + earlier.states[material.name]),
                    " " if said else "",
                    plain(said),
                )
            )
        detail.update(Text(" · ").join(parts))

    def next_open(self, marks: dict[str, MaterialState]) -> None:
        """After a mark, move to the next material still open (or just down one)."""
        table = self.query_one("#materials", DataTable)
        if self.item is None:
            return
        count = len(self.item.materials)
        for step in range(1, count + 1):
            row = (table.cursor_row + step) % count
            if self.item.materials[row].name not in marks:
                table.move_cursor(row=row)
                return
        table.move_cursor(row=min(table.cursor_row + 1, count - 1))
