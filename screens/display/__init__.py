"""The hall display board's screens: device sign-in and the board itself."""
