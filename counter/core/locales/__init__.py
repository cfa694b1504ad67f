"""Message catalogs: one folder per language (en, zh), TOML files merged by counter.i18n."""
