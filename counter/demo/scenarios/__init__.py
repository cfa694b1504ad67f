"""The training scenarios shipped with Counter (TOML; the format is in the README)."""
