"""The public web leaderboard's core side: a community's page address (`/admin web on|off|new`)
and the table that keeps it (the page itself: core.web, adapters/web)."""
