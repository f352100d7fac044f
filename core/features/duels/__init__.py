"""Duels: two learners of one community answer the same questions privately against a clock.

Modules, one job each: `store` (queries), `fair_play` (who may duel and when a rating moves),
`rating` (OpenSkill), `render` (how it looks), `play` (challenge, accept, answer, finish),
`sweep` (expiry, the job), `board` (/leaderboard duels, /profile), `handlers` (entry points).
"""
