"""Where the keyboard is: a focused field must be obvious in dark and light themes, with 16
colours and with NO_COLOR=1 (issue 9, item 10: a clerk typed a 差评 verdict into the wrong field
when focus differed by one background shade). A bar left of the field is drawn as a character,
so it survives any palette; bold text and a tinted background add to it where colour exists.
The outline draws over the field's first column, never moves the layout: a compact input keeps
that column as padding, so the bar never hides the first character typed."""

FOCUS_CSS = """
Input.-textual-compact {
    padding-left: 1;
}
Input:focus, TextArea:focus, Checkbox:focus, Select:focus > SelectCurrent {
    outline-left: thick $accent;
    text-style: bold;
    background-tint: $accent 25%;
}
"""
