"""The Telegram adapter on python-telegram-bot: translate updates, render replies, send them."""
