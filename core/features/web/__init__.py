"""The public web leaderboard's core side: a community's page address (`/admin web on|off|new`)
and the data its page shows. The server that shows it is adapters/web."""
