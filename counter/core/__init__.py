"""The terminal's Textual-free core: config, i18n, session, credentials, drafts, printing.

Screens stand on this package; it stands on client/ only (import-linter checks both).
"""
