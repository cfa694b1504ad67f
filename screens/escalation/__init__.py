"""办不成事 escalations in the terminal: the form, my escalations, the supervisor's ledger,
one escalation with its timeline, the supervisor's step dialogs and the CSV export."""
