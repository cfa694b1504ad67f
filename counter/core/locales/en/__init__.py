"""en message catalog (TOML files beside this module)."""
