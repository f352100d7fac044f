"""Role rewards: a community's platform roles given at levels (`/admin reward`, Discord only).

A learner's level in a community is the level of the score that community's all-time board
shows them (core.leaderboard): their XP, wherever they earned it, plus the adjustments that
community's moderators made (`community_xp`). Not the XP earned inside the server alone: most
practice (interviews, reviews, quizzes) happens in private chats, and a server's roles should
follow the same number its own board and its moderators' `/admin xp` move (DESIGN §9: a
moderator's adjustment moves that community's standing, never global XP, so it moves that
community's roles only).
"""
