"""Seasons: every closed week's and month's winners kept, named in the posts and listed by
`/leaderboard winners` (the month's own board is core.leaderboard's)."""
