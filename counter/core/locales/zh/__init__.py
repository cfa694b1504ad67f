"""zh message catalog (TOML files beside this module)."""
