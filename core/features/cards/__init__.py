"""Rank cards: /profile's picture (render.py draws it, fonts.py fits names in any script)."""
