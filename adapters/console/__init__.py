"""The terminal chat: the same bot, one line at a time."""
