"""The public web leaderboard: read-only pages served with aiohttp beside the bot
(`DOJO_WEB_PORT`), rendered with Jinja2 (autoescaped: learner names are hostile input)."""
