"""Every key binding of the terminal, declared once: its id, default keys, the action it runs,
its description (an i18n key) and the screen group it belongs to.

Screens and their parts build their BINDINGS from here (screens.keys.bindings("counter")),
and the config's [keys] table is checked against it (DEFAULT_KEYS, KEY_GROUPS): a binding id
a hall rebinds is always one a screen binds. A key may mean different things on different
screens, but only one thing on each, and never clash with the app-wide keys:
counter.core.config refuses a [keys] table that breaks this, and tests/test_key_table.py
holds the defaults to it.

To add a key: one line in its group below, an i18n string for its description in both
catalogs, and the action method on the screen. A pop-up's own "close" key is not rebindable
(rebindable=False): a hall has no reason to move Esc on a dialog.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KeyBinding:
    id: str
    keys: str  # default keys, comma-separated (Textual's form): "f2,n"
    action: str  # the screen's action it runs: "call_next", "mark('missing')"
    description: str  # i18n key, translated when the screen is built
    show: bool = True  # listed in the footer
    priority: bool = False  # before any focused widget sees the key
    rebindable: bool = True  # may be moved in the config's [keys]
    # One of the keys the work on its screen needs (the checklist's marks, Enter on): a narrow
    # footer keeps it before the screen's other keys that apply (screens/widgets/fitted_footer).
    main: bool = False


K = KeyBinding

# The escalation steps: the same keys on the ledger and on one escalation"s detail.
ESCALATION_STEPS: tuple[KeyBinding, ...] = (
    K("escalation_assign", "a", "step('assign')", "keys.escalation_assign"),
    K("escalation_progress", "p", "step('progress')", "keys.escalation_progress"),
    K("escalation_resolve", "v", "step('resolve')", "keys.escalation_resolve"),
    K("escalation_callback", "c", "step('callback')", "keys.escalation_callback"),
    K("escalation_close", "x", "step('close')", "keys.escalation_close"),
    K("escalation_scope", "o", "step('out_of_scope')", "keys.escalation_out_of_scope"),
)

KEY_TABLE: dict[str, tuple[KeyBinding, ...]] = {
    "app": (
        K("help", "f1", "help", "keys.help"),
        K("quit", "ctrl+q", "quit", "keys.quit", show=False, priority=True),
        # Tab moves the focus as the app reads the key, before the keys behind it go anywhere:
        # as the screen's own binding it ran only once the focused field had the Tab in turn,
        # so a scanner's "2001⇥counter⏎" put "counter" into the staff number field.
        K(
            "next_field",
            "tab",
            "focus_next",
            "keys.next_field",
            show=False,
            priority=True,
            rebindable=False,
        ),
        K(
            "previous_field",
            "shift+tab",
            "focus_previous",
            "keys.previous_field",
            show=False,
            priority=True,
            rebindable=False,
        ),
        # Training: the trainer's key for the trainee report (does nothing outside a scenario).
        K("trainee_report", "ctrl+t", "trainee_report", "keys.trainee_report", show=False),
        K("trainer_ticket", "ctrl+o", "trainer_ticket", "keys.trainer_ticket", show=False),
        K("trainer_pause", "ctrl+g", "trainer_pause", "keys.trainer_pause", show=False),
        K("trainer_restart", "ctrl+r", "trainer_restart", "keys.trainer_restart", show=False),
        K(
            "command_palette",
            "ctrl+p",
            "command_palette",
            "keys.palette",
            show=False,
            priority=True,
        ),
    ),
    "counter": (
        K("call_next", "f2,n", "call_next", "keys.call_next"),
        K("recall", "f3,r", "recall", "keys.recall"),
        K("no_show", "f4,x", "no_show", "keys.no_show"),
        K("start", "enter,space", "start", "keys.start"),
        K("intake", "f5,a", "intake", "keys.intake"),
        K("transfer", "f6,t", "transfer", "keys.transfer"),
        K("hold", "f7,h", "hold", "keys.hold"),
        K("finish", "f8,f", "finish", "keys.finish"),
        K("escalate", "f9,e", "escalate", "keys.escalate"),
        K("pause", "f10,p", "pause", "keys.pause"),
        K("my_ratings", "f11,s", "my_ratings", "keys.my_ratings"),
        K("escalations", "f12,l", "escalations", "keys.escalations"),
        K("call_named", "g", "call_named", "keys.call_named", show=False),
        K("sign_off", "o", "sign_off", "keys.sign_off", show=False),
    ),
    "escalation_detail": (
        K("escalation_detail_back", "escape", "back", "keys.escalation_back"),
        *ESCALATION_STEPS,
    ),
    "escalation_dialog": (
        K("escalation_dialog_ok", "f10,ctrl+s", "submit", "keys.escalation_dialog_ok"),
        K("escalation_dialog_cancel", "escape", "cancel", "keys.cancel"),
    ),
    "escalation_form": (
        K("escalation_submit", "f10,ctrl+s", "submit", "keys.escalation_submit"),
        K("escalation_back", "escape", "back", "keys.escalation_back"),
    ),
    "my_escalations": (
        K("escalation_open", "enter", "open", "keys.escalation_open", show=False),
        K("escalation_reload", "f5", "reload", "keys.escalation_reload"),
        K("escalation_list_back", "escape", "back", "keys.escalation_back"),
    ),
    "escalation_ledger": (
        K("escalation_ledger_open", "enter", "open", "keys.escalation_open", show=False),
        *ESCALATION_STEPS,
        K("escalation_export", "e,ctrl+e", "export", "keys.escalation_export"),
        K("escalation_ledger_reload", "f5", "reload", "keys.escalation_reload", show=False),
        K("escalation_ledger_back", "escape", "back", "keys.escalation_back"),
    ),
    "help": (K("close_help", "escape,f1,q", "dismiss", "keys.close", rebindable=False),),
    "intake_note": (K("cancel_note", "escape", "cancel", "keys.cancel", rebindable=False),),
    "intake_document": (
        K("close_document", "escape,enter,q", "close", "keys.close", rebindable=False),
    ),
    "intake_drafts": (
        K("intake_new", "escape", "new", "keys.intake_new"),
        K("intake_discard", "delete", "discard", "keys.intake_discard"),
    ),
    # The intake screen keeps F9; each step widget owns its own keys (and Enter / Esc), so a
    # step's keys work only on that step. For [keys] they count as one screen ("intake").
    "intake": (K("intake_escalate", "f9", "escalate", "keys.escalate", main=True),),
    # Enter takes the item / goes on before the focused Input sees it: the Input's own Enter
    # (hidden) would hide the step's from the footer. On the applicant's lists and checkbox the
    # step lets Enter through to them (screens/intake/applicant.py).
    "intake.item": (
        K("intake_next", "enter", "next", "keys.intake_take", priority=True, main=True),
        K("intake_back", "escape", "back", "keys.intake_back"),
    ),
    "intake.applicant": (
        K("intake_next", "enter", "next", "keys.intake_next", priority=True, main=True),
        K("intake_back", "escape", "back", "keys.intake_back"),
    ),
    # Enter goes on before the material table sees it (the table's own Enter, hidden, would
    # also go on, but would hide the key from the footer). r is the key the footer shows: at 80
    # columns "space Received" left no room for F9 once 容缺 applies.
    "intake.checklist": (
        K("intake_next", "enter", "next", "keys.intake_next", priority=True, main=True),
        K("intake_back", "escape", "back", "keys.intake_back", main=True),
        K("intake_received", "r,space", "mark('received')", "keys.intake_received", main=True),
        K("intake_missing", "m", "mark('missing')", "keys.intake_missing", main=True),
        K("intake_tolerated", "c", "mark('tolerated')", "keys.intake_tolerated", main=True),
        K("intake_flawed", "f", "mark('flawed')", "keys.intake_flawed", main=True),
        K("intake_all", "ctrl+a", "mark_all", "keys.intake_all"),
        K("intake_note", "n", "note", "keys.intake_note"),
        K("intake_earlier", "v", "view_earlier", "keys.intake_earlier"),
    ),
    # Enter stores the case with the highlighted decision, before the decision list sees it
    # (its own Enter, hidden, would hide the key from the footer); on the delivery list it
    # opens the list (screens/intake/decision.py).
    "intake.decision": (
        K("intake_next", "enter", "next", "keys.intake_decide", priority=True, main=True),
        K("intake_back", "escape", "back", "keys.intake_back"),
    ),
    "intake.document": (
        K("intake_next", "enter", "next", "keys.intake_done", main=True),
        # Esc also returns to the counter (the case is stored): not "Back" to the decision.
        K("intake_back", "escape", "back", "keys.intake_back", show=False),
        K("intake_print", "p", "print_document", "keys.intake_print"),
        K("intake_save", "s", "save_document", "keys.intake_save"),
    ),
    "pause_reason": (K("cancel_pause", "escape", "cancel", "keys.cancel", rebindable=False),),
    "rating_step": (K("cancel_rating_step", "escape", "cancel", "keys.cancel", rebindable=False),),
    "ratings_export": (K("cancel_export", "escape", "cancel", "keys.cancel", rebindable=False),),
    "my_ratings": (
        K("close_ratings", "escape,f11", "close", "keys.ratings_back"),
        K("ratings_today", "1", "period('today')", "keys.rating_today", show=False),
        K("ratings_week", "2", "period('week')", "keys.rating_week", show=False),
        K("ratings_month", "3", "period('month')", "keys.rating_month", show=False),
        K("ratings_range", "4", "choose_range", "keys.rating_range"),
        K("rating_explain", "e", "explain", "keys.rating_explain"),
        K("ratings_refresh", "f5", "reload", "keys.ratings_refresh"),
    ),
    "ratings_range": (K("cancel_range", "escape", "cancel", "keys.cancel", rebindable=False),),
    "bad_queue": (
        K("close_queue", "escape", "close", "keys.ratings_back"),
        K("rating_verify", "v", "step('verify')", "keys.rating_verify"),
        K("rating_rectify", "c", "step('rectify')", "keys.rating_rectify"),
        K("queue_open", "1", "show_open(True)", "keys.queue_open", show=False),
        K("queue_all", "2", "show_open(False)", "keys.queue_all", show=False),
        K("staff_tally", "t", "staff_table", "keys.staff_tally"),
        K("queue_refresh", "f5", "reload", "keys.ratings_refresh"),
    ),
    "staff_tally": (
        K("close_staff_tally", "escape", "close", "keys.ratings_back"),
        K("tally_today", "1", "period('today')", "keys.rating_today", show=False),
        K("tally_week", "2", "period('week')", "keys.rating_week", show=False),
        K("tally_month", "3", "period('month')", "keys.rating_month", show=False),
        K("sort_satisfaction", "s", "sort('satisfaction')", "keys.sort_satisfaction"),
        K("sort_bad", "b", "sort('bad')", "keys.sort_bad"),
        K("sort_served", "n", "sort('served')", "keys.sort_served"),
        K("export_csv", "x", "export", "keys.export_csv"),
        K("staff_tally_refresh", "f5", "reload", "keys.ratings_refresh"),
    ),
    "sign_on": (
        K("bad_queue", "f11,s", "bad_queue", "keys.bad_queue"),
        K("escalations", "f12,l", "escalations", "keys.escalations"),
    ),
    "classroom": (
        K("classroom_report", "enter", "open_report", "keys.classroom_report"),
        K("classroom_restart", "r", "restart", "keys.classroom_restart"),
        K("classroom_refresh", "f5", "reload", "keys.board_refresh"),
        K("classroom_back", "escape", "back", "keys.classroom_back"),
    ),
    "hall_board": (
        K("board_tab_board", "1", "tab('board')", "keys.board_tab_board", show=False),
        K("board_tab_alerts", "2", "tab('alerts')", "keys.board_tab_alerts", show=False),
        K("board_tab_ledger", "3", "tab('ledger')", "keys.board_tab_ledger", show=False),
        K("board_tab_bad", "4", "tab('bad')", "keys.board_tab_bad", show=False),
        K("board_tab_reports", "5", "tab('reports')", "keys.board_tab_reports", show=False),
        K("board_tab_callbacks", "6", "tab('callbacks')", "keys.board_tab_callbacks", show=False),
        K("board_tab_classroom", "7", "tab('classroom')", "keys.board_tab_classroom", show=False),
        K("board_filter", "slash", "filter", "keys.board_filter"),
        K("board_call_ticket", "g", "call_ticket", "keys.board_call_ticket"),
        K("board_move", "m", "move", "keys.board_move"),
        K("board_cancel", "x", "cancel_ticket", "keys.board_cancel", show=False),
        K("board_reactivate", "r", "reactivate", "keys.board_reactivate", show=False),
        K("board_sign_off", "o", "sign_off", "keys.board_sign_off"),
        K("board_window_queues", "q", "window_queues", "keys.board_window_queues"),
        K("board_sign_on", "s", "sign_on", "keys.board_sign_on", show=False),
        K("alert_ack", "a", "ack", "keys.alert_ack"),
        K("alert_open", "enter", "open_alert", "keys.alert_open", show=False),
        K("board_refresh", "f5", "reload", "keys.board_refresh", show=False),
        K("board_report_export", "e", "export_report", "keys.board_report_export"),
        K("board_report_more", "n", "more_cases", "keys.board_report_more"),
        K("callback_record", "c", "record_callback", "keys.callback_record"),
        K(
            "callback_day_before",
            "left_square_bracket",
            "callback_day(-1)",
            "keys.callback_day_before",
        ),
        K(
            "callback_day_after",
            "right_square_bracket",
            "callback_day(1)",
            "keys.callback_day_after",
        ),
    ),
    "board_prompt": (K("cancel_prompt", "escape", "cancel", "keys.cancel", rebindable=False),),
    "call_named": (K("cancel_call_named", "escape", "cancel", "keys.cancel", rebindable=False),),
    "sign_off": (K("cancel_sign_off", "escape", "cancel", "keys.cancel", rebindable=False),),
    "transfer": (K("cancel_transfer", "escape", "cancel", "keys.cancel", rebindable=False),),
}


def group(name: str) -> tuple[KeyBinding, ...]:
    return KEY_TABLE[name]


def screen_of(group_name: str) -> str:
    """The screen a group's keys act on: "intake.checklist" is a part of "intake"."""
    return group_name.split(".", 1)[0]


# binding id → default keys, by screen: what the config's [keys] may rebind, and where a key
# must mean one thing (a screen's parts together, since F9 works on every intake step).
KEY_GROUPS: dict[str, dict[str, str]] = {}
for _name, _keys in KEY_TABLE.items():
    for _key in _keys:
        if _key.rebindable:
            KEY_GROUPS.setdefault(screen_of(_name), {})[_key.id] = _key.keys
# The ids of the keys a narrow footer keeps first (KeyBinding.main).
MAIN_KEYS: frozenset[str] = frozenset(
    key.id for keys in KEY_TABLE.values() for key in keys if key.main
)
DEFAULT_KEYS: dict[str, str] = {
    key_id: keys for ids in KEY_GROUPS.values() for key_id, keys in ids.items()
}
