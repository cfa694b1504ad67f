"""Small widgets of the counter screen, one concern each."""
