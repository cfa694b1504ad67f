"""Where notices (toasts) show while a dialog is open.

Textual floats toasts over the bottom right corner on a layer of their own; at 80×24 one
covered a dialog's buttons and fields. On a dialog's screen the notices take a band of their
own at the bottom instead, in the dialog's layer, so the dialog is centred in what is left
and nothing of it is hidden. Full width and without padding, a notice takes as few lines as
it can.
"""

NOTICES_CSS = """
ModalScreen ToastRack {
    layer: default;
    margin-bottom: 0;
    align: left bottom;
    overflow-y: hidden;
    max-height: 6;
}
ModalScreen ToastHolder {
    align-horizontal: left;
}
ModalScreen Toast {
    width: 100%;
    max-width: 100%;
    margin-top: 0;
    padding: 0 1;
}
"""
