"""The supervisor's console: the hall board, alerts, interventions, callbacks and reports."""
